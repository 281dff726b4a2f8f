/// Reads a file line by line in 64 KiB chunks, so that a file of any size costs one chunk and one
/// line of memory.
enum LineReader {
    /// Calls `body` with each line (without its newline), the byte offset where it starts, and
    /// whether it ended with a newline (only the last line may not).
    static func forEachLine(_ descriptor: Int32, describing path: String,
                            _ body: (ArraySlice<UInt8>, Int, Bool) throws(SystemError) -> Void) throws(SystemError) {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var pending: [UInt8] = []
        var offset = 0
        while true {
            let count = try Posix.read(descriptor, into: &chunk, describing: path)
            if count == 0 { break }
            var start = 0
            for index in 0..<count where chunk[index] == UInt8(ascii: "\n") {
                let length: Int
                if pending.isEmpty {
                    length = index - start
                    try body(chunk[start..<index], offset, true)
                } else {
                    pending += chunk[start..<index]
                    length = pending.count
                    try body(pending[...], offset, true)
                    pending.removeAll(keepingCapacity: true)
                }
                offset += length + 1
                start = index + 1
            }
            pending += chunk[start..<count]
        }
        if !pending.isEmpty { try body(pending[...], offset, false) }
    }
}
