/// Everything a worker process needs to know, handed to it on its command line.
public struct WorkerConfiguration: Codable, Sendable {
    /// Which engine runs the images.
    public var engine: EngineKind
    /// How the libuv engine starts clients.
    public var spawn: SpawnKind
    /// The worker's number (1-based), as it appears in the result records.
    public var index: Int
    /// The absolute path of the container client.
    public var client: String
    /// The most images in flight at once.
    public var concurrency: Int
    /// Seconds an image may take, all steps together.
    public var timeoutSeconds: Double
    /// Seconds between SIGTERM and SIGKILL for a client that timed out.
    public var killGraceSeconds: Double
    /// Seconds to wait for a client's pipes to close after it exited.
    public var drainSeconds: Double
    /// Whether pulled images stay on the daemon.
    public var keep: Bool
    /// The supervisor's PID: a worker whose parent is no longer this exits at once.
    public var supervisorPID: Int32
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
