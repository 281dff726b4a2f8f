import Testing
@testable import Verifier

/// The warnings of `verify merge` about the shards it is given.
struct ShardCoverageTests {
    private func shards(_ values: [String?]) throws -> [Shard?] {
        try values.map { value throws(VerifyError) in try value.map(Shard.init(parsing:)) }
    }

    @Test func everyShardOfOneCountOrUnshardedRunsWarnOfNothing() throws {
        #expect(ShardCoverage.warnings(try shards(["2/3", "0/3", "1/3"])).isEmpty)
        #expect(ShardCoverage.warnings(try shards([nil, nil])).isEmpty, "one directory resumed, merged with another run")
        #expect(ShardCoverage.warnings(try shards(["0/3", "1/3", "2/3", "1/3"])).isEmpty, "a shard run twice: the newest record wins")
    }

    @Test func aMissingShardIsNamed() throws {
        #expect(ShardCoverage.warnings(try shards(["0/3", "2/3"]))
                == ["1 of 3 shards are missing (1/3): their lines have no record in the merge; run them and merge again"])
        let many = ShardCoverage.warnings(try shards(["0/20"]))
        #expect(many == ["19 of 20 shards are missing (1/20, 2/20, 3/20, 4/20, 5/20, 6/20, 7/20, 8/20, 9/20, 10/20 and 9 more): their lines have no record in the merge; run them and merge again"])
    }

    @Test func differentCountsAreWarnedAbout() throws {
        let warnings = ShardCoverage.warnings(try shards(["0/2", "1/2", "0/3", nil]))
        #expect(warnings.first == "the directories split the list in different ways (1 shard, 2 shards, 3 shards): a line may be in none of them; merge the shards of one --shard K/N")
        #expect(warnings.dropFirst() == ["2 of 3 shards are missing (1/3, 2/3): their lines have no record in the merge; run them and merge again"])
    }
}
