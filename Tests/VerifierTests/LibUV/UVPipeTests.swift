#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Verifier

/// A pipe owns the descriptor it is given, even when libuv refuses it.
struct UVPipeTests {
    @Test func aDescriptorThatLibuvRefusesIsClosedNotLeaked() throws {
        let loop = try UVLoop()
        let ends = try Posix.pipe()
        defer { close(ends.write) }
        let first = UVPipe(loop: loop)
        try first.open(descriptor: ends.read)
        first.startReading(onBytes: { _ in }, onEnd: {})
        // libuv refuses a descriptor that its loop watches already (EEXIST).
        let second = UVPipe(loop: loop)
        #expect(throws: VerifyError.self) { try second.open(descriptor: ends.read) }
        #expect(fcntl(ends.read, F_GETFD) == -1 && errno == EBADF, "the refused descriptor is closed")
        first.close()
        second.close()
        loop.run()
    }
}
