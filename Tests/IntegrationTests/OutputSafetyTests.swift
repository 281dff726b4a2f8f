import Foundation
import Testing

/// The result files against a hostile or full output directory, through the real binary.
@Suite(.serialized)
struct OutputSafetyTests {
    /// The README's reproduction: a link at good_image.txt made `verify --overwrite` (often root)
    /// truncate and rewrite the file it points to.
    @Test func aLinkAtAResultFileIsRefusedAndItsTargetKept() throws {
        let scratch = VerifyRun.scratch()
        let victim = scratch + "/victim"
        try "KEEP\n".write(toFile: victim, atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: scratch + "/out", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch + "/out/good_image.txt", withDestinationPath: victim)
        let run = try VerifyRun.run(engine: "posix", list: "r.example.com/team/good:v1\n", arguments: ["--overwrite"], scratch: scratch)
        #expect(run.status == 2)
        #expect(run.stderr == "verify: error: cannot write results: \(scratch)/out/good_image.txt is a symbolic link, not a regular file; remove it or choose another --output-dir\n")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "KEEP\n")
    }

    /// `--overwrite` replaces the old results with the first new one, not before: a run that
    /// fails its checks leaves them byte for byte.
    @Test func overwriteKeepsTheOldResultsWhenTheRunFailsItsChecks() throws {
        let scratch = VerifyRun.scratch()
        let first = try VerifyRun.run(engine: "posix", list: "r.example.com/team/good:v1\nr.example.com/team/notfound:v1\n", scratch: scratch)
        #expect(first.status == 1)
        let names = ["good_image.txt", "error_image.txt", "timeout_image.txt", "results.jsonl"]
        let before = try names.map { try Data(contentsOf: URL(fileURLWithPath: first.outputDirectory + "/" + $0)) }
        let second = try VerifyRun.run(engine: "posix", list: "r.example.com/team/good:v2\n",
                                       arguments: ["--overwrite", "--docker", "/nonexistent/docker"], scratch: scratch)
        #expect(second.status == 2)
        #expect(try names.map { try Data(contentsOf: URL(fileURLWithPath: second.outputDirectory + "/" + $0)) } == before)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: second.outputDirectory)) == Set(names + ["run.json"]),
                "no temporary file is left")
    }

    /// A file size limit (`ulimit -f`) cuts a record in the middle, as a full disk does: the part
    /// written is taken back, the run stops with exit 2 and one line that says so, and every
    /// line left is whole, in results.jsonl and the status file alike.
    @Test func aFullDiskTakesTheCutRecordBackWhole() throws {
        let scratch = VerifyRun.scratch()
        let limit = 2048  // bytes: bash's `ulimit -f` counts 1024-byte blocks
        let list = (1...40).map { "r.example.com/team/good-\($0):v1" }.joined(separator: "\n")
        try list.write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        let result = try execute("/bin/bash", ["-c", "ulimit -f \(limit / 1024) && exec \"$0\" \"$@\"", VerifyRun.executable,
                                               scratch + "/images.txt", "-o", scratch + "/out", "--docker", VerifyRun.fakeDocker,
                                               "-p", "1", "-c", "1", "--progress-interval", "0"] + engineArguments("posix"),
                                 environment: ["FAKE_DOCKER_STATE": scratch + "/state"])
        #expect(result.status == 2, "\(result.stderr)")
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("verify: error:") }
        #expect(errors.count == 1, "\(result.stderr)")
        #expect(errors.first == "verify: error: disk full: write \(scratch)/out/results.jsonl: File too large; no record is left half-written, and the run stopped. Free space, then continue with --resume",
                "\(result.stderr)")

        let jsonl = try String(contentsOfFile: scratch + "/out/results.jsonl", encoding: .utf8)
        #expect(jsonl.utf8.count <= limit)
        #expect(jsonl.isEmpty || jsonl.hasSuffix("\n"), "no torn line")
        let records = jsonl.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        #expect(!records.contains { $0 == nil }, "every line of results.jsonl is a record: \(jsonl)")
        #expect(!records.isEmpty && records.count < 40, "the limit stopped the run after some records: \(records.count)")
        #expect(result.stderr.contains("interrupted: 1 in flight (not recorded), \(40 - records.count - 1) never started"),
                "the image whose record was taken back is counted: \(result.stderr)")
        let good = try String(contentsOfFile: scratch + "/out/good_image.txt", encoding: .utf8)
        #expect(good.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                == records.map { $0?["reference"] as? String ?? "?" } + [""], "each status line matches a record")
    }
}
