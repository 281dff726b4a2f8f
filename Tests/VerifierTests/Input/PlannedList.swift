import Foundation
@testable import Verifier

/// A whole list run through ``ListPlanner`` in memory: what a run would do with each line.
struct PlannedList {
    /// A line to verify, as handed out.
    struct PlannedLine: Equatable {
        let line: Int
        let text: String
        /// The id of the job whose verification it shares.
        let sharing: Int?
        /// What the supervisor keeps of it.
        let job: PlannedJob
    }

    private(set) var jobs: [PlannedLine] = []
    private(set) var invalid: [ImageRecord] = []
    private(set) var duplicates: [ImageList.Duplicate] = []
    private(set) var earlier: [ImageStatus] = []
    let planner: ListPlanner

    /// Plans `text`; `isOpen` says which jobs are still open when a later line pulls the same image.
    init(_ text: String, registry: RegistryHost? = nil, history: ResultHistory? = nil, retryFailed: Bool = false,
         shard: Shard? = nil, isOpen: (Int) -> Bool = { _ in true }) {
        self.init(bytes: Array(text.utf8), registry: registry, history: history, retryFailed: retryFailed, shard: shard, isOpen: isOpen)
    }

    init(bytes: [UInt8], registry: RegistryHost? = nil, history: ResultHistory? = nil, retryFailed: Bool = false,
         shard: Shard? = nil, isOpen: (Int) -> Bool = { _ in true }) {
        var planner = ListPlanner(registry: registry, history: history, retryFailed: retryFailed, shard: shard)
        var offset = 0
        let parts = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            let terminated = index < parts.count - 1
            if !terminated && part.isEmpty { break }
            let line = LineReader.Line(bytes: part, offset: offset, length: part.count, terminated: terminated)
            offset += part.count + 1
            switch planner.plan(line, isOpen: isOpen) {
            case .skipped: break
            case .duplicate(let duplicate): duplicates.append(duplicate)
            case .earlier(let status): earlier.append(status)
            case .invalid(let record): invalid.append(record)
            case .job(let job, let sharing):
                let text = ImageList.trim(bytes[job.offset..<job.offset + Int(job.length)])
                jobs.append(PlannedLine(line: Int(job.line), text: text, sharing: sharing, job: job))
            }
        }
        self.planner = planner
    }
}
