#if canImport(Glibc)
import Glibc
#endif

/// Shows progress on stderr while a run goes, in one ``ProgressStyle``: a bar redrawn four times a
/// second and when the terminal is resized (SIGWINCH), or a plain line every interval. It samples
/// the summary on a timer of its own, so nothing is done per image; its timers and signal watcher
/// do not keep the loop alive.
final class ProgressDisplay {
    /// How often the count is sampled for the rate, and the bar redrawn.
    static let sampleMilliseconds: UInt64 = 250

    private let style: ProgressStyle
    private let summary: () -> RunSummary
    private var rate: SlidingWindowRate
    /// Images done at the last sample.
    private var sampled: Int
    /// The terminal's width in columns, for the bar.
    private var width = 80
    private var handles: [UVHandle] = []

    /// Starts showing progress in `style` on `loop`; `summary` is read at every sample. The images
    /// already done (invalid lines) do not count towards the rate.
    init(loop: UVLoop, style: ProgressStyle, summary: @escaping () -> RunSummary) {
        self.style = style
        self.summary = summary
        rate = SlidingWindowRate(start: MonotonicClock.seconds())
        sampled = summary().recorded
        switch style {
        case .none:
            return
        case .bar:
            measureWidth()
            handles.append(UVSignal(loop: loop, signal: SIGWINCH) { [self] in
                measureWidth()
                Console.show(bar: ProgressRenderer.bar(sample(), width: width))
            })
            Console.show(bar: ProgressRenderer.bar(sample(), width: width))
        case .plain(let every):
            let printer = UVTimer(loop: loop)
            printer.schedule(after: every, repeating: every) { [self] in Console.line(ProgressRenderer.line(sample())) }
            handles.append(printer)
        }
        let sampler = UVTimer(loop: loop)
        sampler.schedule(after: Self.sampleMilliseconds, repeating: Self.sampleMilliseconds) { [self] in
            let state = sample()
            if style == .bar { Console.show(bar: ProgressRenderer.bar(state, width: width)) }
        }
        handles.append(sampler)
        handles.forEach { $0.unref() }
    }

    /// Stops the timers and the signal watcher, and erases the bar, so that the next line (the
    /// summary) starts on a clean line.
    func stop() {
        handles.forEach { $0.close() }
        handles = []
        Console.clearBar()
    }

    /// Counts the images done since the last sample into the rate; the state to show now.
    private func sample() -> ProgressState {
        let now = MonotonicClock.seconds()
        let summary = summary()
        rate.add(summary.recorded - sampled, at: now)
        sampled = summary.recorded
        return ProgressState(done: summary.recorded, total: summary.total, good: summary.statusCounts[.good, default: 0],
                             errors: summary.statusCounts[.error, default: 0], timeouts: summary.statusCounts[.timeout, default: 0],
                             perMinute: rate.perMinute(at: now), secondsLeft: rate.secondsLeft(summary.total - summary.recorded, at: now),
                             startsPerSecond: summary.startRate, pausedFor: summary.pausedForDisk ? "disk" : nil, quota: summary.quota)
    }

    /// Reads the terminal's width; 80 columns where stderr is no terminal, or it does not say.
    private func measureWidth() {
        let columns = (try? Posix.terminalColumns(STDERR_FILENO)) ?? 0
        width = columns > 0 ? columns : 80
    }
}
