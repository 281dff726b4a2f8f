/// The libuv engine's mechanism: clients through `uv_spawn` or `posix_spawn`, their output
/// through `uv_pipe`, time through `uv_timer`.
final class UVBackend: EngineBackend {
    private let loop: UVLoop
    private let client: String
    private let drainSeconds: Double
    private let spawn: ChildCommand.SpawnMethod

    init(loop: UVLoop, client: String, drainSeconds: Double, spawn: SpawnKind) {
        self.loop = loop
        self.client = client
        self.drainSeconds = drainSeconds
        switch spawn {
        case .uv: self.spawn = .libuv
        case .posix: self.spawn = .posix(ChildReaper(loop: loop))
        }
    }

    func startCommand(arguments: [String], completion: @escaping (CommandOutcome) -> Void) throws(VerifyError) -> ChildCommand {
        try ChildCommand(loop: loop, executable: client, arguments: arguments,
                         drainMilliseconds: milliseconds(drainSeconds), spawn: spawn, completion: completion)
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
