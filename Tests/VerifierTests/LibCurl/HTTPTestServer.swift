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

/// A fresh loop and multi for one test, run to its end.
struct CurlLoop {
    let loop: UVLoop
    let multi: CurlMulti

    init(options: CurlMulti.Options = CurlMulti.Options()) throws {
        loop = try UVLoop()
        multi = try CurlMulti(loop: loop, options: options)
    }

    /// Runs the loop until nothing is left to do, then closes the multi. `true` when the loop
    /// ended by itself; `false` when the watchdog had to close the multi after `limit` seconds
    /// (a hang, not a slow run: no test expects to come near it).
    func run(limit: Double = 60) -> Bool {
        var endedByItself = true
        let watchdog = UVTimer(loop: loop)
        watchdog.schedule(after: milliseconds(limit)) { [multi] in
            endedByItself = false
            multi.close()
        }
        watchdog.unref()
        loop.run()
        watchdog.close()
        multi.close()
        loop.run()
        return endedByItself
    }

    /// A request for `url` with `insecure` set (the fixtures speak plain HTTP).
    static func request(_ url: String, method: HTTPRequest.Method = .get, bodyLimit: Int = 1 << 20) -> HTTPRequest {
        var request = HTTPRequest(method, url, bodyLimit: bodyLimit)
        request.insecure = true
        return request
    }
}
