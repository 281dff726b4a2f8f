import Foundation

/// A Python fixture server that prints its port on standard output, then serves until killed
/// (when this object goes): Fixtures/hostile-registry.py, or a test's own scripts/token-registry.py.
final class FixtureServer {
    let port: Int
    private let process: Process

    struct NotStarted: Error {}

    /// Starts `python3 script arguments…` and reads the port it prints.
    init(script: String, _ arguments: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw NotStarted()
        }
        self.port = port
    }

    /// Fixtures/hostile-registry.py in one `mode`, for one test.
    static func hostile(_ mode: String) throws -> FixtureServer {
        try FixtureServer(script: VerifyRun.fixtures.appendingPathComponent("hostile-registry.py").path, [mode])
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
