/// Which children of a subreaper are orphans to end, with no I/O (the caller lists the children).
///
/// Workers and the supervisor are child subreapers (`PR_SET_CHILD_SUBREAPER`): a process that
/// escapes its client's process group (a grandchild that called `setsid`), or a client whose worker
/// died, is reparented to them instead of to init. Such an orphan may still belong to an image in
/// flight, so it is ended once every image that was in flight when it was first seen has finished:
/// it came from one of those, or from one that finished before. Its process group goes with it.
struct OrphanLedger {
    /// Clients this process started, by PID: `true` once the client has completed (it may still
    /// wait for its reaper).
    private var clients: [Int32: Bool] = [:]
    /// Live orphans, with the images that were in flight when each was first seen.
    private var waiting: [Int32: Set<Int>] = [:]

    /// What to do after a sweep.
    struct Sweep: Equatable {
        /// Live orphans to kill, with their process groups.
        var kill: [Int32] = []
        /// Orphans that have exited: reap them (nobody else will).
        var reap: [Int32] = []
    }

    /// A client process `pid` was started; it is no orphan.
    mutating func clientStarted(_ pid: Int32) {
        clients[pid] = false
    }

    /// Client `pid` has completed (exited, with its output read).
    mutating func clientCompleted(_ pid: Int32) {
        if clients[pid] != nil { clients[pid] = true }
    }

    /// Image `id` has finished: orphans can no longer belong to it.
    mutating func imageFinished(_ id: Int) {
        for pid in waiting.keys { waiting[pid]?.remove(id) }
    }

    /// Sorts this process's `children` (PIDs) into clients and orphans. `inFlight` are the images
    /// in flight now; `isRunning` tells a live process from one that has exited (a zombie).
    mutating func sweep(children: [Int32], inFlight: Set<Int>, isRunning: (Int32) -> Bool) -> Sweep {
        let present = Set(children)
        clients = clients.filter { present.contains($0.key) }
        waiting = waiting.filter { present.contains($0.key) }
        var result = Sweep()
        for pid in children.sorted() {
            switch clients[pid] {
            case false?:
                continue
            case true?:
                // A completed client has exited; a live process with its PID is a new one.
                guard isRunning(pid) else { continue }
                clients[pid] = nil
            case nil:
                break
            }
            guard isRunning(pid) else {
                result.reap.append(pid)
                continue
            }
            let images = waiting[pid] ?? inFlight
            waiting[pid] = images
            if images.isEmpty { result.kill.append(pid) }
        }
        return result
    }
}
