/// One of `count` parts of an image list (`--shard K/N`), so that N machines (the pods of a
/// Kubernetes Indexed Job, whose `JOB_COMPLETION_INDEX` is K) verify one list between them.
///
/// A line belongs to shard `K` of `N` when the first 8 bytes of the SHA-256 of its text (as the
/// planner trims it, in UTF-8), read as a big-endian unsigned integer, are `K` modulo `N`. Only the
/// line's own text counts, never its position: sorting the list or inserting lines moves no other
/// line, and an edited line moves only itself. SHA-256 rather than `Hasher` (seeded per process)
/// or a short hash such as FNV-1a: every machine and every later run computes the same shard, any
/// tool can check it (`printf %s LINE | sha256sum`), and its bits are uniform, so that every `N`,
/// powers of two included, splits a list evenly (FNV-1a's low bits follow the input's low bits).
/// It costs about a microsecond a line (OpenSSL, see ``SHA256Hasher``).
public struct Shard: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// `K`: 0-based, as a Kubernetes Indexed Job numbers its pods.
    public let index: Int
    /// `N`: how many shards the list is split into.
    public let count: Int

    /// The accepted shard counts.
    public static let counts = 1...1_000_000

    /// `K/N`, with `0 ≤ K < N` and `N` in ``counts``.
    ///
    /// - Throws: ``VerifyError/invalidOption(flag:reason:)`` for `--shard`, saying what is wrong.
    public init(parsing text: String) throws(VerifyError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let isDecimal = { (part: Substring) in !part.isEmpty && part.count <= 9 && part.allSatisfy { $0.isASCII && $0.isNumber } }
        guard parts.count == 2, isDecimal(parts[0]), isDecimal(parts[1]), let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw .invalidOption(flag: "--shard", reason: "must be K/N, two whole numbers such as 0/4 (K counts from 0), not \"\(EscapedText.make(text, limit: 40))\"")
        }
        guard Self.counts.contains(count) else {
            throw .invalidOption(flag: "--shard", reason: "N must be from 1 to 1000000, not \(count)")
        }
        guard index < count else {
            throw .invalidOption(flag: "--shard", reason: "K counts from 0 and must be below N: \(text) names no shard; the shards of \(count) are 0/\(count) to \(count - 1)/\(count)")
        }
        self.index = index
        self.count = count
    }

    /// `K/N`.
    public var description: String { "\(index)/\(count)" }

    /// Whether the list line `text` (trimmed) belongs to this shard.
    func contains(_ text: String) -> Bool {
        Self.index(of: text, count: count) == index
    }

    /// The shard of `count` that the list line `text` (trimmed) belongs to.
    static func index(of text: String, count: Int) -> Int {
        let hasher = SHA256Hasher()
        var text = text
        text.withUTF8 { hasher.update(UnsafeRawBufferPointer($0)) }
        let digest = hasher.finalizeBytes()
        let prefix = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(prefix % UInt64(count))
    }
}

extension Shard: Codable {
    /// `run.json` holds a shard as `"K/N"`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try Shard(parsing: text) } catch {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
