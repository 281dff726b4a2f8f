#if canImport(Glibc)
import Glibc
#endif

/// Lines for the person watching: progress, warnings and the summary, all on stderr.
enum Console {
    static func line(_ text: String) {
        try? Posix.writeAll(STDERR_FILENO, Array((text + "\n").utf8), describing: "stderr")
    }
}
