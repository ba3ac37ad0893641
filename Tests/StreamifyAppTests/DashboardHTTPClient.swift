import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small HTTP client for the dashboard tests: one request, its status and JSON body.
struct DashboardHTTPClient {
    let base: URL
    var token: String?

    init(port: Int, token: String? = nil) {
        base = URL(string: "http://127.0.0.1:\(port)")!
        self.token = token
    }

    struct Answer {
        var status: Int
        var body: Data
        var contentType: String
        var headers: [String: String] = [:]

        /// The value of the header `name` (any case), if sent.
        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }

        /// The body as JSON (a dictionary or an array).
        func json() throws -> Any { try JSONSerialization.jsonObject(with: body) }
        /// The body as a JSON object.
        func object() throws -> [String: Any] {
            guard let object = try json() as? [String: Any] else { throw Unexpected(text: text) }
            return object
        }
        /// The error message of a 4xx answer.
        func errorMessage() throws -> String {
            (try object()["error"] as? [String: Any])?["message"] as? String ?? ""
        }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    struct Unexpected: Error { var text: String }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> Answer {
        var request = URLRequest(url: URL(string: path, relativeTo: base)!)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return try await send(request)
    }

    func post(_ path: String, json: String? = nil, headers: [String: String] = [:]) async throws -> Answer {
        var request = URLRequest(url: URL(string: path, relativeTo: base)!)
        request.httpMethod = "POST"
        request.httpBody = json.map { Data($0.utf8) }
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return try await send(request)
    }

    private func send(_ request: URLRequest) async throws -> Answer {
        var request = request
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.timeoutInterval = 30
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return Answer(
            status: http.statusCode, body: data, contentType: http.value(forHTTPHeaderField: "Content-Type") ?? "",
            headers: http.allHeaderFields.reduce(into: [:]) { headers, field in
                if let name = field.key as? String, let value = field.value as? String { headers[name] = value }
            })
    }
}
