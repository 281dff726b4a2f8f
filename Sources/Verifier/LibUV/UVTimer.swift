import CLibUV

/// A one-shot or repeating libuv timer.
final class UVTimer: UVHandle {
    private var action: (() -> Void)?

    init(loop: UVLoop) {
        super.init(type: UV_TIMER)
        uv_timer_init(loop.raw, typed(uv_timer_t.self))
        retainUntilClosed()
    }

    /// Calls `action` after `milliseconds`, and then every `repeatMilliseconds` if that is not 0.
    func schedule(after milliseconds: UInt64, repeating repeatMilliseconds: UInt64 = 0, _ action: @escaping () -> Void) {
        self.action = action
        uv_timer_start(typed(uv_timer_t.self), { timer in
            UVHandle.owner(of: timer, as: UVTimer.self).action?()
        }, milliseconds, repeatMilliseconds)
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
