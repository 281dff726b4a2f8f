/// How a run ended, and so which exit status `verify` returns.
public enum RunOutcome: Sendable {
    /// Every image got a result.
    case completed(RunSummary)
    /// SIGINT or SIGTERM stopped the run.
    case interrupted(RunSummary)
    /// The environment failed part-way (results written before stay written).
    case failed(VerifyError, RunSummary)
    /// The circuit breaker (`--max-failures`) stopped the run, for this reason.
    case tripped(String, RunSummary)

    /// The tally, whichever way the run ended.
    public var summary: RunSummary {
        switch self {
        case .completed(let summary), .interrupted(let summary), .failed(_, let summary), .tripped(_, let summary): summary
        }
    }

    /// 0 when every image is good, 1 when any is an error or a timeout, 2 for an environment
    /// failure, 3 when the circuit breaker tripped, 130 when interrupted.
    public var exitStatus: ExitStatus {
        switch self {
        case .completed(let summary):
            summary.recorded == summary.statusCounts[.good, default: 0] ? .allGood : .someFailed
        case .interrupted: .interrupted
        case .failed: .environmentError
        case .tripped: .tripped
        }
    }
}

/// `verify`'s exit statuses.
public enum ExitStatus: Int32, Sendable {
    /// Every image is good.
    case allGood = 0
    /// At least one image is an error or a timeout.
    case someFailed = 1
    /// Usage, input or environment error: nothing or not everything could be verified.
    case environmentError = 2
    /// The circuit breaker (`--max-failures`) stopped the run; `--resume` continues it.
    case tripped = 3
    /// Interrupted by SIGINT or SIGTERM.
    case interrupted = 130
}
