#if canImport(Glibc)
import Glibc
#endif

/// Seconds on CLOCK_MONOTONIC: unaffected by changes of the wall clock, and counting on while
/// this process is stopped (which is what lets a worker notice that it slept past a deadline).
enum MonotonicClock {
    static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
