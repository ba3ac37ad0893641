import NIOCore
import NIOHTTP1
import Prometheus
import ScoringEngine

/// Serves `GET /metrics` in Prometheus text format; everything else is 404. Off the scoring path.
///
/// A client that pipelines requests without reading the answers is closed once its unread
/// answers pass the channel's write-buffer high-water mark.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let registry: PrometheusCollectorRegistry
    private let metrics: ScoringMetrics
    private let budgets: [ByteBudget]
    private var requestHead: HTTPRequestHead?

    init(registry: PrometheusCollectorRegistry, metrics: ScoringMetrics, budgets: [ByteBudget]) {
        self.registry = registry
        self.metrics = metrics
        self.budgets = budgets
    }

    /// The Prometheus text of every metric: the registry's, the latency histogram, the byte budgets.
    static func exposition(registry: PrometheusCollectorRegistry, metrics: ScoringMetrics, budgets: [ByteBudget]) -> String {
        registry.emitToString() + metrics.latencyExposition() + budgets.map { $0.exposition() }.joined()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            requestHead = head
        case .body:
            break
        case .end:
            guard let head = requestHead else { return }
            requestHead = nil
            // Answers this client has not taken already fill the socket and the write buffer: it
            // pipelines without reading. Close rather than queue an answer per request it sent.
            guard context.channel.isWritable else {
                context.close(promise: nil)
                return
            }
            let found = head.method == .GET && (head.uri == "/metrics" || head.uri.hasPrefix("/metrics?"))
            let body = found ? Self.exposition(registry: registry, metrics: metrics, budgets: budgets) : "not found: try /metrics\n"
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: found ? "text/plain; version=0.0.4" : "text/plain")
            headers.add(name: "Content-Length", value: "\(body.utf8.count)")
            let responseHead = HTTPResponseHead(version: head.version, status: found ? .ok : .notFound, headers: headers)
            context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
            if head.isKeepAlive {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            } else {
                let closed = context.channel
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in closed.close(promise: nil) }
            }
        }
    }
}
