import Foundation
import TestSupport

/// A Python fixture server on one port, for one test: Fixtures/hostile-registry.py, or a test's
/// own scripts/token-registry.py. Killed when this object goes.
final class FixtureServer {
    let port: Int
    private let process: FixtureProcess

    /// Starts `python3 script arguments…` and reads the port it prints.
    init(script: String, _ arguments: [String]) throws {
        process = try FixtureProcess(script: script, arguments)
        port = process.ports[0]
    }

    /// Fixtures/hostile-registry.py in one `mode`, for one test.
    static func hostile(_ mode: String) throws -> FixtureServer {
        try FixtureServer(script: VerifyRun.fixtures.appendingPathComponent("hostile-registry.py").path, [mode])
    }
}
