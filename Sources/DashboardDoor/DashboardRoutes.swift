import Foundation
import Hummingbird
import NIOCore
import StreamifyWire

/// The HTTP door's routes: the page and its assets, the JSON API, the live stream, `/metrics`.
///
/// Bad input gets a 4xx with a JSON `{"error": {"message": ...}}` saying what is wrong: an
/// unknown id is 404, a malformed body or parameter 400, a body over `maxBodyBytes` 413, an API
/// request without the token (when one is configured) 401, one from another site's page 403
/// (`DashboardAccess`).
enum DashboardRoutes {
    /// Rows a list endpoint answers with at most.
    static let listLimit = 1...500

    static func make(
        dashboard: Dashboard, chartScript: ByteBuffer?, metricsText: @escaping @Sendable () -> String?,
        isStopping: @escaping @Sendable () -> Bool
    ) -> Router<BasicRequestContext> {
        let router = Router()
        let configuration = dashboard.configuration
        router.add(middleware: DashboardMetricsMiddleware(metrics: dashboard.metrics))
        router.add(middleware: DashboardHeadersMiddleware())
        router.add(middleware: DashboardAccessMiddleware(token: configuration.token))

        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: DashboardPage.html)))
        }
        router.get("/app.js") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/javascript; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: DashboardPage.script)))
        }
        router.get("/chart.js") { _, _ in
            guard let chartScript else {
                throw HTTPError(
                    .notFound,
                    message: "Chart.js is not installed at \(configuration.chartScriptPath) (apt install libjs-chart.js)")
            }
            return Response(status: .ok, headers: [.contentType: "text/javascript"], body: .init(byteBuffer: chartScript))
        }
        router.get("/metrics") { _, _ in
            guard let text = metricsText() else { throw HTTPError(.notFound, message: "metrics are off") }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }

        router.get("/api/transactions") { request, _ in
            try DashboardJSON.response(dashboard.transactions(limit: try limit(request, default: 10)))
        }
        router.get("/api/transactions/:id") { _, context in
            try lookup(context, dashboard.decision(transactionID:)) {
                "no recent decision for transaction '\($0)' (the dashboard keeps a sample of the newest)"
            }
        }
        router.get("/api/fraud_alerts") { request, _ in
            try DashboardJSON.response(dashboard.alerts(limit: try limit(request, default: 5)))
        }
        router.get("/api/analytics") { _, _ in
            try DashboardJSON.response(dashboard.analytics())
        }
        router.get("/api/cards/:id") { _, context in
            try lookup(context, dashboard.card(id:)) { "card '\($0)' is not tracked" }
        }
        router.get("/api/merchants/:id") { _, context in
            try lookup(context, dashboard.merchant(id:)) { "merchant '\($0)' is not tracked" }
        }
        router.get("/api/stream") { _, _ in
            guard let slot = dashboard.openStream() else {
                throw HTTPError(.serviceUnavailable, message: "\(configuration.maxStreams) live streams are open already; poll /api/analytics")
            }
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    // The slot goes with the body, run or not.
                    withExtendedLifetime(slot) {}
                    while !Task.isCancelled && !isStopping() {
                        let data = try DashboardJSON.encode(dashboard.analytics().live)
                        try await writer.write(ByteBuffer(string: "event: analytics\ndata: \(String(decoding: data, as: UTF8.self))\n\n"))
                        try await Task.sleep(for: .milliseconds(configuration.streamIntervalMilliseconds))
                    }
                    try await writer.finish(nil)
                })
        }

        router.post("/api/start_generation") { request, context in
            let body = try await decodeBody(StartRequest.self, from: request, context, configuration, required: false)
            let rate = body?.rate ?? 200
            guard (1...configuration.maxDemoRate).contains(rate) else {
                throw HTTPError(.badRequest, message: "rate must be 1...\(configuration.maxDemoRate) transactions per second, got \(rate)")
            }
            return try DashboardJSON.response(dashboard.startGeneration(rate: rate))
        }
        router.post("/api/stop_generation") { _, _ in
            return try DashboardJSON.response(await dashboard.stopGeneration())
        }
        router.post("/api/reset_data") { _, _ in
            return try DashboardJSON.response(await dashboard.reset())
        }
        router.post("/api/label") { request, context in
            guard let body = try await decodeBody(LabelRequest.self, from: request, context, configuration, required: true) else {
                throw HTTPError(.badRequest, message: "a JSON body is required")
            }
            let label: Label
            switch body.label {
            case "fraud": label = .fraud
            case "legitimate": label = .legitimate
            default: throw HTTPError(.badRequest, message: "label must be \"fraud\" or \"legitimate\", got \"\(body.label)\"")
            }
            switch await dashboard.label(transactionID: body.transactionId, as: label) {
            case .success(let view):
                return try DashboardJSON.response(view)
            case .failure(.unknownTransaction):
                throw HTTPError(
                    .notFound, message: "no recent decision for transaction '\(body.transactionId)': only sampled transactions can be labelled here")
            case .failure(.invalid(let error)):
                throw HTTPError(.badRequest, message: "\(error.field.isEmpty ? "" : "\(error.field): ")\(error.message)")
            case .failure(.notDurable(let applied)):
                let outcome =
                    applied
                    ? "the label is applied and waits for the journal (lost if the daemon stops before it is written)"
                    : "the label is not applied"
                throw HTTPError(
                    .serviceUnavailable,
                    message: "the state journal cannot be written (see the daemon's log): \(outcome); send it again later, "
                        + "a repeat counts once")
            }
        }
        return router
    }

    private struct StartRequest: Decodable {
        var rate: Int?
    }

    private struct LabelRequest: Decodable {
        var transactionId: String
        var label: String
    }

    /// The JSON of what `find` returns for the route's `id`, or 404 with `missing(id)`.
    ///
    /// The id is percent-decoded here: Hummingbird matches routes on the path as sent, and the
    /// page encodes ids (`encodeURIComponent`), so an id such as `order:42` arrives as `order%3A42`.
    private static func lookup<View: Encodable>(
        _ context: BasicRequestContext, _ find: (String) -> View?, missing: (String) -> String
    ) throws -> Response {
        let raw = try context.parameters.require("id")
        guard let id = raw.removingPercentEncoding else {
            throw HTTPError(.badRequest, message: "the id '\(raw)' is not valid percent-encoding")
        }
        guard let view = find(id) else { throw HTTPError(.notFound, message: missing(id)) }
        return try DashboardJSON.response(view)
    }

    /// The `limit` query parameter, `listLimit` bounded; `default` when absent.
    private static func limit(_ request: Request, default value: Int) throws -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return value }
        guard let limit = Int(text), listLimit.contains(limit) else {
            throw HTTPError(.badRequest, message: "limit must be an integer in \(listLimit.lowerBound)...\(listLimit.upperBound), got '\(text)'")
        }
        return limit
    }

    /// Reads and decodes a JSON body of at most `maxBodyBytes`; nil when it is empty and not `required`.
    private static func decodeBody<Body: Decodable>(
        _ type: Body.Type, from request: Request, _ context: BasicRequestContext, _ configuration: DashboardConfiguration,
        required: Bool
    ) async throws -> Body? {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: configuration.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge, message: "the body is larger than \(configuration.maxBodyBytes) bytes")
        }
        if buffer.readableBytes == 0 {
            if required { throw HTTPError(.badRequest, message: "a JSON body is required") }
            return nil
        }
        do {
            return try DashboardJSON.decoder().decode(Body.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw HTTPError(.badRequest, message: "malformed JSON body: \(DashboardJSON.describe(error))")
        }
    }
}
