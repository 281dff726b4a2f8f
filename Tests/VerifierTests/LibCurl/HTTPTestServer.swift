import Foundation
import TestSupport
@testable import Verifier

/// The python3 fixture Fixtures/http-server.py: two HTTP/1.1 servers on 127.0.0.1, for one test.
final class HTTPTestServer {
    /// The first server's port; ``otherPort`` is the second's (the target of `/redirect`).
    let port: Int
    let otherPort: Int
    private let process: FixtureProcess

    /// Starts the servers and waits until both listen.
    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/http-server.py").path
        process = try FixtureProcess(script: script, ports: 2)
        port = process.ports[0]
        otherPort = process.ports[1]
    }

    /// `path` on the first server.
    func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }
}
