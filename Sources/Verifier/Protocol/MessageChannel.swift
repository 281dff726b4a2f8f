import Foundation

/// Newline-delimited JSON messages over a ``UVPipe``: the link between the supervisor and a worker.
final class MessageChannel<Incoming: Decodable, Outgoing: Encodable> {
    private let pipe: UVPipe
    private var pending: [UInt8] = []
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()

    init(pipe: UVPipe) {
        self.pipe = pipe
    }

    /// Delivers each message as it arrives; `onEnd` runs once at end of file. A line that does not
    /// decode is reported on stderr and skipped.
    func start(onMessage: @escaping (Incoming) -> Void, onEnd: @escaping () -> Void) {
        pipe.startReading(onBytes: { [self] bytes in
            pending.append(contentsOf: bytes)
            guard let lastNewline = pending.lastIndex(of: UInt8(ascii: "\n")) else { return }
            let complete = pending[...lastNewline]
            pending.removeFirst(lastNewline + 1 - pending.startIndex)
            for line in complete.split(separator: UInt8(ascii: "\n")) {
                guard let message = try? decoder.decode(Incoming.self, from: Data(line)) else {
                    FileHandle.standardError.write(Data("verify: dropping a garbled message: \(String(decoding: line, as: UTF8.self))\n".utf8))
                    continue
                }
                onMessage(message)
            }
        }, onEnd: onEnd)
    }

    func send(_ message: Outgoing) {
        guard let data = try? encoder.encode(message) else { preconditionFailure("protocol messages always encode") }
        pipe.write(Array(data) + [UInt8(ascii: "\n")])
    }

    func close() {
        pipe.close()
    }
}
