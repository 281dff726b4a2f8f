#if canImport(Glibc)
import Glibc
#endif
@testable import Verifier

/// A TCP port on 127.0.0.1 that is bound but not listening, so every connect to it is refused.
final class ClosedPort {
    let port: Int
    private let socket: Int32

    init() throws {
        let socket = try Posix.socket(family: AF_INET, type: Int32(SOCK_STREAM.rawValue), protocol: 0)
        self.socket = socket
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                _ = try Posix.call("bind") { bind(socket, generic, length) }
                _ = try Posix.call("getsockname") { getsockname(socket, generic, &length) }
            }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(socket)
    }
}
