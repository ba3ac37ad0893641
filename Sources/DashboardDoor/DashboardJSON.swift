import Foundation
import Hummingbird
import NIOCore

/// JSON in and out, keys in snake case (the seed pipeline's spelling).
enum DashboardJSON {
    static func encode<Value: Encodable>(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(value)
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    static func response<Value: Encodable>(_ value: Value) throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encode(value))))
    }

    /// A decoding error in a sentence a client can act on.
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "missing field '\(snakeCase(key.stringValue))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "field '\(context.codingPath.map { snakeCase($0.stringValue) }.joined(separator: "."))' has the wrong type"
        case .dataCorrupted(let context): "not valid JSON (\(context.debugDescription))"
        @unknown default: "\(error)"
        }
    }

    private static func snakeCase(_ camel: String) -> String {
        camel.reduce(into: "") { text, character in
            if character.isUppercase { text += "_" + character.lowercased() } else { text.append(character) }
        }
    }
}
