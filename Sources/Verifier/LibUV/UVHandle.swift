import CLibUV

/// The memory and lifetime of one libuv handle, shared by the handle types here.
///
/// The handle's memory is allocated here, and its `data` field holds a retained reference to the
/// Swift object. Both are released in the close callback, so an object lives exactly as long as
/// libuv can still call it: until ``close()`` has completed.
class UVHandle {
    let handle: UnsafeMutablePointer<uv_handle_t>
    private(set) var isClosing = false

    init(type: uv_handle_type) {
        handle = UnsafeMutableRawPointer.allocate(byteCount: uv_handle_size(type), alignment: 16)
            .bindMemory(to: uv_handle_t.self, capacity: 1)
    }

    /// Called by a subclass right after libuv initialised the handle.
    func retainUntilClosed() {
        handle.pointee.data = Unmanaged.passRetained(self).toOpaque()
    }

    /// Closes the handle; its callbacks are dropped now and its memory is freed once libuv is done.
    func close() {
        guard !isClosing else { return }
        isClosing = true
        dropCallbacks()
        uv_close(handle) { handle in
            guard let handle else { return }
            if let owner = handle.pointee.data {
                Unmanaged<UVHandle>.fromOpaque(owner).release()
            }
            UnsafeMutableRawPointer(handle).deallocate()
        }
    }

    /// Lets the loop end while this handle is still open.
    func unref() {
        uv_unref(handle)
    }

    /// Subclasses drop their Swift closures here, which breaks any cycle through them.
    func dropCallbacks() {}

    /// The handle memory as libuv's type for it.
    func typed<T>(_: T.Type) -> UnsafeMutablePointer<T> {
        UnsafeMutableRawPointer(handle).assumingMemoryBound(to: T.self)
    }

    /// The Swift object behind a handle that libuv passed to a callback.
    static func owner<Object: UVHandle, Handle>(of handle: UnsafeMutablePointer<Handle>?, as _: Object.Type) -> Object {
        let raw = UnsafeMutableRawPointer(handle!).assumingMemoryBound(to: uv_handle_t.self)
        return Unmanaged<UVHandle>.fromOpaque(raw.pointee.data!).takeUnretainedValue() as! Object
    }
}
