import Foundation
import Testing
@testable import Verifier

struct ResultWriterTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("verify-writer-\(UUID().uuidString)").path

    func contents(_ name: String) throws -> String {
        try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
    }

    /// Every result file's bytes, by name.
    func snapshot() throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in ResultWriter.allFiles { files[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)) }
        return files
    }

    /// The names in the output directory, hidden ones included.
    func entries() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: directory))
    }

    func record(_ reference: String, _ verdict: Verdict, line: Int = 1) -> ImageRecord {
        ImageRecord(reference: reference, line: line, pulled: reference, verdict: verdict, worker: 1, attempts: 1,
                    startedAt: Date(timeIntervalSince1970: 0), finishedAt: Date(timeIntervalSince1970: 1.5))
    }

    @Test func writesOneLinePerImageToTheStatusFileAndTheJSONLines() throws {
        let writer = try ResultWriter(directory: directory + "/nested/out", mode: .fresh, parameters: .example)
        let digest = "sha256:" + String(repeating: "a", count: 64)
        try writer.write(record("team/a:v1", .good(digest: digest)))
        try writer.write(record("team/b:v1", .error(.notFound, "manifest unknown\n\tsecond line", step: .pull, exitCode: 1), line: 2))
        try writer.write(record("team/c:v1", Verdict(status: .timeout, category: .timeout, message: "no result", step: .pull), line: 3))
        writer.close()
        let out = directory + "/nested/out/"
        #expect(try String(contentsOfFile: out + "good_image.txt", encoding: .utf8) == "team/a:v1\n")
        #expect(try String(contentsOfFile: out + "error_image.txt", encoding: .utf8) == "team/b:v1\tnot-found\tmanifest unknown second line\n")
        #expect(try String(contentsOfFile: out + "timeout_image.txt", encoding: .utf8) == "team/c:v1\n")
        let lines = try String(contentsOfFile: out + "results.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(first["reference"] as? String == "team/a:v1")
        #expect(first["status"] as? String == "good")
        #expect(first["digest"] as? String == digest)
        #expect(first["duration_ms"] as? Int == 1500)
        #expect(first["started_at"] as? String == "1970-01-01T00:00:00.000Z")
        #expect(first["finished_at"] as? String == "1970-01-01T00:00:01.500Z")
        #expect(first["category"] is NSNull)
        let keys = Set(first.keys)
        #expect(keys == ["reference", "line", "pulled", "status", "category", "digest", "message", "step", "exit_code",
                         "signal", "stderr_tail", "cleanup_warning", "duration_ms", "worker", "attempts",
                         "started_at", "finished_at", "same_as", "failed_attempts",
                         "platforms", "blobs_checked", "bytes_fetched", "foreign_layers_skipped", "retry_after_seconds"])
        #expect(first["platforms"] is NSNull && first["blobs_checked"] is NSNull && first["foreign_layers_skipped"] is NSNull,
                "null for the docker client")
        let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as! [String: Any]
        #expect(second["category"] as? String == "not-found")
        #expect(second["exit_code"] as? Int == 1)
        #expect(second["line"] as? Int == 2)
    }

    @Test func refusesADirectoryThatAlreadyHoldsResults() throws {
        let first = try ResultWriter(directory: directory, mode: .fresh, parameters: .example)
        try first.write(record("team/a:v1", .good(digest: "sha256:" + String(repeating: "b", count: 64))))
        first.close()
        #expect(throws: VerifyError.self) { try ResultWriter(directory: directory, mode: .fresh, parameters: .example) }
        #expect(try contents("good_image.txt") == "team/a:v1\n", "refusing must not touch what is there")
    }

    @Test func overwriteReplacesTheOldResultsWithTheFirstRecord() throws {
        let first = try ResultWriter(directory: directory, mode: .fresh, parameters: .example)
        try first.write(record("team/a:v1", .good(digest: "sha256:" + String(repeating: "b", count: 64))))
        try first.write(record("team/b:v1", .error(.notFound, "manifest unknown", step: .pull, exitCode: 1), line: 2))
        first.close()
        let second = try ResultWriter(directory: directory, mode: .overwrite, parameters: .example)
        #expect(!second.hasWritten)
        try second.write(record("team/c:v1", Verdict(status: .timeout, category: .timeout, message: "no result", step: .pull)))
        #expect(second.hasWritten)
        second.close()
        #expect(try contents("good_image.txt") == "")
        #expect(try contents("error_image.txt") == "")
        #expect(try contents("timeout_image.txt") == "team/c:v1\n")
        #expect(try contents("results.jsonl").split(separator: "\n").count == 1)
        #expect(try entries() == Set(ResultWriter.allFiles + [RunParameters.fileName]), "no temporary file is left")
    }

    /// A line of results.jsonl that does not read back as a record (a hand edit) yet has its
    /// status line; a SIGKILL between the next record and its status line takes one away. The
    /// counts then agree, and a resumed run that appended to the files as they are would leave
    /// team/a:v1 in no status file for good (its record says it is done), and the broken line's
    /// image, verified again, twice in error_image.txt.
    @Test func aResumeRewritesTheStatusFilesWhenALineOfTheResultsIsNoRecord() throws {
        let first = try ResultWriter(directory: directory, mode: .fresh, parameters: .example)
        try first.write(record("team/broken:v1", .error(.notFound, "manifest unknown")))
        try first.write(record("team/a:v1", .good(digest: "sha256:" + String(repeating: "b", count: 64)), line: 2))
        first.close()
        let records = try contents("results.jsonl").split(separator: "\n")
        try Data(("{\"reference\": \"team/broken:v1\", edited by hand\n" + records[1] + "\n").utf8)
            .write(to: URL(fileURLWithPath: directory + "/results.jsonl"))
        try Data().write(to: URL(fileURLWithPath: directory + "/good_image.txt"))
        let resumed = try ResultWriter(directory: directory, mode: .resume, parameters: .example)
        resumed.close()
        #expect(try contents("good_image.txt") == "team/a:v1\n")
        #expect(try contents("error_image.txt") == "", "the broken line is no record: its image is verified again")
    }

    /// Status files whose total line count matches the records but not their statuses (a good line
    /// missing, an error line too many: a hand edit, or a kill between --overwrite's renames) are
    /// written anew by a resumed run, not appended to as they are.
    @Test func aResumeRewritesStatusFilesWhoseCountsDisagreeByStatus() throws {
        let first = try ResultWriter(directory: directory, mode: .fresh, parameters: .example)
        try first.write(record("team/a:v1", .good(digest: "sha256:" + String(repeating: "b", count: 64))))
        try first.write(record("team/b:v1", .error(.notFound, "manifest unknown"), line: 2))
        first.close()
        try Data().write(to: URL(fileURLWithPath: directory + "/good_image.txt"))
        try Data("team/b:v1\tnot-found\tmanifest unknown\nteam/z:v1\tother\tstale\n".utf8)
            .write(to: URL(fileURLWithPath: directory + "/error_image.txt"))
        let resumed = try ResultWriter(directory: directory, mode: .resume, parameters: .example)
        resumed.close()
        #expect(try contents("good_image.txt") == "team/a:v1\n")
        #expect(try contents("error_image.txt") == "team/b:v1\tnot-found\tmanifest unknown\n")
    }

    /// `--overwrite` on a run that fails its checks, or is interrupted, before its first result
    /// must not have cost the previous results: they are replaced only by the first record.
    @Test(arguments: [true, false])
    func overwriteKeepsTheOldResultsUntilTheFirstRecord(closedExplicitly: Bool) throws {
        let first = try ResultWriter(directory: directory, mode: .fresh, parameters: .example)
        try first.write(record("team/a:v1", .good(digest: "sha256:" + String(repeating: "b", count: 64))))
        try first.write(record("team/b:v1", .error(.notFound, "manifest unknown", step: .pull, exitCode: 1), line: 2))
        first.close()
        let before = try snapshot()
        do {
            let second = try ResultWriter(directory: directory, mode: .overwrite, parameters: .example)
            #expect(try snapshot() == before, "opening must not touch the old results")
            if closedExplicitly { second.close() }
        }
        #expect(try snapshot() == before, "closing without a record keeps the old results byte for byte")
        #expect(try entries() == Set(ResultWriter.allFiles + [RunParameters.fileName]), "no temporary file is left")
    }

    /// `verify` often runs as root; whoever can write to the output directory must not be able to
    /// make it write through a link to a file elsewhere (`--overwrite` used to truncate it).
    @Test(arguments: ResultWriter.allFiles, [false, true])
    func aSymbolicLinkAtAResultFileIsRefusedAndItsTargetUntouched(name: String, overwrite: Bool) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let victim = directory + ".victim"
        defer { try? FileManager.default.removeItem(atPath: victim) }
        try "KEEP\n".write(toFile: victim, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: directory + "/" + name, withDestinationPath: victim)
        let message = refusal { try ResultWriter(directory: directory, mode: overwrite ? .overwrite : .fresh, parameters: .example) }
        #expect(message == "cannot write results: \(directory)/\(name) is a symbolic link, not a regular file; remove it or choose another --output-dir")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "KEEP\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + name) == victim)
        #expect(try entries() == [name], "a refusal creates nothing")
    }

    @Test(arguments: [false, true])
    func aDanglingLinkCreatesNothingAtItsTarget(overwrite: Bool) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let target = directory + ".created-through-the-link"
        try FileManager.default.createSymbolicLink(atPath: directory + "/error_image.txt", withDestinationPath: target)
        let message = refusal { try ResultWriter(directory: directory, mode: overwrite ? .overwrite : .fresh, parameters: .example) }
        #expect(message?.contains("\(directory)/error_image.txt is a symbolic link, not a regular file") == true, "\(message ?? "no error")")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    /// Opening a FIFO for writing waits for a reader, forever; it must be refused at once instead.
    @Test func aFIFOIsRefusedAtOnce() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fifo = directory + "/timeout_image.txt"
        #expect(mkfifo(fifo, 0o644) == 0)
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { [directory] in
            do {
                _ = try ResultWriter(directory: directory, mode: .fresh, parameters: .example)
                outcome.message = "opened"
            } catch {
                outcome.message = "\(error)"
            }
            done.signal()
        }
        if done.wait(timeout: .now() + 5) == .timedOut {
            Issue.record("opening the result files hangs on a FIFO")
            // A reader lets the blocked open finish, so that the test ends.
            let reader = open(fifo, O_RDONLY | O_NONBLOCK)
            done.wait()
            close(reader)
        }
        #expect(outcome.message == "cannot write results: \(fifo) is a FIFO, not a regular file; remove it or choose another --output-dir")
    }

    /// A link planted after the files were opened is replaced by the first record's rename, never
    /// written through.
    @Test func aLinkPlantedBeforeTheFirstRecordIsReplacedNotFollowed() throws {
        let writer = try ResultWriter(directory: directory, mode: .overwrite, parameters: .example)
        let victim = directory + ".victim"
        defer { try? FileManager.default.removeItem(atPath: victim) }
        try "KEEP\n".write(toFile: victim, atomically: false, encoding: .utf8)
        try? FileManager.default.removeItem(atPath: directory + "/good_image.txt")
        try FileManager.default.createSymbolicLink(atPath: directory + "/good_image.txt", withDestinationPath: victim)
        try writer.write(record("team/a:v1", .good(digest: "sha256:" + String(repeating: "b", count: 64))))
        writer.close()
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "KEEP\n")
        let type = try FileManager.default.attributesOfItem(atPath: directory + "/good_image.txt")[.type] as? FileAttributeType
        #expect(type == .typeRegular)
        #expect(try contents("good_image.txt") == "team/a:v1\n")
    }

    @Test func anUnwritableDirectoryIsAnError() {
        #expect(throws: VerifyError.self) { try ResultWriter(directory: "/proc/verify-cannot-write-here", mode: .fresh, parameters: .example) }
    }
}

/// The message of the ``VerifyError/outputNotARegularFile(path:kind:)`` that `body` throws; `nil`,
/// and an issue, when it throws nothing or something else.
private func refusal(_ body: () throws -> ResultWriter) -> String? {
    do {
        _ = try body()
        Issue.record("the result files were opened")
    } catch let error as VerifyError {
        guard case .outputNotARegularFile = error else {
            Issue.record("expected outputNotARegularFile, got: \(error)")
            return nil
        }
        return error.description
    } catch {
        Issue.record("unexpected error: \(error)")
    }
    return nil
}

/// What a test's background thread saw.
private final class Outcome: @unchecked Sendable {
    var message: String?
}

extension RunParameters {
    /// The parameters of a run with the defaults and docker at /usr/bin/docker.
    static let example = RunParameters(RunConfiguration(listPath: "-", processes: 1), client: "/usr/bin/docker")
}
