/// What one run of `verify` is asked to do; the command line fills it in.
public struct RunConfiguration: Sendable {
    /// The image list's path, or `-` for standard input.
    public var listPath: String
    /// Where the result files go.
    public var outputDirectory: String = "."
    /// The engine the workers run.
    public var engine: EngineKind = .uv
    /// How the libuv engine starts clients.
    public var spawn: SpawnKind = .posix
    /// Worker processes.
    public var processes: Int
    /// Images in flight per worker.
    public var concurrency: Int = 5
    /// Seconds per image, all steps together.
    public var timeoutSeconds: Double = 600
    /// Seconds between SIGTERM and SIGKILL after a timeout.
    public var killGraceSeconds: Double = 5
    /// Seconds to wait for a client's pipes to close after it exited.
    public var drainSeconds: Double = 2
    /// Pull from this registry instead of the one each reference names.
    public var registry: RegistryHost?
    /// The container client: a name looked up on PATH, or a path.
    public var client: String = "docker"
    /// Leave pulled images on the daemon.
    public var keep = false
    /// Replace results already in the output directory.
    public var overwrite = false
    /// Seconds between progress lines on stderr.
    public var progressIntervalSeconds: Double = 5

    /// The defaults for verifying the list at `listPath` with `processes` workers.
    public init(listPath: String, processes: Int) {
        self.listPath = listPath
        self.processes = processes
    }
}
