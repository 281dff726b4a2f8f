import ArgumentParser
import Foundation
import Verifier

/// `verify check IMAGE_LIST` (`verify IMAGE_LIST`: it is the default subcommand): the main job's
/// command line, and nothing else; the work is in Verifier.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every image of a list on the new registry (the default subcommand).",
        discussion: """
            With --client docker (the default), each image is pulled, its digest read back with \
            `docker image inspect`, and the image removed again; with --client registry, its \
            manifests and blobs are checked over the registry's HTTP API. Results go to \
            good_image.txt, error_image.txt, timeout_image.txt and results.jsonl in the output \
            directory, and a summary to stderr.

            Exit status: 0 every image is good; 1 some image is an error or a timeout; \
            2 usage, input or environment error (unreadable list, no docker, unwritable output, \
            daemon down); 3 stopped by --max-failures (--resume continues); 130 interrupted.
            """)

    @Argument(help: ArgumentHelp("The image list, one reference a line; - reads standard input.", valueName: "image-list"))
    var imageList: String

    @Option(name: [.short, .customLong("output-dir")], help: ArgumentHelp("Where the result files go (created if missing).", valueName: "dir"))
    var outputDirectory = "."

    @Option(name: [.short, .long], help: "Worker processes. (default: the number of online CPUs)")
    var processes: Int?

    @Option(name: [.short, .long], help: "Images in flight per worker process.")
    var concurrency = RunConfiguration.standard.concurrency

    @Option(name: [.short, .long], help: ArgumentHelp("Seconds each image may take, all steps together.", valueName: "seconds"))
    var timeout = RunConfiguration.standard.timeoutSeconds

    @Option(name: .long, help: ArgumentHelp("Seconds between SIGTERM and SIGKILL for a client that timed out.", valueName: "seconds"))
    var killGrace = RunConfiguration.standard.killGraceSeconds

    @Option(name: .long, help: ArgumentHelp("Pull from this registry instead of the one each reference names.", valueName: "host[:port]"))
    var registry: String?

    @Option(name: .long, help: ArgumentHelp("The container client: a name on PATH, or a path.", valueName: "path"))
    var docker = RunConfiguration.standard.client

    @Option(name: .long, help: "What checks each image: docker (pull, inspect and remove it through the daemon) or registry (the registry's HTTP API, no daemon).")
    var client = RunConfiguration.standard.clientKind

    @Option(name: .long, help: ArgumentHelp("How far --client registry looks: manifest, blobs (HEAD every config and layer) or content (download and hash every blob). (default: blobs)", valueName: "depth"))
    var depth: String?

    @Option(name: .long, help: ArgumentHelp("Check only this platform of a multi-platform image (--client registry).", valueName: "os/arch[/variant]"))
    var platform: String?

    @Flag(name: .long, help: "Allow plain HTTP and unverified certificates (--client registry).")
    var insecure = false

    @Option(name: .long, help: ArgumentHelp("Trust the certificate authorities in this PEM file instead of the system's (--client registry).", valueName: "file"))
    var caCert: String?

    @Option(name: .long, help: "Connections per registry per worker (--client registry).")
    var maxConnections = RunConfiguration.standard.registryOptions.maxConnections

    @Option(name: .long, help: ArgumentHelp("Verify only the lines of shard K of N (K from 0, as a Kubernetes Indexed Job's JOB_COMPLETION_INDEX): those whose SHA-256 is K modulo N. verify merge joins the shards' output directories.", valueName: "K/N"))
    var shard: String?

    @Flag(name: .long, help: "Leave pulled images on the daemon instead of removing them.")
    var keep = false

    @Flag(name: .long, help: "Replace results already in the output directory (once the first new result is written).")
    var overwrite = false

    @Flag(name: .long, help: "Continue the results in the output directory: verify only the lines without a record. Starts afresh where there are none.")
    var resume = false

    @Flag(name: .long, help: "Like --resume, and also verify again the lines whose newest record is an error or a timeout.")
    var retryFailed = false

    @Option(name: .long, help: "Retries of an image whose failure is transient (rate-limited, network, server-error, blob-unknown).")
    var retries = RunConfiguration.standard.retries

    @Option(name: .long, help: ArgumentHelp("The base of the exponential back-off (full jitter, at most 60 s) before a retry.", valueName: "seconds"))
    var retryDelay = RunConfiguration.standard.retryDelaySeconds

    @Flag(name: .long, help: "Try timeouts again too.")
    var retryTimeouts = false

    @Option(name: .long, help: ArgumentHelp("The most image starts per second, across all workers (halved on rate-limited, raised again slowly). (default: no limit until a registry answers rate-limited)", valueName: "per-second"))
    var rate: Double?

    @Option(name: .long, help: ArgumentHelp("Stop (exit 3) once this many images failed, or this percentage once 20 are done.", valueName: "N|P%"))
    var maxFailures: FailureLimit?

    @Option(name: .long, help: ArgumentHelp("Pause starting pulls while --data-root has less space free (10G, 500M), and resume when it recovers.", valueName: "size"))
    var minFree: ByteSize?

    @Option(name: .long, help: ArgumentHelp("The filesystem the client pulls into, for --min-free. (default: what docker info reports as DockerRootDir)", valueName: "path"))
    var dataRoot: String?

    @Option(name: .long, help: """
        How progress is shown on stderr: auto (a bar on a terminal, plain lines elsewhere), bar, plain (a line every \
        --progress-interval seconds), or none.
        """)
    var progress = RunConfiguration.standard.progress

    @Option(name: .long, help: ArgumentHelp("Seconds between plain progress lines; 0 is the same as --progress none.", valueName: "seconds"))
    var progressInterval = RunConfiguration.standard.progressIntervalSeconds

    @Option(name: .long, help: "The engine the workers run: uv (libuv), or dispatch (Foundation.Process, kept for comparison).")
    var engine = RunConfiguration.standard.engine

    @Option(name: .long, help: "How the uv engine starts clients: posix (posix_spawn, vfork-like) or uv (uv_spawn, fork; slower as workers grow).")
    var spawn = RunConfiguration.standard.spawn

    @OptionGroup var reports: ReportOptions

    func validate() throws {
        do { try configuration().validate() } catch { throw ValidationError(error.description) }
    }

    /// The run these options ask for.
    private func configuration() throws(VerifyError) -> RunConfiguration {
        var configuration = RunConfiguration(listPath: imageList, processes: processes ?? ProcessInfo.processInfo.activeProcessorCount)
        configuration.outputDirectory = outputDirectory
        configuration.concurrency = concurrency
        configuration.timeoutSeconds = timeout
        configuration.killGraceSeconds = killGrace
        configuration.client = docker
        configuration.clientKind = client
        try registryOptions(into: &configuration)
        configuration.keep = keep
        configuration.overwrite = overwrite
        configuration.resume = resume
        configuration.retries = retries
        configuration.retryDelaySeconds = retryDelay
        configuration.retryTimeouts = retryTimeouts
        configuration.rate = rate
        configuration.minFree = minFree
        configuration.dataRoot = dataRoot
        configuration.maxFailures = maxFailures
        configuration.retryFailed = retryFailed
        configuration.progress = progress
        configuration.progressIntervalSeconds = progressInterval
        configuration.engine = engine
        configuration.spawn = spawn
        // The one shard of 1 is the whole list: run, recorded and resumed as without --shard.
        if let shard, case let parsed = try Shard(parsing: shard), parsed.count > 1 { configuration.shard = parsed }
        configuration.reports = reports.targets
        if let registry {
            do { configuration.registry = try RegistryHost(parsing: registry) } catch {
                throw .invalidOption(flag: "--registry", reason: error.reason)
            }
        }
        return configuration
    }

    /// The registry client's options; refused with the docker client, which they do not steer.
    private func registryOptions(into configuration: inout RunConfiguration) throws(VerifyError) {
        if client == .docker {
            let given = [("--depth", depth != nil), ("--platform", platform != nil), ("--insecure", insecure), ("--ca-cert", caCert != nil),
                         ("--max-connections", maxConnections != RunConfiguration.standard.registryOptions.maxConnections)]
            if let flag = given.first(where: \.1)?.0 {
                throw .invalidOption(flag: flag, reason: "steers --client registry; the docker client pulls as the daemon is configured")
            }
            return
        }
        if let depth { try configuration.registryOptions.setDepth(depth) }
        if let platform { try configuration.registryOptions.setPlatform(platform) }
        configuration.registryOptions.insecure = insecure
        if let caCert { try configuration.registryOptions.setCACertificate(caCert) }
        configuration.registryOptions.maxConnections = maxConnections
    }

    func run() throws {
        do {
            let outcome = try Verification.run(try configuration())
            Console.line(outcome.summary.report())
            throw ExitCode(outcome.exitStatus.rawValue)
        } catch let error as VerifyError {
            Console.line("verify: error: \(error)")
            throw ExitCode(ExitStatus.environmentError.rawValue)
        }
    }
}

extension EngineKind: ExpressibleByArgument {}

extension ByteSize: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

extension FailureLimit: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}
extension SpawnKind: ExpressibleByArgument {}
extension ProgressMode: ExpressibleByArgument {}
extension ClientKind: ExpressibleByArgument {}
