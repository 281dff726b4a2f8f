import Foundation
@testable import Verifier

/// Results to report on, and the tools the report tests check them with.
enum ReportFixture {
    static let start = Date(timeIntervalSince1970: 1_795_833_600)  // 2026-11-28T02:40:00Z
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    /// A reference no report may show raw: markup, quotes, a control character, a column break.
    static let hostile = "team/<script>alert('x')</script>\"&amp;\u{1b}[2J\tapp:v1"

    /// One record: image `index` of a run that finishes one image every `spacing` seconds.
    static func record(_ index: Int, _ status: ImageStatus, category: ErrorCategory? = nil, reference: String? = nil,
                       durationMs: Int64 = 1_500, spacing: Double = 0.5) -> ReportRecord {
        let started = start.addingTimeInterval(Double(index) * spacing)
        let failing = status != .good
        return ReportRecord(reference: reference ?? "old.example.com/team\(index % 7)/app\(index):v1",
                            pulled: reference ?? "registry.example.com/team\(index % 7)/app\(index):v1", status: status,
                            category: (category ?? (status == .timeout ? .timeout : failing ? .notFound : nil))?.rawValue,
                            digest: failing ? nil : "sha256:" + String(repeating: "ab", count: 32),
                            message: failing ? "manifest unknown: <b>no</b> such tag" : nil,
                            stderrTail: failing ? "Error response from daemon: \u{1b}[31mmanifest unknown\u{1b}[0m\n" : nil,
                            durationMs: durationMs, attempts: 1, startedAt: started,
                            finishedAt: started.addingTimeInterval(Double(durationMs) / 1000))
    }

    /// A mixed run: mostly good, some not-found and network errors, a few timeouts, one hostile line.
    static func mixed(count: Int = 400) -> [ReportRecord] {
        (0..<count).map { index in
            switch index % 20 {
            case 0: return record(index, .error, category: .network, durationMs: 20_000)
            case 1, 2: return record(index, .error, durationMs: 300)
            case 3: return record(index, .timeout, durationMs: 600_000)
            case 4 where index == 4: return record(index, .error, category: .invalidReference, reference: hostile, durationMs: 0)
            default: return record(index, .good, durationMs: Int64(50 + index * 37 % 9_000))
            }
        }
    }

    /// A fresh directory.
    static func scratch() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("verify-report-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs `tool` with `arguments`; its status, stdout and stderr.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        // Read both pipes as the tool writes them: a full pipe would stop it.
        nonisolated(unsafe) var errorBytes = Data()
        let reader = Thread { errorBytes = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1_000) }
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errorBytes, as: UTF8.self))
    }
}
