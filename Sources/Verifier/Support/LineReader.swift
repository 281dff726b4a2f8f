/// Reads a file line by line in 64 KiB chunks, so that a file of any size costs one chunk and at
/// most one line of memory, and a line of any length costs at most ``maximumLength`` bytes.
enum LineReader {
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

    /// The longest line kept: no record or parameter file of verify's comes near it.
    static let maximumLength = 1 << 20

    /// Calls `body` with each line of `descriptor`, read from where it stands to its end.
    static func forEachLine(_ descriptor: Int32, describing path: String, _ body: (Line) throws(SystemError) -> Void) throws(SystemError) {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var pending: [UInt8] = []
        var pendingLength = 0
        var offset = 0
        while true {
            let count = try Posix.read(descriptor, into: &chunk, describing: path)
            if count == 0 { break }
            var start = 0
            while let newline = chunk[start..<count].firstIndex(of: UInt8(ascii: "\n")) {
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
                try body(Line(bytes: bytes, offset: offset, length: length, terminated: true))
                pending.removeAll(keepingCapacity: true)
                pendingLength = 0
                offset += length + 1
                start = newline + 1
            }
            pendingLength += count - start
            if pendingLength <= maximumLength { pending += chunk[start..<count] } else { pending.removeAll() }
        }
        if pendingLength > 0 {
            try body(Line(bytes: pendingLength <= maximumLength ? pending[...] : nil, offset: offset, length: pendingLength, terminated: false))
        }
    }
}
