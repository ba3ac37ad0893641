import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Who is on the other end of a Unix-socket connection, as the kernel recorded it at connect
/// time (SO_PEERCRED): not something the peer can claim.
public struct PeerCredentials: Sendable, Equatable {
    /// The peer process's effective user id.
    public var userID: UInt32
    /// The peer process's effective group id.
    public var groupID: UInt32

    /// Credentials with these ids (for tests of the policy).
    public init(userID: UInt32, groupID: UInt32) {
        self.userID = userID
        self.groupID = groupID
    }

    /// The credentials of `channel`'s peer; nil when it is not a Unix socket or the kernel
    /// would not say. Called on the channel's event loop, the future is already complete.
    static func of(_ channel: any Channel) -> EventLoopFuture<PeerCredentials?> {
        guard let provider = channel as? any SocketOptionProvider else { return channel.eventLoop.makeSucceededFuture(nil) }
        let future: EventLoopFuture<KernelCredentials> = provider.unsafeGetSocketOption(
            level: .socket, name: .init(rawValue: SO_PEERCRED))
        return future.map { Optional(PeerCredentials(userID: $0.uid, groupID: $0.gid)) }.recover { _ in nil }
    }

    /// Linux's `struct ucred`, which Glibc's module only shows under `_GNU_SOURCE`: three 32-bit
    /// fields, in this order.
    private struct KernelCredentials {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// Whether the peer's user is a member of `group` through its supplementary groups (the
    /// group database, read when the connection opens).
    func isMember(ofGroup group: UInt32) -> Bool {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4_096)
        guard getpwuid_r(userID, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name else {
            return false
        }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, groupID, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(name, groupID, &groups, &count) >= 0 else { return false }
        }
        return groups.prefix(Int(count)).contains(group)
    }
}
