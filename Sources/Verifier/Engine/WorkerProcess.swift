#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The hidden worker mode of the `verify` executable: the supervisor starts the same binary again
/// with ``flag`` and a JSON ``WorkerConfiguration``, and a channel on ``channelDescriptor``.
public enum WorkerProcess {
    /// The first argument that selects worker mode.
    public static let flag = "--internal-worker"
    /// The descriptor on which a worker finds its channel to the supervisor.
    static let channelDescriptor: Int32 = 3

    /// Runs a worker from its command-line arguments (those after ``flag``); returns the exit status.
    public static func main(arguments: [String]) -> Int32 {
        ProcessSetup.prepare()
        guard let json = arguments.first,
              let configuration = try? JSONDecoder().decode(WorkerConfiguration.self, from: Data(json.utf8)) else {
            Console.line("verify: \(flag) is for verify's own use; run verify IMAGE_LIST")
            return ExitStatus.environmentError.rawValue
        }
        addBenchmarkBallast()
        do {
            try attach(to: configuration)
            switch configuration.engine {
            case .uv: return try UVWorker(configuration: configuration).run()
            case .dispatch: try DispatchWorker(configuration: configuration).run()
            }
        } catch {
            Console.line("verify: worker \(configuration.index): \(error)")
            return ExitStatus.environmentError.rawValue
        }
    }

    /// Benchmarks only (benchmarks/run.sh, scenario ballast): `VERIFY_WORKER_BALLAST_MB` makes the
    /// worker hold that much touched memory, to measure how spawning slows as a worker grows.
    private static func addBenchmarkBallast() {
        guard let text = ProcessInfo.processInfo.environment["VERIFY_WORKER_BALLAST_MB"],
              let megabytes = Int(text), megabytes > 0 else { return }
        let memory = UnsafeMutableRawPointer.allocate(byteCount: megabytes << 20, alignment: 4096)
        memset(memory, 1, megabytes << 20)
        ballast = memory
    }

    /// Keeps the benchmark ballast reachable, so that it is neither freed nor optimised away.
    nonisolated(unsafe) private static var ballast: UnsafeMutableRawPointer?

    /// Makes sure this worker dies with its supervisor, reaps what its clients orphan, and has its channel.
    private static func attach(to configuration: WorkerConfiguration) throws(VerifyError) {
        do { try Posix.setParentDeathSignal(SIGTERM) } catch {
            throw .workersFailing("worker \(configuration.index): \(error)")
        }
        do { try Posix.becomeChildSubreaper() } catch {
            throw .workersFailing("worker \(configuration.index): \(error)")
        }
        guard getppid() == configuration.supervisorPID else {
            throw .workersFailing("worker \(configuration.index) started after its supervisor ended")
        }
        // ProcessSetup has made it close-on-exec, like every inherited descriptor.
        guard (try? Posix.getFlags(channelDescriptor, F_GETFD)) != nil else {
            throw .workersFailing("worker \(configuration.index) has no channel on descriptor \(channelDescriptor); it is started by verify itself")
        }
    }
}
