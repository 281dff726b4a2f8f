import Foundation

/// What an ``ImageRun`` reports to the worker that owns it.
struct WorkerEvents {
    /// A client started, leading process group `processGroup`; the image's previous one is done.
    var childStarted: (_ id: Int, _ processGroup: Int32) -> Void
    /// The image is done.
    var finished: (_ id: Int, _ verdict: Verdict, _ startedAt: Date, _ finishedAt: Date) -> Void
}
