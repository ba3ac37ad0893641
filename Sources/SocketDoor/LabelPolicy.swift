#if canImport(Glibc)
import Glibc
#endif

/// Who may send labels (`Feedback`) over the socket door. Scoring is open to every peer that can
/// connect; labels change what every later transaction scores, so they are privileged.
///
/// Like PostgreSQL's `peer` authentication, over the Unix socket the kernel says who the peer
/// is (SO_PEERCRED): the daemon's own user, and members of `labelGroupID`, may label. Any other
/// peer may only score. Over TCP the peer is anonymous: it may label only after presenting
/// `labelToken` (an `authenticate` request). A label from a peer without the role is answered
/// `UNAUTHENTICATED` and changes nothing. The Kafka labels topic is trusted as configured.
public struct LabelPolicy: Sendable, Equatable {
    /// A Unix group whose members may label over the Unix socket; nil for none.
    public var labelGroupID: UInt32?
    /// The secret a connection presents to take the label role; nil: no token is accepted.
    public var labelToken: [UInt8]?
    /// The daemon's own user, who may always label over the Unix socket.
    public var ownUserID: UInt32

    /// The default: only the daemon's own user labels, over the Unix socket.
    public init(labelGroupID: UInt32? = nil, labelToken: [UInt8]? = nil, ownUserID: UInt32 = geteuid()) {
        self.labelGroupID = labelGroupID
        self.labelToken = labelToken
        self.ownUserID = ownUserID
    }

    /// Whether a Unix-socket peer with these credentials may label from the start. May read the
    /// user and group databases (`immediateDecision` first, to keep that off an event loop).
    public func mayLabel(_ peer: PeerCredentials) -> Bool {
        immediateDecision(peer) ?? peer.isMember(ofGroup: labelGroupID ?? 0)
    }

    /// The answer when the credentials alone give it (the own user, no label group, the label
    /// group as primary group); nil when only supplementary membership can tell.
    public func immediateDecision(_ peer: PeerCredentials) -> Bool? {
        if peer.userID == ownUserID { return true }
        guard let group = labelGroupID else { return false }
        return peer.groupID == group ? true : nil
    }

    /// Whether `token` is the label token; compared in time independent of where it differs.
    public func accepts(token: some Collection<UInt8>) -> Bool {
        guard let expected = labelToken, !expected.isEmpty, token.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(token, expected) { difference |= a ^ b }
        return difference == 0
    }
}
