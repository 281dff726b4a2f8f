/// Everything a worker process needs to know, handed to it on its command line; derived from the
/// run's ``RunConfiguration`` by one initialiser, never copied field by field elsewhere.
struct WorkerConfiguration: Codable, Sendable {
    /// Which engine runs the images.
    var engine: EngineKind
    /// How the libuv engine starts clients.
    var spawn: SpawnKind
    /// The worker's number (1-based), as it appears in the result records.
    var index: Int
    /// The absolute path of the container client.
    var client: String
    /// The registry client's options, when it checks the images instead of the container client.
    var registry: RegistryOptions?
    /// Seconds an image may take, all steps together.
    var timeoutSeconds: Double
    /// Seconds between SIGTERM and SIGKILL for a client that timed out.
    var killGraceSeconds: Double
    /// Seconds to wait for a client's pipes to close after it exited.
    var drainSeconds: Double
    /// Whether pulled images stay on the daemon.
    var keep: Bool
    /// The supervisor's PID: a worker whose parent is no longer this exits at once.
    var supervisorPID: Int32

    /// How this worker starts its children. A registry worker starts none but credential helpers,
    /// with `uv_spawn` (they need a standard input): libuv must then be its only reaper, so it has
    /// no `posix_spawn` reaper, whose `waitpid(-1)` would take a helper's exit from libuv.
    var childSpawn: SpawnKind { registry == nil ? spawn : .uv }

    /// What worker `index` of `run` needs, with the client already located at `client`.
    init(_ run: RunConfiguration, index: Int, client: String, supervisorPID: Int32) {
        engine = run.engine
        spawn = run.spawn
        self.index = index
        self.client = client
        registry = run.clientKind == .registry ? run.registryOptions : nil
        timeoutSeconds = run.timeoutSeconds
        killGraceSeconds = run.killGraceSeconds
        drainSeconds = run.drainSeconds
        keep = run.keep
        self.supervisorPID = supervisorPID
    }
}

/// The two engines behind the same interface.
public enum EngineKind: String, Codable, Sendable, CaseIterable {
    /// One single-threaded libuv loop per worker (the default).
    case uv
    /// Foundation.Process and Dispatch queues, kept for comparison.
    case dispatch
}

/// How the libuv engine starts its clients. benchmarks/RESULTS.md made `posix` the default.
public enum SpawnKind: String, Codable, Sendable, CaseIterable {
    /// `uv_spawn`: fork and exec, whose cost grows with the worker's memory.
    case uv
    /// `posix_spawn` (vfork-like), reaped by one SIGCHLD watcher per worker.
    case posix
}
