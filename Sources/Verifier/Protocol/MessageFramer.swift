import Foundation

/// Newline-delimited JSON: turns a byte stream into messages, and messages into lines. Both
/// engines' channels and the supervisor's use it.
struct MessageFramer<Incoming: Decodable> {
    private var pending: [UInt8] = []
    private let decoder = JSONDecoder()

    /// The messages completed by `bytes`. A line that does not decode is reported on stderr and
    /// skipped.
    mutating func messages(appending bytes: UnsafeRawBufferPointer) -> [Incoming] {
        pending.append(contentsOf: bytes)
        guard let lastNewline = pending.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        let complete = pending[...lastNewline]
        defer { pending.removeFirst(lastNewline + 1) }
        return complete.split(separator: UInt8(ascii: "\n")).compactMap { line in
            guard let message = try? decoder.decode(Incoming.self, from: Data(line)) else {
                Console.line("verify: dropping a garbled message: \(String(decoding: line, as: UTF8.self))")
                return nil
            }
            return message
        }
    }

    /// `message` as one line.
    static func line<Outgoing: Encodable>(for message: Outgoing) -> [UInt8] {
        guard let data = try? JSONEncoder().encode(message) else { preconditionFailure("protocol messages always encode") }
        return Array(data) + [UInt8(ascii: "\n")]
    }
}
