/// What the shards of the directories being merged say about the list they cover: warnings, for
/// `verify merge`, when a shard is missing or when the directories split the list differently. A
/// directory run without `--shard` holds the whole list: shard 0/1.
enum ShardCoverage {
    /// The warnings for directories holding `shards` (`nil` for one run without `--shard`), one a
    /// line; none when every shard of one count is there.
    static func warnings(_ shards: [Shard?]) -> [String] {
        let whole = shards.map { $0 ?? Self.whole }
        let counts = Set(whole.map(\.count)).sorted()
        var warnings: [String] = []
        if counts.count > 1 {
            warnings.append("the directories split the list in different ways (\(counts.map { "\($0) shard\($0 == 1 ? "" : "s")" }.joined(separator: ", "))): a line may be in none of them; merge the shards of one --shard K/N")
        }
        for count in counts where count > 1 {
            let seen = Set(whole.filter { $0.count == count }.map(\.index))
            let missing = (0..<count).filter { !seen.contains($0) }
            guard !missing.isEmpty else { continue }
            let shown = missing.prefix(10).map { "\($0)/\(count)" }.joined(separator: ", ")
            let more = missing.count > 10 ? " and \(missing.count - 10) more" : ""
            warnings.append("\(missing.count) of \(count) shards are missing (\(shown)\(more)): their lines have no record in the merge; run them and merge again")
        }
        return warnings
    }

    /// The whole list, what a run without `--shard` verified.
    private static let whole = try! Shard(parsing: "0/1")
}
