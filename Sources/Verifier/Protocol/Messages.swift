import Foundation

/// A message on a channel between the supervisor and a worker: one line of text.
///
/// The lines are kept short and cheap to read and write, since several cross per image: `V id
/// reference`, `S id group`, and `F id started finished {verdict as JSON}`. References never
/// contain white space (they are validated before they are handed out).
protocol ChannelMessage: Sendable {
    /// The message as one line, without its newline.
    var line: String { get }
    /// Parses a line; `nil` for a line that is not a message of this kind.
    init?(line: Substring)
}

extension ChannelMessage {
    /// The message as it goes on the channel: its line and a newline.
    var framed: [UInt8] { Array((line + "\n").utf8) }
}

/// What the supervisor tells a worker.
enum SupervisorMessage: ChannelMessage, Equatable {
    /// Verify this image. `id` identifies it in the worker's replies.
    case verify(id: Int, reference: String)

    var line: String {
        switch self {
        case .verify(let id, let reference): "V \(id) \(reference)"
        }
    }

    init?(line: Substring) {
        let fields = line.split(separator: " ", maxSplits: 2)
        guard fields.count == 3, fields[0] == "V", let id = Int(fields[1]) else { return nil }
        self = .verify(id: id, reference: String(fields[2]))
    }
}

/// What a worker tells the supervisor.
enum WorkerMessage: ChannelMessage, Equatable {
    /// A client process (leading its own process group) started for image `id`; it replaces the
    /// image's previous client, which is done.
    case childStarted(id: Int, processGroup: Int32)
    /// Image `id` is done, and so are its clients. Times are seconds since 1970.
    case finished(id: Int, verdict: Verdict, startedAt: Double, finishedAt: Double)

    var line: String {
        switch self {
        case .childStarted(let id, let group):
            return "S \(id) \(group)"
        case .finished(let id, let verdict, let startedAt, let finishedAt):
            guard let json = try? JSONEncoder().encode(verdict) else { preconditionFailure("a Verdict always encodes") }
            return "F \(id) \(startedAt) \(finishedAt) " + String(decoding: json, as: UTF8.self)
        }
    }

    init?(line: Substring) {
        if line.hasPrefix("S ") {
            let fields = line.split(separator: " ")
            guard fields.count == 3, let id = Int(fields[1]), let group = Int32(fields[2]) else { return nil }
            self = .childStarted(id: id, processGroup: group)
            return
        }
        let fields = line.split(separator: " ", maxSplits: 4)
        guard fields.count == 5, fields[0] == "F", let id = Int(fields[1]),
              let startedAt = Double(fields[2]), let finishedAt = Double(fields[3]),
              let verdict = try? JSONDecoder().decode(Verdict.self, from: Data(fields[4].utf8)) else { return nil }
        self = .finished(id: id, verdict: verdict, startedAt: startedAt, finishedAt: finishedAt)
    }
}
