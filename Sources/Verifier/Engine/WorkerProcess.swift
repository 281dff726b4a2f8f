import Foundation

/// The hidden worker mode of the `verify` executable: the supervisor starts the same binary again
/// with ``flag`` and a JSON ``WorkerConfiguration``.
public enum WorkerProcess {
    /// The first argument that selects worker mode.
    public static let flag = "--internal-worker"

    /// Runs a worker from its command-line arguments (those after ``flag``); returns the exit status.
    public static func main(arguments: [String]) -> Int32 {
        ProcessSetup.prepare()
        guard let json = arguments.first,
              let configuration = try? JSONDecoder().decode(WorkerConfiguration.self, from: Data(json.utf8)) else {
            Console.line("verify: \(flag) is for verify's own use; run verify IMAGE_LIST")
            return ExitStatus.environmentError.rawValue
        }
        do {
            return try UVWorker(configuration: configuration).run()
        } catch {
            Console.line("verify: worker \(configuration.index): \(error)")
            return ExitStatus.environmentError.rawValue
        }
    }
}
