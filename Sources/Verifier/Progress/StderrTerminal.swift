#if canImport(Glibc)
import Glibc
#endif

/// What stderr is, as far as drawing on it goes: a terminal or not, and what `TERM` says.
struct StderrTerminal: Sendable {
    /// Whether stderr is a terminal.
    let isTerminal: Bool
    /// `TERM`; `nil` when it is unset or empty.
    let term: String?

    /// A description of stderr; `term` is `TERM`, and empty counts as unset.
    init(isTerminal: Bool, term: String?) {
        self.isTerminal = isTerminal
        self.term = term?.isEmpty == false ? term : nil
    }

    /// This process's stderr and `TERM`, read once.
    static let current = StderrTerminal(isTerminal: Posix.isTerminal(STDERR_FILENO),
                                        term: getenv("TERM").map { String(cString: $0) })

    /// Whether what reads stderr understands carriage return and erase-line (`\r\u{1B}[K`), as far
    /// as `TERM` tells: any `TERM` but `dumb` (what Emacs shells and some CI logs set).
    var understandsErase: Bool { term != "dumb" }

    /// Whether stderr is a terminal that surely redraws: `TERM` is set, and not `dumb`. Only then is
    /// a bar drawn unasked, or a line started by erasing what a bar left; in a pipe or a file the
    /// escapes would be kept as they are.
    var redraws: Bool { isTerminal && term != nil && understandsErase }
}
