/// How fast images may start, across all workers: a token bucket in the supervisor, so that P
/// workers never add up to P × the rate.
///
/// The rate adapts to the registry (AIMD): a `rate-limited` answer halves it, at most once a
/// second (the answers of pulls started before the cut say nothing new); successes raise it again
/// by an amount per second, quickly (a tenth of the rate at the last cut each second) while it is
/// below nine tenths of that rate, slowly (a fiftieth) above, and never above `--rate`. Without
/// `--rate` nothing is limited until the first `rate-limited` answer, which engages the limiter at
/// half the start rate seen over the ten seconds before it (or since the first start, if later).
///
/// A registry that states its pull quota (Docker Hub's `RateLimit-Remaining: 76;w=21600`) sets a
/// pace of its own, below the rate above, while what remains of the quota would not cover the
/// images still to verify: what remains, spread over the quota's window (at least one start a
/// window), so that the quota is not spent in a burst that ends in `rate-limited` answers. It is
/// set anew by every finished attempt whose answers stated the quota, and lifted when the quota
/// covers the rest.
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
    /// The pace the registry's pull quota sets, in starts per second; `nil` while the quota
    /// covers the images still to verify, or no registry states one.
    private(set) var quotaPace: Double?
    /// The rate starts are held to now: the lower of ``rate`` and ``quotaPace``; `nil` for none.
    var effectiveRate: Double? {
        switch (rate, quotaPace) {
        case let (rate?, pace?): min(rate, pace)
        case let (rate, pace): rate ?? pace
        }
    }

    /// The slowest it goes: one start every 20 s.
    static let minimumRate = 0.05
    /// The longest quota window paced to: a day (Docker Hub's is 6 hours). A registry that states
    /// a longer one is paced as if it were a day's, so that no start waits longer than that.
    static let longestQuotaWindow = 86_400
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
        if rate == nil, quotaPace == nil { return noteStart(now: now) }
        refill(now: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        if rate == nil { return noteStart(now: now) }
        return true
    }

    /// Notes a start while the rate is not limited, for ``observedRate(now:)``; `true`.
    private mutating func noteStart(now: Double) -> Bool {
        recentStarts.append(now)
        while recentStarts[firstRecent] < now - 10 { firstRecent += 1 }
        if firstRecent > 4096 && firstRecent > recentStarts.count / 2 {
            recentStarts.removeFirst(firstRecent)
            firstRecent = 0
        }
        return true
    }

    /// An answer at `now` stated the registry's pull `quota`, with `imagesLeft` images still to
    /// verify, `inFlight` of them started already (their pulls may not be in what the answer says
    /// remains): sets or lifts ``quotaPace``. When the images in flight may take what remains, the
    /// next start waits a whole window. A quota without what remains or without its window says
    /// nothing about a pace and changes nothing.
    mutating func quota(_ quota: RateLimit, imagesLeft: Int, inFlight: Int, now: Double) {
        guard let remaining = quota.remaining, let window = quota.windowSeconds, window > 0 else { return }
        refill(now: now)
        guard remaining < imagesLeft else { return quotaPace = nil }
        let available = remaining - inFlight
        quotaPace = Double(max(available, 1)) / Double(min(window, Self.longestQuotaWindow))
        if available < 1 { tokens = 0 }
    }

    /// A rate as a person reads it: `2.50/s`, or `one start every 216 s` below one a second.
    static func describe(_ rate: Double) -> String {
        if rate >= 1 { return String(format: "%.2f/s", rate) }
        return rate > 0 ? "one start every \(Int(min(1 / rate, 1e9).rounded())) s" : "no starts"
    }

    /// When the next token comes, if the bucket is empty at `now`.
    func nextToken(now: Double) -> Double? {
        guard let rate = effectiveRate else { return nil }
        let elapsed = updatedAt.map { max(0, now - $0) } ?? 0
        let available = min(1, tokens + elapsed * rate)
        return available >= 1 ? now : now + (1 - available) / rate
    }

    /// A registry answered `rate-limited` at `now`: halve the rate.
    mutating func rateLimited(now: Double) {
        if let last = cuts.last, now - last.at < 1 { return }
        let current = rate ?? observedRate(now: now)
        if effectiveRate != nil { refill(now: now) } else { updatedAt = now; tokens = 0 }
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
        refill(now: now)
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

    /// Adds the tokens earned since the last refill at the rate that held then.
    private mutating func refill(now: Double) {
        if let updatedAt, let rate = effectiveRate { tokens = min(1, tokens + max(0, now - updatedAt) * rate) }
        updatedAt = now
    }
}
