/// How progress is shown on stderr while a run goes (`--progress`).
public enum ProgressMode: String, CaseIterable, Sendable {
    /// A bar where stderr is a terminal that can redraw a line, plain lines anywhere else.
    case auto
    /// A bar even where stderr is no terminal (a pipe to `tee`), unless `TERM` is `dumb`.
    case bar
    /// A log line every progress interval.
    case plain
    /// Nothing until the summary.
    case none

    /// What this mode comes to on `terminal`, with plain lines every `intervalSeconds`.
    ///
    /// An interval under a millisecond (0) means no progress at all, whatever the mode: that is how
    /// progress was turned off before `--progress` existed, and scripts still do it.
    func style(on terminal: StderrTerminal, intervalSeconds: Double) -> ProgressStyle {
        let interval = milliseconds(intervalSeconds)
        guard interval > 0 else { return .none }
        let plain = ProgressStyle.plain(everyMilliseconds: interval)
        switch self {
        case .none: return .none
        case .plain: return plain
        case .bar: return terminal.understandsErase ? .bar : plain
        case .auto: return terminal.redraws ? .bar : plain
        }
    }
}
