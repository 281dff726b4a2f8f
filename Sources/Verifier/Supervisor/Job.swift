/// One valid image of the list, as the supervisor tracks it.
struct Job: Sendable, Equatable {
    /// The list line as written, trimmed.
    let text: String
    /// Its line number.
    let line: Int
    /// The reference to pull (after `--registry`).
    let pull: String
    /// What the daemon makes of `pull` (``ImageReference/pullKey``): two jobs with the same key
    /// pull the same image, so one is verified and the other shares its verdict.
    let pullKey: LineKey
}

extension Job {
    /// For each job that pulls the same image as an earlier one (the same ``pullKey``), the index
    /// of the first such job in `jobs`.
    static func sharing(_ jobs: [Job]) -> [Int: Int] {
        var first: [LineKey: Int] = [:]
        var sharing: [Int: Int] = [:]
        for (id, job) in jobs.enumerated() {
            if let earlier = first[job.pullKey] {
                sharing[id] = earlier
            } else {
                first[job.pullKey] = id
            }
        }
        return sharing
    }
}
