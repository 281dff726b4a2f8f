#if canImport(Glibc)
import Glibc
#endif

/// Reads a file line by line in 64 KiB chunks, so that a file of any size costs one chunk and at
/// most one line of memory, and a line of any length costs at most ``maximumLength`` bytes.
///
/// The reader keeps its own place in the file and reads with `pread`, so that others may read the
/// same descriptor at other offsets meanwhile (a job's line, when it is handed out), and it can
/// stop after any line and go on later: a list of a million lines is read a chunk at a time,
/// between the run's other work.
struct LineReader {
    /// One line of the file.
    struct Line {
        /// Its bytes, without the newline; `nil` for a line longer than ``maximumLength`` (whose
        /// bytes were passed over, not kept).
        let bytes: ArraySlice<UInt8>?
        /// Where it starts in the file.
        let offset: Int
        /// Its length in bytes, without the newline.
        let length: Int
        /// Whether it ended with a newline (only the last line may not).
        let terminated: Bool
    }

    /// The longest line kept by default: the longest record verify writes, which holds the exact
    /// text of an invalid list line of up to ``ListSource/maximumLineLength`` bytes, each of which
    /// its JSON may escape in six (`\u0001`), and the record's other fields.
    static let maximumLength = 6 * ListSource.maximumLineLength + (64 << 10)

    /// The longest line this reader keeps.
    let maximumLength: Int

    private let descriptor: Int32
    private let path: String
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    /// The bytes of `chunk` read and not yet handed out: `start..<count`.
    private var start = 0
    private var count = 0
    /// Where the next read begins.
    private var readOffset: Int
    /// Where the next line begins.
    private var lineOffset: Int
    private var pending: [UInt8] = []
    private var atEnd = false

    /// A reader of `descriptor` from `offset` on; `path` names the file in errors.
    init(_ descriptor: Int32, describing path: String, from offset: Int = 0, maximumLength: Int = LineReader.maximumLength) {
        self.maximumLength = maximumLength
        self.descriptor = descriptor
        self.path = path
        readOffset = offset
        lineOffset = offset
    }

    /// The next line, or `nil` at the end of the file.
    mutating func next() throws(SystemError) -> Line? {
        var pendingLength = 0
        pending.removeAll(keepingCapacity: true)
        while !atEnd {
            if start == count {
                count = try Posix.read(descriptor, into: &chunk, at: readOffset, describing: path)
                start = 0
                readOffset += count
                if count == 0 {
                    atEnd = true
                    break
                }
            }
            if let newline = Self.newline(in: chunk, from: start, to: count) {
                let length = pendingLength + (newline - start)
                let bytes: ArraySlice<UInt8>?
                if length > maximumLength {
                    bytes = nil
                } else if pendingLength == 0 {
                    bytes = chunk[start..<newline]
                } else {
                    pending += chunk[start..<newline]
                    bytes = pending[...]
                }
                start = newline + 1
                return line(bytes, length: length, terminated: true)
            }
            pendingLength += count - start
            if pendingLength <= maximumLength { pending += chunk[start..<count] } else { pending.removeAll() }
            start = count
        }
        guard pendingLength > 0 else { return nil }
        return line(pendingLength <= maximumLength ? pending[...] : nil, length: pendingLength, terminated: false)
    }

    private mutating func line(_ bytes: ArraySlice<UInt8>?, length: Int, terminated: Bool) -> Line {
        defer { lineOffset += length + (terminated ? 1 : 0) }
        return Line(bytes: bytes, offset: lineOffset, length: length, terminated: terminated)
    }

    /// The index of the first newline in `bytes[start..<end]` (memchr: a tenth of the time of a
    /// loop over the bytes, for the 200 MB of a million records).
    private static func newline(in bytes: [UInt8], from start: Int, to end: Int) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            guard start < end, let found = memchr(buffer.baseAddress! + start, 0x0A, end - start) else { return nil }
            return buffer.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// How many newlines `descriptor` holds, and whether it is empty or ends with one: its whole
    /// lines, and whether a last line is torn.
    static func countLines(_ descriptor: Int32, describing path: String) throws(SystemError) -> (lines: Int, whole: Bool) {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var offset = 0
        var lines = 0
        var last = UInt8(ascii: "\n")
        while true {
            let count = try Posix.read(descriptor, into: &chunk, at: offset, describing: path)
            if count == 0 { return (lines, last == UInt8(ascii: "\n")) }
            var start = 0
            while let newline = newline(in: chunk, from: start, to: count) {
                lines += 1
                start = newline + 1
            }
            last = chunk[count - 1]
            offset += count
        }
    }

    /// Calls `body` with each line of `descriptor`, from its start to its end.
    static func forEachLine(_ descriptor: Int32, describing path: String, _ body: (Line) throws(SystemError) -> Void) throws(SystemError) {
        var reader = LineReader(descriptor, describing: path)
        while let line = try reader.next() { try body(line) }
    }
}
