import Foundation
import Testing
@testable import Verifier

/// `--shard K/N`: which lines a shard verifies, the same on every machine and after every edit.
struct ShardTests {
    @Test func aLineBelongsToTheShardOfTheFirst8BytesOfItsSHA256() {
        // python3 -c "import hashlib; print(int.from_bytes(hashlib.sha256(b'alpine:3').digest()[:8], 'big'))"
        // 17293312355977168792: 1 modulo 3, 0 modulo 4, 168792 modulo 1000000.
        #expect(Shard.index(of: "alpine:3", count: 3) == 1)
        #expect(Shard.index(of: "alpine:3", count: 4) == 0)
        #expect(Shard.index(of: "alpine:3", count: 1_000_000) == 168_792)
        // 12717074231059138870
        #expect(Shard.index(of: "docker.io/library/nginx:1.25", count: 4) == 2)
        // 15986386049126527697
        #expect(Shard.index(of: "Bad Line", count: 3) == 2)
        #expect(Shard.index(of: "anything", count: 1) == 0)
    }

    @Test func theShardsPartitionAList() throws {
        let lines = (0..<3000).map { "registry.example/team/app-\($0):v\($0 % 7)" }
        for count in [1, 2, 3, 8, 10] {
            let shards = try (0..<count).map { index throws(VerifyError) in try Shard(parsing: "\(index)/\(count)") }
            var sizes = [Int](repeating: 0, count: count)
            for line in lines {
                let owners = shards.filter { $0.contains(line) }
                #expect(owners.count == 1, "\(line) is in exactly one of \(count) shards")
                sizes[owners[0].index] += 1
            }
            // Evenly, within a generous margin (powers of two included).
            #expect(sizes.allSatisfy { abs($0 - lines.count / count) < lines.count / count / 5 + 20 }, "\(sizes)")
        }
    }

    @Test func sortingOrInsertingLinesMovesNoOtherLine() {
        let lines = (0..<500).map { "host.example/app-\($0):1" }
        let before = PlannedList(lines.joined(separator: "\n") + "\n", shard: try! Shard(parsing: "1/4"))
        var edited = lines.sorted(by: >)
        edited.insert("host.example/new:1", at: 250)
        edited.insert("host.example/other:2", at: 0)
        let after = PlannedList(edited.joined(separator: "\n") + "\n", shard: try! Shard(parsing: "1/4"))
        let inserted: Set = ["host.example/new:1", "host.example/other:2"]
        #expect(Set(after.jobs.map(\.text)).subtracting(inserted) == Set(before.jobs.map(\.text)))
        #expect(before.planner.entries == before.jobs.count)
        #expect(before.planner.otherShards == 500 - before.jobs.count)
    }

    @Test func duplicatesAndInvalidLinesStayWithTheirShard() throws {
        // "Bad Line" belongs to shard 2 of 3, "alpine:3" to shard 1.
        let list = "alpine:3\nBad Line\nalpine:3\nBad Line\n"
        let one = PlannedList(list, shard: try Shard(parsing: "1/3"))
        #expect(one.jobs.map(\.text) == ["alpine:3"])
        #expect(one.duplicates.map(\.line) == [3])
        #expect(one.invalid.isEmpty)
        let two = PlannedList(list, shard: try Shard(parsing: "2/3"))
        #expect(two.jobs.isEmpty)
        #expect(two.invalid.map(\.reference) == ["Bad Line"])
        #expect(two.duplicates.map(\.line) == [4])
        #expect(two.planner.otherShards == 2)
    }

    @Test func parsingAcceptsKFrom0BelowN() throws {
        #expect(try Shard(parsing: "0/1") == Shard(parsing: "0/1"))
        let last = try Shard(parsing: "999999/1000000")
        #expect((last.index, last.count) == (999_999, 1_000_000))
        for bad in ["3/3", "1/0", "0/1000001", "-1/3", "1", "1/2/3", "a/b", "", "1 /3", "+1/3", "01/3x"] {
            #expect(throws: VerifyError.self, "\(bad)") { try Shard(parsing: bad) }
        }
        do { _ = try Shard(parsing: "3/3") } catch { #expect(error.description.hasPrefix("--shard: ")) }
    }

    @Test func runJSONHoldsTheShardAsKOverN() throws {
        let shard = try Shard(parsing: "2/5")
        let data = try JSONEncoder().encode([shard])
        #expect(String(decoding: data, as: UTF8.self) == #"["2\/5"]"# || String(decoding: data, as: UTF8.self) == #"["2/5"]"#)
        #expect(try JSONDecoder().decode([Shard].self, from: data) == [shard])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Shard].self, from: Data(#"["5/5"]"#.utf8)) }
    }
}
