#if canImport(Glibc)
import Glibc
#endif

/// A worker of the default engine: one single-threaded libuv loop that starts clients with
/// `uv_spawn` (or `posix_spawn`), reads them through `uv_pipe`, and times them with `uv_timer`.
final class UVWorker {
    private let loop: UVLoop
    private let channel: MessageChannel<SupervisorMessage, WorkerMessage>
    private let core: WorkerCore<UVBackend>
    /// The registry client's connections, with `--client registry`.
    private let registry: RegistrySession?
    private var signals: [UVSignal] = []

    init(configuration: WorkerConfiguration) throws(VerifyError) {
        loop = try UVLoop()
        let pipe = UVPipe(loop: loop)
        try pipe.open(descriptor: WorkerProcess.channelDescriptor)
        let channel = MessageChannel<SupervisorMessage, WorkerMessage>(pipe: pipe)
        self.channel = channel
        let loop = loop
        let registry = try configuration.registry.map { options throws(VerifyError) in
            try RegistrySession(loop: loop, options: options, timeoutSeconds: configuration.timeoutSeconds, credentials: try CredentialFiles.forThisUser())
        }
        self.registry = registry
        core = WorkerCore(configuration: configuration,
                          backend: UVBackend(loop: loop, client: configuration.client, drainSeconds: configuration.drainSeconds,
                                             spawn: configuration.childSpawn),
                          send: { channel.send($0) },
                          registryRun: registry.map { session in { id, reference, events in
                              RegistryImageRun(id: id, reference: reference, session: session, loop: loop,
                                               timeoutSeconds: configuration.timeoutSeconds, events: events)
                          } })
        registry?.helperStarted = { [unowned core] in core.ownChildStarted($0) }
        registry?.helperEnded = { [unowned core] in core.ownChildEnded($0) }
    }

    /// Runs until the supervisor closes the channel; returns the process exit status.
    func run() -> Int32 {
        // Ctrl-C reaches the whole foreground group; the supervisor decides what it means.
        signals.append(UVSignal(loop: loop, signal: SIGINT) {})
        for terminating in [SIGTERM, SIGHUP] {
            signals.append(UVSignal(loop: loop, signal: terminating) { [self] in abandon() })
        }
        channel.start(onMessage: { [self] in core.handle($0) }, onEnd: { [self] in
            guard core.isIdle else { abandon() }
            core.endOrphans()
            registry?.close()
            channel.close()
            signals.forEach { $0.close() }
        })
        loop.run()
        return 0
    }

    /// The supervisor is gone or wants us gone: no client may outlive this process.
    private func abandon() -> Never {
        registry?.close()
        core.killAll()
        exit(1)
    }
}
