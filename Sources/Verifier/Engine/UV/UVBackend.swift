/// The libuv engine's mechanism: clients through `uv_spawn`, time through `uv_timer`.
final class UVBackend: EngineBackend {
    private let loop: UVLoop
    private let client: String
    private let drainSeconds: Double

    init(loop: UVLoop, client: String, drainSeconds: Double) {
        self.loop = loop
        self.client = client
        self.drainSeconds = drainSeconds
    }

    func startCommand(arguments: [String], completion: @escaping (CommandOutcome) -> Void) throws(VerifyError) -> ChildCommand {
        try ChildCommand(loop: loop, executable: client, arguments: arguments,
                         drainMilliseconds: milliseconds(drainSeconds), completion: completion)
    }

    func schedule(after seconds: Double, _ action: @escaping () -> Void) -> UVTimer {
        let timer = UVTimer(loop: loop)
        timer.schedule(after: milliseconds(seconds)) {
            timer.close()
            action()
        }
        return timer
    }
}

extension ChildCommand: RunningCommand {}

extension UVTimer: EngineTimer {
    func cancel() { close() }
}
