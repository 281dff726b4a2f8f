/// Images finished per minute over the last minute (not since the start), and the time left at
/// that rate. Counts go into one bucket per second, sixty of them, so the memory is the same
/// however fast images finish.
struct SlidingWindowRate: Sendable {
    /// The window, in seconds.
    static let window = 60
    /// Monotonic seconds when counting began.
    private let start: Double
    /// Images finished in each bucket's second.
    private var counts = [Int](repeating: 0, count: window)
    /// The second since `start` each bucket counts; -1 for none yet.
    private var seconds = [Int](repeating: -1, count: window)

    /// A rate that starts counting at `start` (monotonic seconds).
    init(start: Double) {
        self.start = start
    }

    /// Counts `count` images finished at `time`.
    mutating func add(_ count: Int, at time: Double) {
        let second = self.second(at: time)
        let slot = second % Self.window
        if seconds[slot] != second {
            seconds[slot] = second
            counts[slot] = 0
        }
        counts[slot] += count
    }

    /// Images per minute over the `window` seconds before `time`, or since the start when that is
    /// shorter (but at least one second, so that the first image does not make a wild figure).
    func perMinute(at time: Double) -> Double {
        let current = second(at: time)
        let oldest = max(0, current - Self.window + 1)
        let finished = zip(seconds, counts).reduce(0) { sum, bucket in
            (oldest...current).contains(bucket.0) ? sum + bucket.1 : sum
        }
        let span = max(time - start - Double(oldest), 1)
        return Double(finished) / span * 60
    }

    /// Seconds until `remaining` more images are done at ``perMinute(at:)``; `nil` when that is 0.
    func secondsLeft(_ remaining: Int, at time: Double) -> Double? {
        guard remaining > 0 else { return 0 }
        let rate = perMinute(at: time)
        return rate > 0 ? Double(remaining) / rate * 60 : nil
    }

    /// Whole seconds from `start` to `time`; a time before the start counts as the start.
    private func second(at time: Double) -> Int {
        Int(min(max(time - start, 0), Double(Int32.max)))
    }
}
