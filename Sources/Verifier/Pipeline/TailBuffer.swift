/// Keeps the last `limit` bytes of a stream, however much the stream writes.
///
/// A client that floods its output costs at most about twice `limit` in memory.
struct TailBuffer: Sendable {
    /// The most bytes kept.
    let limit: Int
    private var storage: [UInt8] = []
    /// How many bytes were written in all.
    private(set) var writtenCount = 0

    /// The default limit for a client's stdout or stderr: 64 KiB.
    static let defaultLimit = 64 * 1024

    /// An empty buffer that keeps at most `limit` bytes.
    init(limit: Int = TailBuffer.defaultLimit) {
        self.limit = limit
    }

    /// Appends `bytes`, dropping the oldest ones beyond the limit.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        writtenCount += bytes.count
        if bytes.count >= limit {
            storage = Array(bytes.suffix(limit))
            return
        }
        storage.append(contentsOf: bytes)
        if storage.count > 2 * limit { compact() }
    }

    /// The kept bytes: the last `limit` bytes written.
    var bytes: [UInt8] {
        storage.count > limit ? Array(storage.suffix(limit)) : storage
    }

    /// How many bytes were dropped from the front.
    var droppedCount: Int { writtenCount - min(storage.count, limit) }

    /// The kept bytes as text (invalid UTF-8 repaired).
    var text: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func compact() {
        storage.removeFirst(storage.count - limit)
    }
}
