/// What one run of `verify` is asked to do. Each value is defined here once: its default (the
/// command line reads it from ``standard``), and its bounds (``validate()``), which keep every
/// later conversion (to milliseconds, to descriptor counts) from overflowing.
public struct RunConfiguration: Sendable {
    /// The image list's path, or `-` for standard input.
    public var listPath: String
    /// Verify only the lines of this shard of the list (`--shard K/N`); `nil` for every line.
    public var shard: Shard?
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
    /// Which client checks each image (`--client`).
    public var clientKind: ClientKind = .docker
    /// The container client: a name looked up on PATH, or a path (`--docker`).
    public var client: String = "docker"
    /// What the registry client checks, and how it connects.
    public var registryOptions = RegistryOptions()
    /// Leave pulled images on the daemon.
    public var keep = false
    /// Replace results already in the output directory.
    public var overwrite = false
    /// Continue the results already in the output directory: skip the lines that have a record.
    public var resume = false
    /// With ``resume``, also verify again the lines whose newest record is an error or a timeout.
    public var retryFailed = false
    /// Retries of an image whose failure is transient.
    public var retries = 2
    /// The base of the exponential back-off before a retry, in seconds.
    public var retryDelaySeconds: Double = 2
    /// Whether a timeout is tried again too.
    public var retryTimeouts = false
    /// The most image starts per second across all workers; `nil` for no limit until a registry
    /// answers `rate-limited`.
    public var rate: Double?
    /// The circuit breaker; `nil` for none.
    public var maxFailures: FailureLimit?
    /// Starts pause while ``dataRoot`` has less space free; `nil` for no guard.
    public var minFree: ByteSize?
    /// The filesystem the client pulls into; `nil` to ask the client (`docker info`).
    public var dataRoot: String?
    /// How progress is shown on stderr.
    public var progress: ProgressMode = .auto
    /// Seconds between plain progress lines on stderr; 0 for no progress at all, whatever
    /// `progress` says (how it was turned off before `--progress`).
    public var progressIntervalSeconds: Double = 5
    /// The reports written from the output directory once the run has an outcome (`--html`,
    /// `--junit`, `--metrics`).
    public var reports = ReportTargets()

    /// The defaults for verifying the list at `listPath` with `processes` workers.
    public init(listPath: String, processes: Int) {
        self.listPath = listPath
        self.processes = processes
    }

    /// The defaults, for the command line's help.
    public static let standard = RunConfiguration(listPath: "-", processes: 1)

    /// The accepted range of each value (README, Options).
    public enum Bounds {
        public static let processes = 1...1024
        public static let concurrency = 1...10_000
        /// One millisecond (libuv's timer resolution) to a week.
        public static let timeoutSeconds = 0.001...604_800.0
        public static let killGraceSeconds = 0.0...3600.0
        public static let progressIntervalSeconds = 0.0...86_400.0
        public static let retries = 0...100
        public static let retryDelaySeconds = 0.0...3600.0
        /// One start in 100 s to a million a second.
        public static let rate = 0.01...1_000_000.0
        public static let maxConnections = 1...256
    }

    /// Checks every value against its ``Bounds``.
    ///
    /// - Throws: ``VerifyError/invalidOption(flag:reason:)`` naming the option and its range.
    public func validate() throws(VerifyError) {
        try Self.check(processes, in: Bounds.processes, flag: "--processes", unit: "")
        try Self.check(concurrency, in: Bounds.concurrency, flag: "--concurrency", unit: "")
        try Self.check(timeoutSeconds, in: Bounds.timeoutSeconds, flag: "--timeout", unit: " seconds")
        try Self.check(killGraceSeconds, in: Bounds.killGraceSeconds, flag: "--kill-grace", unit: " seconds")
        try Self.check(progressIntervalSeconds, in: Bounds.progressIntervalSeconds, flag: "--progress-interval", unit: " seconds")
        try Self.check(retries, in: Bounds.retries, flag: "--retries", unit: "")
        try Self.check(retryDelaySeconds, in: Bounds.retryDelaySeconds, flag: "--retry-delay", unit: " seconds")
        if let rate { try Self.check(rate, in: Bounds.rate, flag: "--rate", unit: " starts a second") }
        if overwrite && (resume || retryFailed) {
            throw .invalidOption(flag: "--overwrite", reason: "replaces the results that --resume and --retry-failed continue; give one or the other")
        }
        try Self.check(registryOptions.maxConnections, in: Bounds.maxConnections, flag: "--max-connections", unit: "")
        try reports.checkDirectories()
        if clientKind == .registry {
            if engine == .dispatch {
                throw .invalidOption(flag: "--engine", reason: "--client registry runs on the uv engine's loops only")
            }
            if minFree != nil || dataRoot != nil {
                throw .invalidOption(flag: minFree != nil ? "--min-free" : "--data-root",
                                     reason: "guards the disk a daemon pulls onto; --client registry stores nothing")
            }
        }
    }

    /// Which failures are tried again, and when.
    var retryPolicy: RetryPolicy {
        RetryPolicy(retries: retries, baseDelaySeconds: retryDelaySeconds, retryTimeouts: retryTimeouts)
    }

    /// What the result writer does with results already in the output directory.
    var outputMode: ResultWriter.Mode {
        if overwrite { return .overwrite }
        return resume || retryFailed ? .resume : .fresh
    }

    /// Seconds the supervisor lets a worker hold one image before it counts the worker as hung:
    /// the timeout, the kill grace and the drain time, and a margin of 5 s and a tenth of the
    /// timeout for a loaded machine.
    var supervisorDeadlineSeconds: Double {
        timeoutSeconds + killGraceSeconds + drainSeconds + 5 + timeoutSeconds / 10
    }

    private static func check<Value: Comparable>(_ value: Value, in range: ClosedRange<Value>, flag: String, unit: String) throws(VerifyError) {
        guard !range.contains(value) else { return }
        throw .invalidOption(flag: flag, reason: "must be from \(format(range.lowerBound)) to \(format(range.upperBound))\(unit), not \(format(value))")
    }

    /// `600` rather than `600.0`; other values as Swift prints them (`1e+300`, `0.001`).
    private static func format(_ value: some Comparable) -> String {
        if let number = value as? Double, number == number.rounded(), abs(number) < 1e15 { return String(Int(number)) }
        return "\(value)"
    }
}
