#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Verifier

/// A worker whose exit was seen is reaped, and its PID may be another process's: it is never
/// signalled again (stop, the backstop, a second Ctrl-C and the watchdog all go through this).
struct WorkerHandleTests {
    @Test func aWorkerIsSignalledOnlyUntilItsExitIsSeen() throws {
        let loop = try UVLoop()
        var handle: WorkerHandle?
        let process = try UVProcess(loop: loop, executable: "/bin/sleep", arguments: ["sleep", "30"], stdio: [.ignore, .ignore, .ignore],
                                    detached: false) { termination in
            handle?.termination = termination
            handle?.process.close()
        }
        let pipe = UVPipe(loop: loop)
        handle = WorkerHandle(index: 1, process: process, channel: MessageChannel(pipe: pipe))
        let worker = try #require(handle)
        #expect(worker.signal(SIGTERM), "a running worker is signalled")
        pipe.close()
        loop.run()
        #expect(worker.termination == .signaled(SIGTERM))
        #expect(!worker.signal(SIGKILL), "a reaped worker is not signalled again")
    }
}
