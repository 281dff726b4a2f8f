import Foundation
import Testing

/// `verify report` and the report options of `verify check`, as a user runs them.
struct ReportCommandTests {
    @Test func aDirectoryWithoutResultsIsOneLineAndExitTwo() throws {
        let scratch = VerifyRun.scratch()
        let result = try execute(VerifyRun.executable, ["report", scratch, "--html", scratch + "/report.html"])
        #expect(result.status == 2)
        #expect(result.stderr == "verify: error: cannot read the results \(scratch)/results.jsonl (open \(scratch)/results.jsonl: No such file or directory); name the --output-dir of a verify check run\n")
        #expect(!FileManager.default.fileExists(atPath: scratch + "/report.html"))
    }

    /// A report path in a directory that does not exist is refused before the run, not at its end.
    @Test func aReportInADirectoryThatDoesNotExistIsRefusedBeforeTheRun() throws {
        let scratch = VerifyRun.scratch()
        let run = try VerifyRun.run(engine: "uv", list: "r.example.com/team/good:v1\n",
                                    arguments: ["--metrics", scratch + "/missing/verify.prom"], scratch: scratch)
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("verify: error: --metrics: cannot write \(scratch)/missing/verify.prom: stat \(scratch)/missing"), "\(run.stderr)")
        #expect(run.calls.isEmpty, "nothing was pulled")
    }

    @Test func checkWritesTheReportsAtTheEndAndReportWritesThemAgain() throws {
        let scratch = VerifyRun.scratch()
        let reports = ["--html", scratch + "/report.html", "--junit", scratch + "/junit.xml", "--metrics", scratch + "/verify.prom"]
        let run = try VerifyRun.run(engine: "uv", list: "r.example.com/team/good:v1\nr.example.com/team/notfound:v1\n",
                                    arguments: reports, scratch: scratch)
        #expect(run.status == 1)
        let metrics = try String(contentsOfFile: scratch + "/verify.prom", encoding: .utf8)
        #expect(metrics.contains("verify_images{status=\"good\"} 1\n") && metrics.contains("verify_last_run_success 0\n"))
        #expect(try String(contentsOfFile: scratch + "/junit.xml", encoding: .utf8).contains(#"<testcase classname="r.example.com/team/notfound" name="v1""#))
        #expect(try String(contentsOfFile: scratch + "/report.html", encoding: .utf8).contains("1 of 2 images failed"))
        try FileManager.default.removeItem(atPath: scratch + "/verify.prom")
        let again = try execute(VerifyRun.executable, ["report", run.outputDirectory, "--metrics", scratch + "/verify.prom"])
        #expect(again.status == 0 && again.stderr.isEmpty)
        #expect(try String(contentsOfFile: scratch + "/verify.prom", encoding: .utf8) == metrics)
    }
}
