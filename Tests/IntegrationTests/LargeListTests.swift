import Foundation
import Testing

/// The list is read as the run goes: its start before the first image, the rest a chunk (4,096
/// lines) at a time while images are verified, and each job's line again when it is handed out.
@Suite(.serialized)
struct LargeListTests {
    /// Two images, then comments up to line 4,096 (the first chunk), then the lines that only the
    /// planning during the run meets: a repeat of line 1, an invalid line, another spelling of
    /// line 1's image, and a new image.
    static let list = (["r.example.com/team/a", "r.example.com/team/b:v1"]
        + (3...4096).map { "# filler \($0)" }
        + ["r.example.com/team/a", "Bad/Line", "r.example.com/team/a:latest", "r.example.com/team/c:v1"])
        .joined(separator: "\n") + "\n"

    @Test(arguments: engines)
    func linesPastTheFirstChunkAreCheckedLikeAnyOther(_ engine: String) throws {
        let run = try VerifyRun.run(engine: engine, list: Self.list, arguments: ["-p", "1", "-c", "2"])
        #expect(run.status == 1, "the invalid line is an error")
        #expect(Set(run.good) == ["r.example.com/team/a", "r.example.com/team/b:v1", "r.example.com/team/a:latest", "r.example.com/team/c:v1"])
        #expect(run.errors.map(\.reference) == ["Bad/Line"])
        #expect(run.errors.first?.message == "line 4098: repository name must be lowercase: \"Bad/Line\"")
        #expect(run.records.count == 5)
        #expect(run.stderr.contains("line 4097 repeats line 1: r.example.com/team/a"), "\(run.stderr)")
        #expect(run.stderr.contains("verify: 5 of 5 images verified"), "the total is exact once the list is planned: \(run.stderr)")
    }

    /// A --resume run into a new directory records the invalid lines of the first chunk before it
    /// plans the rest: the repeat of one, past the chunk, is a duplicate (not a result of an
    /// earlier run), and none of its records is one of a line no longer in the list.
    @Test func aResumedRunCountsTheLinesItRecordsWhilePlanningAsItsOwn() throws {
        let list = (["r.example.com/team/a:v1", "Bad/Line", "Bad/Other"] + (4...4100).map { "# filler \($0)" } + ["Bad/Line"])
            .joined(separator: "\n") + "\n"
        let run = try VerifyRun.run(engine: "posix", list: list, arguments: ["-p", "1", "-c", "1", "--resume"])
        #expect(run.status == 1)
        #expect(run.records.count == 3)
        #expect(run.errors.count == 2)
        #expect(run.stderr.contains("verify: 3 of 3 images verified"), "\(run.stderr)")
        #expect(run.stderr.contains("line 4101 repeats line 2: Bad/Line"), "\(run.stderr)")
        #expect(!run.stderr.contains("resumed:"), "nothing came from an earlier run: \(run.stderr)")
    }

    /// The list is counted before the output directory is touched: a Ctrl-C then (before verify
    /// watches signals) ends it at once, and an --overwrite run must not leave its new files, under
    /// hidden names, beside the old results. Half a million lines take the debug build about half a
    /// second to count; the signal comes 50 ms after the new files appear.
    @Test func aCtrlCWhileALongListIsCountedLeavesNoHiddenFiles() throws {
        let scratch = VerifyRun.scratch()
        let out = scratch + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try Data("r.example.com/team/old:v1\n".utf8).write(to: URL(fileURLWithPath: out + "/good_image.txt"))
        let list = (1...500_000).map { "r.example.com/team/app\($0):v1\n" }.joined()
        let run = try VerifyRun.run(engine: "posix", list: list, arguments: ["--overwrite"], scratch: scratch,
                                    environment: ["FAKE_DOCKER_SLOW": "5"]) { process in
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, process.isRunning,
                  !((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).contains(where: { $0.hasPrefix(".run.json.new-") }) {
                usleep(1000)
            }
            usleep(50_000)
            while process.isRunning {
                kill(process.processIdentifier, SIGINT)
                usleep(200_000)
            }
        }
        #expect(run.status == 130)
        let left = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "hidden files left: \(left)")
        #expect(run.good == ["r.example.com/team/old:v1"], "the old results stay")
    }

    /// The lines are read again when handed out, so a list edited under a run stops it with a
    /// clear message instead of verifying lines it did not plan; --resume continues.
    @Test func aListChangedDuringTheRunStopsItAndResumeContinues() throws {
        let scratch = VerifyRun.scratch()
        let list = (1...4).map { "r.example.com/team/slow-\($0):v1" }.joined(separator: "\n") + "\n"
        let run = try VerifyRun.run(engine: "posix", list: list, arguments: ["-p", "1", "-c", "1"], scratch: scratch,
                                    environment: ["FAKE_DOCKER_SLOW": "0.5"]) { _ in
            usleep(300_000)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/images.txt"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("r.example.com/team/added:v1\n".utf8))
            try handle.close()
        }
        #expect(run.status == 2)
        #expect(run.stderr.contains("changed during the run, and verify reads it as the run goes; the results so far are kept: continue with --resume"),
                "\(run.stderr)")
        #expect(run.good.count < 4)
        let resumed = try VerifyRun.run(engine: "posix", list: try String(contentsOfFile: scratch + "/images.txt", encoding: .utf8),
                                        arguments: ["--resume"], scratch: scratch, environment: ["FAKE_DOCKER_SLOW": "0"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(Set(resumed.good) == Set((1...4).map { "r.example.com/team/slow-\($0):v1" } + ["r.example.com/team/added:v1"]))
        #expect(resumed.good.count == 5, "each line once")
    }
}
