#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Lines for the person watching: progress, warnings and the summary, all on stderr, and the one
/// place that knows about the progress bar. A line printed while the bar is shown erases the bar,
/// and the bar is drawn again below it, all in one write.
public enum Console {
    /// Carriage return and erase-line: the cursor's line is empty again.
    static let eraseLine = "\r\u{1B}[K"

    /// The bar shown on the cursor's line; `nil` when none is.
    private static let bar = Mutex<String?>(nil)

    /// What starts a line when no bar of this process is shown: on a terminal that redraws, an
    /// erase-line, which clears a bar the supervisor drew when a worker prints (the supervisor
    /// draws it again at its next redraw); nothing anywhere else.
    private static let lineStart = StderrTerminal.current.redraws ? eraseLine : ""

    /// Prints `text` and a newline. A stderr that cannot be written (closed, full) loses the text,
    /// never the run.
    public static func line(_ text: String) {
        bar.withLock { bar in write((bar == nil ? lineStart : eraseLine) + text + "\n" + (bar ?? "")) }
    }

    /// Draws `text` in place of the bar shown now, with no newline; nothing when it is that bar
    /// already (a log that records the bar does not grow while nothing changes).
    static func show(bar text: String) {
        bar.withLock { bar in
            guard bar != text else { return }
            bar = text
            write(eraseLine + text)
        }
    }

    /// Erases the bar, if one is shown.
    static func clearBar() {
        bar.withLock { bar in
            if bar != nil { write(eraseLine) }
            bar = nil
        }
    }

    private static func write(_ text: String) {
        try? Posix.writeAll(STDERR_FILENO, Array(text.utf8), describing: "stderr")
    }
}
