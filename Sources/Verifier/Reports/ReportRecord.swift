import Foundation

/// The fields of one `results.jsonl` record that the reports show (the README's "Result files"
/// documents them all).
struct ReportRecord: Decodable, Sendable, Equatable {
    var reference: String
    var pulled: String?
    var status: ImageStatus
    var category: String?
    var digest: String?
    var message: String?
    var stderrTail: String?
    var durationMs: Int64
    var attempts: Int
    var startedAt: Date?
    var finishedAt: Date?

    enum CodingKeys: String, CodingKey {
        case reference, pulled, status, category, digest, message, attempts
        case stderrTail = "stderr_tail"
        case durationMs = "duration_ms"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }

    init(reference: String, pulled: String? = nil, status: ImageStatus, category: String? = nil, digest: String? = nil,
         message: String? = nil, stderrTail: String? = nil, durationMs: Int64 = 0, attempts: Int = 1,
         startedAt: Date? = nil, finishedAt: Date? = nil) {
        self.reference = reference
        self.pulled = pulled
        self.status = status
        self.category = category
        self.digest = digest
        self.message = message
        self.stderrTail = stderrTail
        self.durationMs = durationMs
        self.attempts = attempts
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        reference = try container.decode(String.self, forKey: .reference)
        pulled = try container.decodeIfPresent(String.self, forKey: .pulled)
        status = try container.decode(ImageStatus.self, forKey: .status)
        category = try container.decodeIfPresent(String.self, forKey: .category)
        digest = try container.decodeIfPresent(String.self, forKey: .digest)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        stderrTail = try container.decodeIfPresent(String.self, forKey: .stderrTail)
        durationMs = try container.decodeIfPresent(Int64.self, forKey: .durationMs) ?? 0
        attempts = try container.decodeIfPresent(Int.self, forKey: .attempts) ?? 0
        startedAt = try container.decodeIfPresent(String.self, forKey: .startedAt).flatMap(RFC3339.date(from:))
        finishedAt = try container.decodeIfPresent(String.self, forKey: .finishedAt).flatMap(RFC3339.date(from:))
    }

    /// Why it is not good, as the reports name it: its category (`timeout` for a timeout); `nil`
    /// when good.
    var failureCategory: String? {
        switch status {
        case .good: return nil
        case .timeout: return category ?? ErrorCategory.timeout.rawValue
        case .error: return category ?? ErrorCategory.other.rawValue
        }
    }

    /// Where the image lives and which one it is: `registry/repository` and its tag or digest,
    /// read from the reference pulled (or the line, for an invalid one). A line that is no
    /// reference is its own name, in the class `invalid`.
    var location: (repository: String, version: String) {
        let text = pulled ?? reference
        guard let parsed = try? ReferenceParser.parse(text) else { return ("invalid", reference) }
        return (parsed.normalizedRepository, parsed.digest ?? parsed.tag ?? "latest")
    }
}
