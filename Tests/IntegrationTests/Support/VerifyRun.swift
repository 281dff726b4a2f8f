import Foundation
import Testing

/// One run of the real `verify` executable, as a user would start it, with its results read back.
struct VerifyRun {
    let status: Int32
    let stderr: String
    let outputDirectory: String
    let stateDirectory: String

    /// The `verify` binary built beside this test bundle.
    static let executable: String = {
        let tests = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: tests).deletingLastPathComponent().appendingPathComponent("verify").path
    }()

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let fakeDocker = fixtures.appendingPathComponent("fake-docker").path
    /// The package's scripts/ folder.
    static let scripts = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts")

    /// A fresh scratch directory for one test.
    static func scratch() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("verify-it-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path + "/state", withIntermediateDirectories: true)
        return path
    }

    /// Starts verify on `list` with the fake docker and `arguments`; `whileRunning` may act on
    /// the running process (send it a signal, kill a worker). Waits at most `limit` seconds.
    static func run(engine: String, list: String, arguments: [String] = [], scratch: String = scratch(),
                    environment: [String: String] = [:], limit: Double = 60,
                    whileRunning: ((Process) throws -> Void)? = nil) throws -> VerifyRun {
        let listPath = scratch + "/images.txt"
        try list.write(toFile: listPath, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [listPath, "-o", scratch + "/out", "--docker", fakeDocker, "--progress", "none"]
            + engineArguments(engine) + arguments
        var env = ProcessInfo.processInfo.environment
        env["FAKE_DOCKER_STATE"] = scratch + "/state"
        env.merge(environment) { $1 }
        process.environment = env
        _ = FileManager.default.createFile(atPath: scratch + "/stderr", contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/stderr"))
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try whileRunning?(process)
        let deadline = Date().addingTimeInterval(limit)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            Issue.record("verify did not finish within \(limit) s")
        }
        let stderr = (try? String(contentsOfFile: scratch + "/stderr", encoding: .utf8)) ?? ""
        return VerifyRun(status: process.terminationStatus, stderr: stderr, outputDirectory: scratch + "/out",
                         stateDirectory: scratch + "/state")
    }

    /// The lines of a result file.
    func lines(_ name: String) -> [String] {
        guard let text = try? String(contentsOfFile: outputDirectory + "/" + name, encoding: .utf8) else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    var good: [String] { lines("good_image.txt") }
    var timeouts: [String] { lines("timeout_image.txt") }
    /// error_image.txt as (reference, category, message).
    var errors: [(reference: String, category: String, message: String)] {
        lines("error_image.txt").map { line in
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            return (fields[0], fields.count > 1 ? fields[1] : "", fields.count > 2 ? fields[2] : "")
        }
    }

    /// results.jsonl, one dictionary per record, by reference.
    var records: [String: [String: Any]] {
        var byReference: [String: [String: Any]] = [:]
        for line in lines("results.jsonl") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let reference = object["reference"] as? String else {
                Issue.record("results.jsonl has a line that is not a record: \(line)")
                continue
            }
            #expect(byReference[reference] == nil, "\(reference) recorded twice")
            byReference[reference] = object
        }
        return byReference
    }

    /// Lines of the fake docker's call log.
    var calls: [String] {
        ((try? String(contentsOfFile: stateDirectory + "/calls.log", encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    /// The PIDs that hung pulls recorded (the pull and its grandchild).
    var hungProcesses: [Int32] {
        ((try? String(contentsOfFile: stateDirectory + "/hung.pids", encoding: .utf8)) ?? "")
            .split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int32($0) }
    }
}

/// Every engine variant; the integration tests run against each, and must see the same results:
/// the libuv engine with either spawn path, and the Dispatch engine.
let engines = ["uv", "posix", "dispatch"]

/// The command-line arguments that select an engine variant.
func engineArguments(_ engine: String) -> [String] {
    switch engine {
    case "uv": ["--engine", "uv", "--spawn", "uv"]
    case "posix": ["--engine", "uv", "--spawn", "posix"]
    default: ["--engine", engine]
    }
}

/// Runs `executable` with `arguments`, and `environment` added to this process's; reads its stderr
/// to the end and returns it with the exit status.
func execute(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let stderr = Pipe()
    process.standardError = stderr
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text)
}

/// The digest the fake docker reports for `reference`: sha256 of the reference text.
func fakeDigest(_ reference: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "printf '%s' \"$1\" | sha256sum | cut -c1-64", "sh", reference]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return "sha256:" + String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Whether `pid` is a live process (a zombie counts as gone: it runs nothing).
func isAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
}

/// The PIDs of processes whose parent is `parent`.
func children(of parent: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
        return fields.count > 1 && Int32(fields[1]) == parent
    }
}

/// Waits up to `seconds` for `condition`.
func eventually(_ seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(50_000)
    }
    return condition()
}
