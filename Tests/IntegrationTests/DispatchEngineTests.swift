import Foundation
import Testing

/// Faults of the Dispatch engine alone: its workers must not crash under load, and must not grow
/// with the output of the clients they read.
@Suite(.serialized)
struct DispatchEngineTests {
    /// Before the engine stopped giving client pipes and pidfds to libdispatch, a few workers in
    /// every few thousand short clients died of SIGSEGV in `_dispatch_event_loop_drain` (an
    /// EPOLLHUP use-after-free in libdispatch), and their images were run again.
    @Test func thousandsOfShortClientsCrashNoWorker() throws {
        let scratch = VerifyRun.scratch()
        let count = 3000
        let listPath = scratch + "/images.txt"
        try (1...count).map { "r.example.com/team/app:\($0)\n" }.joined().write(toFile: listPath, atomically: true, encoding: .utf8)
        // /bin/true is the quickest client there is: every step exits at once, with both pipes
        // hanging up, which is what libdispatch mishandled. Every image is an error (no digest).
        let result = try execute(VerifyRun.executable, [listPath, "-o", scratch + "/out", "--docker", "/bin/true",
                                                        "--engine", "dispatch", "-p", "2", "-c", "40", "--progress-interval", "0"])
        let crashes = result.stderr.split(separator: "\n").filter { $0.contains("killed by signal") }
        #expect(crashes.isEmpty, "\(crashes.count) worker crashes: \(crashes.prefix(3))")
        let run = VerifyRun(status: result.status, stderr: result.stderr, outputDirectory: scratch + "/out", stateDirectory: scratch + "/state")
        let records = run.records
        #expect(records.count == count)
        #expect(records.values.filter { $0["category"] as? String == "worker-crashed" }.isEmpty)
        #expect(records.values.filter { $0["attempts"] as? Int != 1 }.isEmpty, "images run again after a worker crash")
    }

    /// The mechanism of the crash above, without waiting for the race: no client pipe or pidfd may
    /// be registered with libdispatch's epoll instance, whose EPOLLHUP handling reads a muxnote
    /// that the hung-up source may already have freed on another thread.
    @Test func noClientDescriptorIsGivenToLibdispatch() throws {
        let list = (1...4).map { "r.example.com/team/slow-\($0):v1" }.joined(separator: "\n")
        var registered: [String] = []
        var clients = 0
        let run = try VerifyRun.run(engine: "dispatch", list: list, arguments: ["-p", "1", "-c", "4"],
                                    environment: ["FAKE_DOCKER_SLOW": "3"]) { process in
            var worker: Int32 = 0
            #expect(eventually(10) {
                worker = children(of: process.processIdentifier).first ?? 0
                clients = worker == 0 ? 0 : children(of: worker).count
                return clients == 4
            })
            // Long enough for libdispatch to have registered whatever it was given.
            usleep(1_000_000)
            registered = epollRegistrations(of: worker)
        }
        #expect(run.status == 0)
        #expect(clients == 4)
        let clientDescriptors = registered.filter { $0.hasPrefix("pipe:") || $0 == "anon_inode:[pidfd]" || $0.hasPrefix("socket:") }
        #expect(clientDescriptors.isEmpty, "registered with libdispatch: \(clientDescriptors)")
    }

    /// Before, DispatchIO read as fast as the clients wrote and queued every chunk for the engine's
    /// queue: thirteen flooding clients took a worker past 1 GB, against about 25 MB for the uv engine.
    @Test func floodingClientsLeaveTheWorkerSmall() throws {
        let scratch = VerifyRun.scratch()
        let client = scratch + "/flooding-docker"
        try """
            #!/bin/sh
            [ "$1" = version ] && { echo 20.10.24; exit 0; }
            head -c 100000000 /dev/zero &
            head -c 100000000 /dev/zero >&2
            wait
            exit 1

            """.write(toFile: client, atomically: true, encoding: .utf8)
        chmod(client, 0o755)
        let listPath = scratch + "/images.txt"
        try (1...13).map { "r.example.com/team/flood-\($0):v1\n" }.joined().write(toFile: listPath, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: VerifyRun.executable)
        process.arguments = [listPath, "-o", scratch + "/out", "--docker", client, "--engine", "dispatch",
                             "-p", "1", "-c", "13", "--progress-interval", "0"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var peakKilobytes = 0
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline {
            for worker in children(of: process.processIdentifier) {
                peakKilobytes = max(peakKilobytes, highWaterMark(of: worker) ?? 0)
            }
            usleep(50_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            Issue.record("verify did not finish within 60 s")
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "every flooding client fails")
        #expect(peakKilobytes > 0, "no worker was seen")
        #expect(peakKilobytes < 100 * 1024, "the worker peaked at \(peakKilobytes / 1024) MB while 13 clients wrote 2.6 GB")
    }
}

/// What the epoll instances of process `pid` watch: for each registered descriptor, what it is
/// (`pipe:[…]`, `anon_inode:[pidfd]`, `anon_inode:[timerfd]`, …).
private func epollRegistrations(of pid: Int32) -> [String] {
    let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
    let link = { (fd: String) in (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)")) ?? "" }
    return descriptors.filter { link($0) == "anon_inode:[eventpoll]" }.flatMap { epoll in
        let info = (try? String(contentsOfFile: "/proc/\(pid)/fdinfo/\(epoll)", encoding: .utf8)) ?? ""
        // Lines such as "tfd:       12 events:       19 data: ...".
        return info.split(separator: "\n").filter { $0.hasPrefix("tfd:") }.compactMap { line in
            line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map { link(String($0)) }
        }
    }
}

/// The peak resident memory of process `pid` (VmHWM), in kilobytes.
private func highWaterMark(of pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
    return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
}
