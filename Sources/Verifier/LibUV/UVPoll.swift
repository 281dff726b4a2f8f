import CLibUV

/// Watches a socket that someone else reads and writes (libcurl): libuv only says when it is
/// readable or writable, or in error.
///
/// libuv allows one active poll per descriptor in a loop, and both stopping and closing a poll
/// remove the descriptor *number* from epoll. So a poll must be stopped or closed while its
/// descriptor is still open: once the number is closed and reused, stopping the old poll would
/// take the new descriptor's registration away, and starting it would abort in libuv. Closing
/// stops the poll at once (only the freeing of its memory waits for the loop), so a new poll on
/// the same number may start right after.
final class UVPoll: UVHandle {
    /// The descriptor watched.
    let descriptor: Int32
    /// What ``start(events:_:)`` asked for last (`UV_READABLE`, `UV_WRITABLE`); libuv's callback
    /// does not repeat it when it reports an error.
    private(set) var events: Int32 = 0
    private var onEvent: ((_ status: Int32, _ events: Int32) -> Void)?

    /// A poll on `descriptor`, not started yet.
    ///
    /// - Throws: when libuv refuses the descriptor (EEXIST: another active poll watches it).
    init(loop: UVLoop, descriptor: Int32) throws(VerifyError) {
        self.descriptor = descriptor
        super.init(type: UV_POLL)
        let status = uv_poll_init_socket(loop.raw, typed(uv_poll_t.self), descriptor)
        guard status == 0 else {
            UnsafeMutableRawPointer(handle).deallocate()
            throw .eventLoop(UVStatus.message(status, "uv_poll_init(\(descriptor))"))
        }
        retainUntilClosed()
    }

    /// Watches for `events` (a mask of `UV_READABLE` and `UV_WRITABLE`), replacing what was
    /// watched before, and calls `onEvent` with libuv's status (negative on a socket error, when
    /// `events` says nothing) and the events seen.
    func start(events: Int32, _ onEvent: @escaping (_ status: Int32, _ events: Int32) -> Void) {
        self.onEvent = onEvent
        self.events = events
        uv_poll_start(typed(uv_poll_t.self), events) { poll, status, events in
            UVHandle.owner(of: poll, as: UVPoll.self).onEvent?(status, events)
        }
    }

    override func dropCallbacks() {
        onEvent = nil
    }
}
