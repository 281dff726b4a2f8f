import CLibUV

/// Delivers a Unix signal to the loop's thread, as an ordinary callback.
final class UVSignal: UVHandle {
    private var action: (() -> Void)?

    /// Watches `signal` until closed. The watcher does not keep the loop alive.
    init(loop: UVLoop, signal: Int32, _ action: @escaping () -> Void) {
        self.action = action
        super.init(type: UV_SIGNAL)
        uv_signal_init(loop.raw, typed(uv_signal_t.self))
        retainUntilClosed()
        uv_signal_start(typed(uv_signal_t.self), { handle, _ in
            UVHandle.owner(of: handle, as: UVSignal.self).action?()
        }, signal)
        unref()
    }

    override func dropCallbacks() {
        action = nil
    }
}
