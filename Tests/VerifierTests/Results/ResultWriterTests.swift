import Foundation
import Testing
@testable import Verifier

struct ResultWriterTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("verify-writer-\(UUID().uuidString)").path

    func contents(_ name: String) throws -> String {
        try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
    }

    func record(_ reference: String, _ verdict: Verdict, line: Int = 1) -> ImageRecord {
        ImageRecord(reference: reference, line: line, pulled: reference, verdict: verdict, worker: 1, attempts: 1,
                    startedAt: Date(timeIntervalSince1970: 0), finishedAt: Date(timeIntervalSince1970: 1.5))
    }

    @Test func writesOneLinePerImageToTheStatusFileAndTheJSONLines() throws {
        let writer = try ResultWriter(directory: directory + "/nested/out", overwrite: false)
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
                         "started_at", "finished_at", "same_as"])
        let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as! [String: Any]
        #expect(second["category"] as? String == "not-found")
        #expect(second["exit_code"] as? Int == 1)
        #expect(second["line"] as? Int == 2)
    }

    @Test func refusesADirectoryThatAlreadyHoldsResults() throws {
        let first = try ResultWriter(directory: directory, overwrite: false)
        try first.write(record("team/a:v1", .good(digest: "sha256:" + String(repeating: "b", count: 64))))
        first.close()
        #expect(throws: VerifyError.self) { try ResultWriter(directory: directory, overwrite: false) }
        #expect(try contents("good_image.txt") == "team/a:v1\n", "refusing must not touch what is there")
    }

    @Test func overwriteStartsTheFilesAfresh() throws {
        let first = try ResultWriter(directory: directory, overwrite: false)
        try first.write(record("team/a:v1", .good(digest: "sha256:" + String(repeating: "b", count: 64))))
        first.close()
        let second = try ResultWriter(directory: directory, overwrite: true)
        second.close()
        #expect(try contents("good_image.txt") == "")
        #expect(try contents("results.jsonl") == "")
    }

    @Test func anUnwritableDirectoryIsAnError() {
        #expect(throws: VerifyError.self) { try ResultWriter(directory: "/proc/verify-cannot-write-here", overwrite: false) }
    }
}
