/// `--min-free`: starts pause while the filesystem that holds what the client pulls (docker's data
/// root) has less space free, and resume when it recovers. What is in flight goes on, with its
/// timeout; only new starts wait.
struct DiskGuard: Sendable {
    /// A change of state.
    enum Change: Equatable {
        case paused
        case resumed
    }

    /// The least free space at which starts go on.
    let minimum: ByteSize
    /// Whether starts are paused now.
    private(set) var isPaused = false

    init(minimum: ByteSize) {
        self.minimum = minimum
    }

    /// Takes in the free space now; says when starts must pause or may resume.
    mutating func observe(free: UInt64) -> Change? {
        if !isPaused && free < minimum.bytes {
            isPaused = true
            return .paused
        }
        if isPaused && free >= minimum.bytes {
            isPaused = false
            return .resumed
        }
        return nil
    }
}
