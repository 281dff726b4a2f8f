/// A problem that stops `verify` before or while it runs: bad usage, unreadable input, or an
/// environment it cannot work in. Each has a one-line message that says what to do, and all of
/// them exit with status 2.
public enum VerifyError: Error, Sendable, CustomStringConvertible {
    /// An option has a value that cannot work.
    case invalidOption(flag: String, reason: String)
    /// The image list cannot be read.
    case listUnreadable(path: String, reason: String)
    /// The image list changed while the run was reading it (it is read as the run goes).
    case listChanged(path: String)
    /// The container client is not there.
    case clientNotFound(String)
    /// The output directory or a result file cannot be created or written.
    case outputNotWritable(SystemError)
    /// A result file's name holds something else (a link, a FIFO, a directory), which verify never
    /// writes through.
    case outputNotARegularFile(path: String, kind: String)
    /// A result file could not be written because its disk (or the file size limit) is full.
    /// The record being written was taken back whole.
    case outputFull(SystemError)
    /// Another `verify` is writing results into the same directory.
    case outputInUse(path: String)
    /// `--resume` into a directory whose results were made with other parameters.
    case resumeMismatch(path: String, difference: String)
    /// The output directory already holds results and `--overwrite` was not given.
    case outputHoldsResults(path: String)
    /// `verify merge`: a directory to merge cannot be used, for this reason.
    case mergeInput(path: String, problem: String)
    /// `verify merge`: a directory's results were made with other parameters than the first's.
    case mergeMismatch(path: String, first: String, difference: String)
    /// `verify merge`: the directory to merge into already holds results and `--overwrite` was not given.
    case mergeOutputHoldsResults(path: String)
    /// The container daemon does not answer.
    case daemonUnavailable(String)
    /// A registry credentials file (docker's config.json, podman's auth.json) cannot be used.
    case credentials(String)
    /// Not enough file descriptors for the requested concurrency.
    case fileDescriptorLimit(needed: UInt64, hardLimit: UInt64)
    /// A program could not be started.
    case cannotStart(program: String, reason: String)
    /// Worker processes cannot be started or keep dying.
    case workersFailing(String)
    /// The event loop could not do something it must.
    case eventLoop(String)
    /// `verify report`: the results to report on cannot be read.
    case resultsUnreadable(path: String, reason: String)

    /// What a failed write of results means: ``outputFull(_:)`` when the disk, a quota or the file
    /// size limit is full, ``outputNotWritable(_:)`` otherwise.
    static func writing(_ error: SystemError) -> VerifyError {
        error.isOutOfSpace ? .outputFull(error) : .outputNotWritable(error)
    }

    /// The one-line message printed after `verify: error: `.
    public var description: String {
        switch self {
        case .invalidOption(let flag, let reason):
            return "\(flag): \(reason)"
        case .listUnreadable(let path, let reason):
            return "cannot read the image list \(EscapedText.make(path)): \(reason)"
        case .listChanged(let path):
            return "the image list \(EscapedText.make(path)) changed during the run, and verify reads it as the run goes; the results so far are kept: continue with --resume"
        case .clientNotFound(let name):
            return "container client \"\(EscapedText.make(name))\" not found; install docker or pass --docker PATH"
        case .outputNotWritable(let error):
            return "cannot write results: \(error)"
        case .outputNotARegularFile(let path, let kind):
            return "cannot write results: \(path) is \(kind), not a regular file; remove it or choose another --output-dir"
        case .outputFull(let error):
            return "disk full: \(error); no record is left half-written, and the run stopped. Free space, then continue with --resume"
        case .outputHoldsResults(let path):
            return "\(path) already holds results; pass --resume to continue them, --overwrite to replace them, or choose another --output-dir"
        case .outputInUse(let path):
            return "another verify is writing results into \(EscapedText.make(path)); wait for it to finish, or choose another --output-dir"
        case .mergeInput(let path, let problem):
            return "cannot merge \(EscapedText.make(path)): \(problem)"
        case .mergeMismatch(let path, let first, let difference):
            return "cannot merge: \(path) says its results were made differently from \(first) (\(difference)); merge only the results of one question, the shards of one run"
        case .mergeOutputHoldsResults(let path):
            return "\(path) already holds results; pass --overwrite to replace them, or merge into another directory"
        case .resumeMismatch(let path, let difference):
            return "cannot resume: \(path) says these results were made differently (\(difference)); run with the same options, or pass --overwrite"
        case .credentials(let problem):
            return problem
        case .daemonUnavailable(let message):
            return "the Docker daemon is not reachable, so no image can be verified: \(message)"
        case .fileDescriptorLimit(let needed, let hardLimit):
            return "this concurrency needs about \(needed) open files, but the hard limit (ulimit -Hn) is \(hardLimit); lower --concurrency or raise the limit"
        case .cannotStart(let program, let reason):
            return "cannot start \(program): \(reason)"
        case .workersFailing(let reason):
            return "worker processes are failing: \(reason)"
        case .eventLoop(let reason):
            return "event loop failure: \(reason)"
        case .resultsUnreadable(let path, let reason):
            return "cannot read the results \(EscapedText.make(path)) (\(reason)); name the --output-dir of a verify check run"
        }
    }
}
