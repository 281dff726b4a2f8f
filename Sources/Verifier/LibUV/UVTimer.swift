import CLibUV

/// A one-shot or repeating libuv timer.
final class UVTimer: UVHandle {
    private var action: (() -> Void)?

    init(loop: UVLoop) {
        super.init(type: UV_TIMER)
        uv_timer_init(loop.raw, typed(uv_timer_t.self))
        retainUntilClosed()
    }

    /// Calls `action` after `milliseconds` from now, and then every `repeatMilliseconds` if that is
    /// not 0.
    ///
    /// libuv counts from the loop's cached time, taken when the loop last woke: after work in the
    /// same turn, a timer would fire early by the length of that work (an image's timeout among
    /// them). The cached time is brought up to now first, and a millisecond is added to a delay
    /// that is not 0, as the cached time is cut down to the millisecond: never early, at most 1 ms
    /// late.
    func schedule(after milliseconds: UInt64, repeating repeatMilliseconds: UInt64 = 0, _ action: @escaping () -> Void) {
        self.action = action
        uv_update_time(typed(uv_timer_t.self).pointee.loop)
        // That time is in whole milliseconds, cut down: up to one has already passed of the first.
        let due = milliseconds == 0 || milliseconds == .max ? milliseconds : milliseconds + 1
        uv_timer_start(typed(uv_timer_t.self), { timer in
            UVHandle.owner(of: timer, as: UVTimer.self).action?()
        }, due, repeatMilliseconds)
    }

    /// Stops the timer if it runs; it can be scheduled again.
    func stop() {
        guard !isClosing else { return }
        uv_timer_stop(typed(uv_timer_t.self))
    }

    override func dropCallbacks() {
        action = nil
    }
}
