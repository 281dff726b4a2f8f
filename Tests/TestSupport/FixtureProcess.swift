#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A test fixture server: `python3 SCRIPT ARGUMENTS…`, which prints the ports it listens on as one
/// line of its standard output, then serves until it is killed, with SIGKILL, when this object
/// goes (a child started from a thread of Swift's concurrency pool inherits its blocked signals,
/// SIGTERM among them).
public final class FixtureProcess {
    /// The ports the fixture printed, in its order.
    public let ports: [Int]
    private let process: Process

    /// The fixture ended, or printed other than `ports` numbers, before it served.
    public struct NotStarted: Error {}

    /// Starts the fixture and reads the `ports` port numbers it prints.
    public init(script: String, _ arguments: [String] = [], ports count: Int = 1) throws {
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
        let ports = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard ports.count == count else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw NotStarted()
        }
        self.ports = ports
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
