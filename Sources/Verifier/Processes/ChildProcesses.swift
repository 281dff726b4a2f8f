#if canImport(Glibc)
import Glibc
#endif

/// This process's children, read from /proc, and the ending of orphans among them.
enum ChildProcesses {
    /// The PIDs of this process's children, from every thread's `children` list (an orphan is
    /// reparented to any live thread of its subreaper).
    static func current() -> [Int32] {
        guard let tasks = opendir("/proc/self/task") else { return [] }
        defer { closedir(tasks) }
        var pids: [Int32] = []
        while let entry = readdir(tasks) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard Int32(name) != nil, let text = read("/proc/self/task/\(name)/children") else { continue }
            pids += text.split(separator: " ").compactMap { Int32($0) }
        }
        return pids
    }

    /// Whether `pid` is running: not gone, and not a zombie waiting for its reaper.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
        return state != "Z" && state != "X" && state != nil
    }

    /// Runs `ledger`'s sweep over the children now: kills the orphans it names, with their
    /// process groups, and reaps those that have exited.
    /// Returns what the sweep found: nothing once no orphan is left.
    @discardableResult
    static func sweep(_ ledger: inout OrphanLedger, inFlight: Set<Int>) -> OrphanLedger.Sweep {
        let sweep = ledger.sweep(children: current(), inFlight: inFlight, isRunning: isRunning)
        for pid in sweep.kill {
            Posix.signalGroup(pid, SIGKILL)
            Posix.signalProcess(pid, SIGKILL)
        }
        for pid in sweep.reap { _ = Posix.reap(pid) }
        return sweep
    }

    /// Kills every orphan now, whatever was in flight, and reaps them: for a process that exits.
    /// Waits at most half a second for the killed ones to die.
    static func endAll(_ ledger: inout OrphanLedger) {
        for _ in 0..<50 {
            if sweep(&ledger, inFlight: []) == OrphanLedger.Sweep() { return }
            usleep(10_000)
        }
    }

    private static func read(_ path: String) -> String? {
        guard let fd = try? Posix.open(path, flags: O_RDONLY) else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var text: [UInt8] = []
        while let count = try? Posix.read(fd, into: &buffer, describing: path), count > 0 {
            text += buffer[..<count]
        }
        return String(decoding: text, as: UTF8.self)
    }
}
