/// How fast images may start, across all workers: a token bucket in the supervisor, so that P
/// workers never add up to P × the rate.
///
/// The rate adapts to the registry (AIMD): a `rate-limited` answer halves it, at most once a
/// second (the answers of pulls started before the cut say nothing new); successes raise it again
/// by an amount per second, quickly (a tenth of the rate at the last cut each second) while it is
/// below nine tenths of that rate, slowly (a fiftieth) above, and never above `--rate`. Without
/// `--rate` nothing is limited until the first `rate-limited` answer, which engages the limiter at
/// half the start rate seen over the ten seconds before it (or since the first start, if later).
struct StartRateLimiter: Sendable {
    /// A change of the rate, for the progress output and the summary.
    struct Change: Sendable, Equatable {
        /// When (monotonic seconds).
        let at: Double
        /// The new rate, in starts per second.
        let rate: Double
    }

    /// `--rate`: the most starts per second; `nil` for no limit until a registry asks.
    let ceiling: Double?
    /// The rate now; `nil` while nothing is limited.
    private(set) var rate: Double?
    /// Every cut of the rate, oldest first.
    private(set) var cuts: [Change] = []

    /// The slowest it goes: one start every 20 s.
    static let minimumRate = 0.05
    private var tokens = 1.0
    private var updatedAt: Double?
    private var peak: Double?
    private var raisedAt: Double?
    /// Start times while nothing is limited, oldest first; those before `firstRecent` are older
    /// than ten seconds (dropped in batches, so that a start costs O(1)).
    private var recentStarts: [Double] = []
    private var firstRecent = 0

    init(ceiling: Double?) {
        self.ceiling = ceiling
        rate = ceiling
    }

    /// Takes a token to start an image at `now`; `false` when there is none yet.
    mutating func take(now: Double) -> Bool {
        guard let rate else {
            recentStarts.append(now)
            while recentStarts[firstRecent] < now - 10 { firstRecent += 1 }
            if firstRecent > 4096 && firstRecent > recentStarts.count / 2 {
                recentStarts.removeFirst(firstRecent)
                firstRecent = 0
            }
            return true
        }
        refill(now: now, rate: rate)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// When the next token comes, if the bucket is empty at `now`.
    func nextToken(now: Double) -> Double? {
        guard let rate else { return nil }
        let elapsed = updatedAt.map { max(0, now - $0) } ?? 0
        let available = min(1, tokens + elapsed * rate)
        return available >= 1 ? now : now + (1 - available) / rate
    }

    /// A registry answered `rate-limited` at `now`: halve the rate.
    mutating func rateLimited(now: Double) {
        if let last = cuts.last, now - last.at < 1 { return }
        let current = rate ?? observedRate(now: now)
        if let rate { refill(now: now, rate: rate) } else { updatedAt = now; tokens = 0 }
        peak = current
        let halved = min(max(current / 2, Self.minimumRate), ceiling ?? .infinity)
        rate = halved
        cuts.append(Change(at: now, rate: halved))
        raisedAt = now
    }

    /// An image that started did not meet a `rate-limited` answer: raise the rate by the time
    /// since the last change.
    mutating func startSucceeded(now: Double) {
        guard let current = rate, let peak, let raisedAt else { return }
        refill(now: now, rate: current)
        let step = current < 0.9 * peak ? peak / 10 : peak / 50
        rate = min(current + step * max(0, now - raisedAt), ceiling ?? .infinity)
        self.raisedAt = now
    }

    /// Starts per second over the last ten seconds (or since the first start, if later; at
    /// least one second).
    private func observedRate(now: Double) -> Double {
        let recent = recentStarts[firstRecent...].filter { $0 >= now - 10 }
        let span = max(1, now - (recent.first ?? now))
        return max(Double(recent.count) / span, Self.minimumRate)
    }

    private mutating func refill(now: Double, rate: Double) {
        if let updatedAt { tokens = min(1, tokens + max(0, now - updatedAt) * rate) }
        updatedAt = now
    }
}
