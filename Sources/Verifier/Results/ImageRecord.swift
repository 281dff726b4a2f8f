import Foundation

/// One line of `results.jsonl`: the whole story of one image. The README documents the schema.
struct ImageRecord: Encodable, Sendable {
    /// The list line as written, trimmed.
    var reference: String
    /// The line number in the list.
    var line: Int
    /// The reference actually pulled (after `--registry`); `nil` for an invalid line.
    var pulled: String?
    /// What verifying the image found; its fields appear at the top level of the JSON object.
    var verdict: Verdict
    /// Wall time from the first step's start to the last one's end.
    var durationMs: Int64
    /// The worker (1-based) that produced the verdict; `nil` where none ran.
    var worker: Int?
    /// How many times the image was handed to a worker (2 after a worker crash).
    var attempts: Int
    /// When the first step started: RFC 3339, UTC, with milliseconds.
    var startedAt: String
    /// When the last step ended: RFC 3339, UTC, with milliseconds.
    var finishedAt: String
    /// The list line whose verification this record shares, when both pull the same image
    /// (`alpine:3` and `docker.io/library/alpine:3`, or two old registries merged by
    /// `--registry`): that line was verified once, for both. `nil` for a line verified itself.
    var sameAs: String?
    /// The messages of the failed attempts that were tried again (the last three), oldest first.
    var failedAttempts: [String] = []

    enum CodingKeys: String, CodingKey {
        case reference, line, pulled, status, category, digest, message, step, signal, worker, attempts
        case exitCode = "exit_code"
        case stderrTail = "stderr_tail"
        case cleanupWarning = "cleanup_warning"
        case durationMs = "duration_ms"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case sameAs = "same_as"
        case failedAttempts = "failed_attempts"
        case platforms
        case blobsChecked = "blobs_checked"
        case bytesFetched = "bytes_fetched"
        case foreignLayersSkipped = "foreign_layers_skipped"
        case retryAfterSeconds = "retry_after_seconds"
    }

    /// Combines a verdict with where and when it was reached.
    init(reference: String, line: Int, pulled: String?, verdict: Verdict,
                worker: Int?, attempts: Int, startedAt: Date, finishedAt: Date, sameAs: String? = nil) {
        self.reference = reference
        self.line = line
        self.pulled = pulled
        self.verdict = verdict
        durationMs = Int64((finishedAt.timeIntervalSince(startedAt) * 1000).rounded())
        self.worker = worker
        self.attempts = attempts
        self.startedAt = RFC3339.string(from: startedAt)
        self.finishedAt = RFC3339.string(from: finishedAt)
        self.sameAs = sameAs
    }

    /// Encodes every field, `null` included, so that every line has the same keys.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(reference, forKey: .reference)
        try container.encode(line, forKey: .line)
        try container.encode(pulled, forKey: .pulled)
        try container.encode(verdict.status, forKey: .status)
        try container.encode(verdict.category, forKey: .category)
        try container.encode(verdict.digest, forKey: .digest)
        try container.encode(verdict.message, forKey: .message)
        try container.encode(verdict.step, forKey: .step)
        try container.encode(verdict.exitCode, forKey: .exitCode)
        try container.encode(verdict.signal, forKey: .signal)
        try container.encode(verdict.stderrTail, forKey: .stderrTail)
        try container.encode(verdict.cleanupWarning, forKey: .cleanupWarning)
        try container.encode(durationMs, forKey: .durationMs)
        try container.encode(worker, forKey: .worker)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(finishedAt, forKey: .finishedAt)
        try container.encode(sameAs, forKey: .sameAs)
        try container.encode(failedAttempts, forKey: .failedAttempts)
        try container.encode(verdict.registry?.platforms, forKey: .platforms)
        try container.encode(verdict.registry?.blobsChecked, forKey: .blobsChecked)
        try container.encode(verdict.registry?.bytesFetched, forKey: .bytesFetched)
        try container.encode(verdict.registry?.foreignLayersSkipped, forKey: .foreignLayersSkipped)
        try container.encode(verdict.retryAfterSeconds, forKey: .retryAfterSeconds)
    }
}
