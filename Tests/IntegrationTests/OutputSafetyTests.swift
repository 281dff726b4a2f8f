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
        #expect(run.stderr == "verify: error: cannot write results: open \(scratch)/out/good_image.txt: not a regular file (a symbolic link); remove it or choose another --output-dir: File exists\n")
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
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: second.outputDirectory)) == Set(names), "no temporary file is left")
    }
}
