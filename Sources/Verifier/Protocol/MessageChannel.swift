/// Line messages over a ``UVPipe``: the supervisor's link to each worker, and
/// the libuv engine's link to the supervisor.
final class MessageChannel<Incoming: ChannelMessage, Outgoing: ChannelMessage> {
    private let pipe: UVPipe
    private var framer = MessageFramer<Incoming>()

    init(pipe: UVPipe) {
        self.pipe = pipe
    }

    /// Delivers each message as it arrives; `onEnd` runs once at end of file.
    func start(onMessage: @escaping (Incoming) -> Void, onEnd: @escaping () -> Void) {
        pipe.startReading(onBytes: { [self] bytes in
            framer.messages(appending: bytes).forEach(onMessage)
        }, onEnd: onEnd)
    }

    func send(_ message: Outgoing) {
        pipe.write(message.framed)
    }

    func close() {
        pipe.close()
    }
}
