#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

extension IOError {
    /// What failed, in the system's words ("No such file or directory"), for a message that
    /// names the operation itself: NIO's description names the system call and errno instead
    /// ("bind(descriptor:ptr:bytes:): No such file or directory) (errno: 2)").
    package var reason: String { String(cString: strerror(errnoCode)) }
}
