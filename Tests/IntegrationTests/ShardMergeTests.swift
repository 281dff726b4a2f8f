import Foundation
import Testing

/// `--shard K/N` and `verify merge`: a list verified in shards, one directory each, and merged,
/// is what one run of the whole list would have recorded.
@Suite(.serialized)
struct ShardMergeTests {
    static let list = """
        r.example.com/team/a:v1
        r.example.com/team/b:v1
        r.example.com/team/notfound:v1
        Not A Reference
        r.example.com/team/c:v2
        r.example.com/team/a:v1
        # a comment
        r.example.com/team/d:v3
        r.example.com/other/notfound:v2
        r.example.com/team/e:v1
        Not A Reference
        r.example.com/team/f:v1
        r.example.com/team/g:v1

        """

    /// Runs shard `index` of `count` of `list` in a scratch directory of its own.
    private static func shard(_ index: Int, of count: Int, list: String = list, arguments: [String] = []) throws -> VerifyRun {
        try VerifyRun.run(engine: "posix", list: list, arguments: ["--shard", "\(index)/\(count)"] + arguments)
    }

    /// `verify merge OUT DIRS…`.
    private static func merge(_ output: String, _ runs: [VerifyRun], _ arguments: [String] = []) throws -> (status: Int32, stderr: String) {
        try execute(VerifyRun.executable, ["merge", output] + runs.map(\.outputDirectory) + arguments)
    }

    /// The fields a record is compared by.
    private static func fields(_ records: [String: [String: Any]]) -> [String: [String]] {
        records.mapValues { record in
            ["status", "category", "digest"].map { (record[$0] as? String) ?? "null" }
        }
    }

    /// "verify: X of Y images verified": Y.
    private static func total(_ stderr: String) -> Int? {
        guard let line = stderr.split(separator: "\n").first(where: { $0.hasPrefix("verify: ") && $0.contains(" images verified") }) else { return nil }
        return Int(line.split(separator: " ")[3])
    }

    @Test func threeShardsMergedAreOneRun() throws {
        let whole = try VerifyRun.run(engine: "posix", list: Self.list)
        #expect(whole.status == 1)
        let shards = try (0..<3).map { try Self.shard($0, of: 3) }
        #expect(shards.compactMap { Self.total($0.stderr) }.reduce(0, +) == Self.total(whole.stderr), "the shards partition the list")
        #expect(shards.map { $0.records.count }.reduce(0, +) == whole.records.count, "each line is recorded in one shard, once")
        for (index, shard) in shards.enumerated() {
            let runJSON = try String(contentsOfFile: shard.outputDirectory + "/run.json", encoding: .utf8)
            #expect(runJSON.contains("\"shard\" : \"\(index)/3\""))
        }
        let output = VerifyRun.scratch() + "/merged"
        let merged = try Self.merge(output, shards)
        #expect(merged.status == whole.status, "\(merged.stderr)")
        #expect(!merged.stderr.contains("warning"), "\(merged.stderr)")
        let result = VerifyRun(status: merged.status, stderr: merged.stderr, outputDirectory: output, stateDirectory: "")
        #expect(Self.fields(result.records) == Self.fields(whole.records))
        #expect(result.good.sorted() == whole.good.sorted())
        #expect(result.errors.map { "\($0.reference)\t\($0.category)" }.sorted() == whole.errors.map { "\($0.reference)\t\($0.category)" }.sorted())
        #expect(result.timeouts.isEmpty && whole.timeouts.isEmpty)
        let runJSON = try String(contentsOfFile: output + "/run.json", encoding: .utf8)
        #expect(!runJSON.contains("\"shard\""), "the merge is the whole list")
        #expect(merged.stderr.contains("verify: merged \(whole.records.count) results from 3 directories"))
    }

    @Test func resumingAShardsDirectoryWithAnotherShardIsRefused() throws {
        let first = try Self.shard(0, of: 3)
        let scratch = (first.outputDirectory as NSString).deletingLastPathComponent
        let again = try VerifyRun.run(engine: "posix", list: Self.list, arguments: ["--shard", "1/3", "--resume"], scratch: scratch)
        #expect(again.status == 2)
        #expect(again.stderr.contains("(--shard was 0/3, now 1/3)"), "\(again.stderr)")
    }

    @Test func aBadShardIsOneLineAndExit2() throws {
        for (value, message) in [("3/3", "--shard: K counts from 0 and must be below N"), ("1/0", "--shard: N must be from 1 to 1000000, not 0"),
                                 ("x", "--shard: must be K/N")] {
            let run = try VerifyRun.run(engine: "posix", list: "r.example.com/team/a:v1\n", arguments: ["--shard", value])
            #expect(run.status == 2)
            #expect(run.stderr.hasPrefix("verify: error: \(message)"), "\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test func mergeRefusesDirectoriesThatAnswerAnotherQuestion() throws {
        let one = try Self.shard(0, of: 2)
        let two = try Self.shard(1, of: 2, arguments: ["--registry", "mirror.example.com"])
        let output = VerifyRun.scratch() + "/merged"
        let merged = try Self.merge(output, [one, two])
        #expect(merged.status == 2)
        #expect(merged.stderr.hasPrefix("verify: error: cannot merge: \(two.outputDirectory)/run.json says its results were made differently from \(one.outputDirectory)/run.json (--registry was not given, now mirror.example.com)"), "\(merged.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output), "a refusal creates nothing")
    }

    @Test func mergeWarnsOfAMissingShardAndExitsAsOneRun() throws {
        let list = "r.example.com/team/a:v1\nr.example.com/team/b:v1\nr.example.com/team/c:v1\nr.example.com/team/d:v1\n"
        let shards = try [0, 2].map { try Self.shard($0, of: 3, list: list) }
        let output = VerifyRun.scratch() + "/merged"
        let merged = try Self.merge(output, shards)
        #expect(merged.status == 0, "every record merged is good")
        #expect(merged.stderr.contains("verify: warning: 1 of 3 shards are missing (1/3): their lines have no record in the merge"), "\(merged.stderr)")
        let again = try Self.merge(output, shards)
        #expect(again.status == 2)
        #expect(again.stderr.contains("already holds results; pass --overwrite to replace them"), "\(again.stderr)")
        #expect(try Self.merge(output, shards, ["--overwrite"]).status == 0)
    }

    @Test func theNewestRecordOfALineWinsWhateverTheOrder() throws {
        let list = "r.example.com/team/flaky:v1\nr.example.com/team/good:v1\n"
        let older = VerifyRun.scratch()
        #expect(FileManager.default.createFile(atPath: older + "/state/flaky-fails", contents: nil))
        let failed = try VerifyRun.run(engine: "posix", list: list, scratch: older)
        #expect(failed.status == 1)
        let newer = try VerifyRun.run(engine: "posix", list: list)
        #expect(newer.status == 0)
        let output = VerifyRun.scratch() + "/merged"
        let merged = try Self.merge(output, [newer, failed])
        #expect(merged.status == 0, "\(merged.stderr)")
        let result = VerifyRun(status: merged.status, stderr: merged.stderr, outputDirectory: output, stateDirectory: "")
        #expect(result.good.sorted() == ["r.example.com/team/flaky:v1", "r.example.com/team/good:v1"])
        #expect(result.lines("results.jsonl").count == 2)
        #expect(merged.stderr.contains("(4 records read; 2 older records of the same lines left out)"), "\(merged.stderr)")
    }
}
