#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import Verifier

/// The python3 fixture Fixtures/http-server.py: two HTTP/1.1 servers on 127.0.0.1, for one test.
final class HTTPTestServer {
    /// The first server's port; ``otherPort`` is the second's (the target of `/redirect`).
    let port: Int
    let otherPort: Int
    private let process: Process

    struct NotStarted: Error {}

    /// Starts the servers and waits until both listen.
    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/http-server.py").path
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let ports = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard ports.count == 2 else {
            kill(process.processIdentifier, SIGKILL)
            throw NotStarted()
        }
        port = ports[0]
        otherPort = ports[1]
    }

    /// SIGKILL, not terminate(): a child started from a thread of Swift's concurrency pool
    /// inherits its blocked signals, SIGTERM among them.
    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// `path` on the first server.
    func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }
}
