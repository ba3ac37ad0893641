import Hummingbird
import StreamifyWire

/// Who may use the HTTP door's API (`/api/...`, and any path but the public ones), reads and
/// writes alike: its answers carry card and device ids, amounts and locations, and its writes
/// drive the demo load and send labels.
///
/// - A browser's request must come from the dashboard's own page (`crossSiteRefusal`): 403.
/// - With `--http-token-file`, every API request needs `Authorization: Bearer <token>`: 401.
/// - Without one (loopback only), the `Host` must be a loopback name or address, so a site that
///   rebinds its DNS name to 127.0.0.1 cannot read the API from the operator's browser.
///
/// The page and its scripts hold no data and stay open, as does `/metrics` (aggregates, read by
/// a scraper that sends none of these headers).
struct DashboardAccessMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The bearer token the API needs; nil or empty: none.
    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if !DashboardAccess.isPublic(path: request.uri.path) { try DashboardAccess.authorize(request, token: token) }
        return try await next(request, context)
    }
}

/// The checks `DashboardAccessMiddleware` makes, apart so tests can call them.
enum DashboardAccess {
    /// The paths anyone who can reach the port may fetch, as path segments: the page, its
    /// scripts and `/metrics`. Everything else, the API and paths no route answers included,
    /// is checked.
    static let publicPaths: Set<[Substring]> = [[], ["app.js"], ["chart.js"], ["metrics"]]

    /// Whether `path` is one of `publicPaths`. Compared by segments without the empty ones, as
    /// the router matches them: `//api/transactions` reaches the `/api/transactions` route, and
    /// must be checked like it.
    static func isPublic(path: String) -> Bool {
        publicPaths.contains(path.split(separator: "/"))
    }

    /// Refuses a request from another site's page, and one without the bearer `token` if one is
    /// configured.
    static func authorize(_ request: Request, token: String?) throws {
        let token = token.flatMap { $0.isEmpty ? nil : $0 }
        if let refusal = crossSiteRefusal(
            host: request.head.authority, origin: request.headers[.origin],
            fetchSite: request.headers.first { $0.name.canonicalName == "sec-fetch-site" }?.value,
            requireLoopbackHost: token == nil)
        {
            throw HTTPError(.forbidden, message: refusal)
        }
        guard let token else { return }
        let given = request.headers[.authorization] ?? ""
        guard constantTimeEqual(Array(given.utf8), Array("Bearer \(token)".utf8)) else {
            throw HTTPError(.unauthorized, message: "the API needs 'Authorization: Bearer <token>' (--http-token-file)")
        }
    }

    /// Why a request must be refused as coming from another site's page; nil when it need not be.
    ///
    /// Any page the operator opens can make the browser send requests to this port (a form or a
    /// `no-cors` fetch needs no CORS preflight), so a browser's request must come from the
    /// dashboard's own page: its `Origin`, when sent, names the host it was sent to, and
    /// `Sec-Fetch-Site` does not say cross-site. A site that rebinds its DNS name to 127.0.0.1
    /// passes that check and reads the answers as its own, so without a token
    /// (`requireLoopbackHost`) the `Host` must also be a loopback name or address. Clients that
    /// are not browsers (curl) send neither header.
    static func crossSiteRefusal(host: String?, origin: String?, fetchSite: String?, requireLoopbackHost: Bool) -> String? {
        let host = (host ?? "").lowercased()
        if fetchSite?.lowercased() == "cross-site" {
            return "cross-site request refused: the API answers the dashboard's own page only"
        }
        if let origin, !host.isEmpty, origin.lowercased() != "http://" + host, origin.lowercased() != "https://" + host {
            return "cross-site request refused: Origin '\(origin)' is not this dashboard (\(host))"
        }
        if requireLoopbackHost, !isLoopback(host: host) {
            return "without --http-token-file the API answers only a loopback Host (localhost, 127.0.0.1, [::1]), got '\(host)'"
        }
        return nil
    }

    /// Whether `host` (a Host header: a name or address, with or without a port) names this
    /// machine's loopback, as a browser resolves it (`*.localhost` included, RFC 6761). A bind
    /// address is checked more strictly (`HostAndPort.isLoopback`).
    static func isLoopback(host: String) -> Bool {
        var name = Substring(host)
        if name.hasPrefix("[") {
            guard let close = name.firstIndex(of: "]") else { return false }
            name = name[name.index(after: name.startIndex)..<close]
            return name == "::1"
        }
        if let colon = name.lastIndex(of: ":") { name = name[..<colon] }
        return name.hasSuffix(".localhost") || HostAndPort(host: String(name), port: 0).isLoopback
    }

    /// Compares without stopping at the first difference, so timing does not reveal a prefix.
    /// Lengths are compared whole (not a byte of them), so no other length can pass.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<min(a.count, b.count) { difference |= UInt(a[index] ^ b[index]) }
        return difference == 0
    }
}

/// Headers every answer of the HTTP door carries, errors included: the page must not be framed
/// by another site (a hidden frame would take the operator's clicks on its buttons), nothing is
/// sniffed as another type, and the API's answers, which carry card data, are not cached.
struct DashboardHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let isAPI = !DashboardAccess.isPublic(path: request.uri.path)
        do {
            var response = try await next(request, context)
            DashboardHeaders.add(to: &response.headers, isAPI: isAPI)
            return response
        } catch let error as any HTTPResponseError {
            var response = try error.response(from: request, context: context)
            DashboardHeaders.add(to: &response.headers, isAPI: isAPI)
            return response
        }
    }
}

/// The headers `DashboardHeadersMiddleware` adds.
enum DashboardHeaders {
    static let frameOptions = HTTPFields.Element.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPFields.Element.Name("Referrer-Policy")!

    static func add(to headers: inout HTTPFields, isAPI: Bool) {
        headers[frameOptions] = "DENY"
        headers[.contentSecurityPolicy] = "frame-ancestors 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        headers[referrerPolicy] = "no-referrer"
        if isAPI { headers[.cacheControl] = "no-store" }  // everything but the page, its scripts and /metrics
    }
}
