/// Turns a byte stream into messages, one a line. Both engines' channels and the supervisor's use it.
struct MessageFramer<Incoming: ChannelMessage> {
    private var pending: [UInt8] = []

    /// The messages completed by `bytes`. A line that is not a message is reported on stderr and
    /// skipped.
    mutating func messages(appending bytes: UnsafeRawBufferPointer) -> [Incoming] {
        pending.append(contentsOf: bytes)
        guard let lastNewline = pending.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        let complete = pending[...lastNewline]
        defer { pending.removeFirst(lastNewline + 1) }
        return complete.split(separator: UInt8(ascii: "\n")).compactMap { bytes in
            let line = Substring(decoding: bytes, as: UTF8.self)
            guard let message = Incoming(line: line) else {
                Console.line("verify: dropping a garbled message: \(line)")
                return nil
            }
            return message
        }
    }
}
