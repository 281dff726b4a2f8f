/// What the progress display shows at one moment; ``ProgressRenderer`` makes text of it.
struct ProgressState: Equatable, Sendable {

    /// Images with a result, of `total`.
    var done: Int
    var total: Int
    /// Of those done, by status.
    var good: Int
    var errors: Int
    var timeouts: Int
    /// Images finished per minute over the last minute.
    var perMinute: Double
    /// Seconds until every image is done at that rate; `nil` while none finished in the last minute.
    var secondsLeft: Double?
    /// Images started per second, when starts are throttled; `nil` when they are not.
    var startsPerSecond: Double? = nil
    /// What handing out images waits for ("disk"), when it is paused; `nil` when it is not.
    var pausedFor: String? = nil
    /// The registry's pull quota, when the registry says (Docker Hub's `RateLimit-*` headers).
    var quota: RateLimit? = nil

    /// Whole percent done: 100 only once every image is.
    var percent: Int { total > 0 ? done * 100 / total : 100 }
}
