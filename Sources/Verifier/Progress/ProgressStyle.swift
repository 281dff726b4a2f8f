/// How progress is shown, once ``ProgressMode/auto`` is decided and the interval is known.
enum ProgressStyle: Equatable, Sendable {
    /// One line redrawn in place, fitted to the terminal's width.
    case bar
    /// A log line every `everyMilliseconds`.
    case plain(everyMilliseconds: UInt64)
    /// Nothing until the summary.
    case none
}
