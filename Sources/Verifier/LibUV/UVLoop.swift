import CLibUV

/// A libuv event loop. Everything attached to it runs on the one thread that calls ``run()``.
///
/// The loop also owns the one read buffer that all its streams share: libuv asks for a buffer and
/// hands the bytes read to the stream's callback before it asks again, so one buffer suffices.
final class UVLoop {
    let raw: UnsafeMutablePointer<uv_loop_t>
    static let readBufferSize = 64 * 1024

    init() throws(VerifyError) {
        raw = .allocate(capacity: 1)
        let status = uv_loop_init(raw)
        guard status == 0 else {
            raw.deallocate()
            throw .eventLoop(UVStatus.message(status, "uv_loop_init"))
        }
        raw.pointee.data = UnsafeMutableRawPointer.allocate(byteCount: Self.readBufferSize, alignment: 16)
    }

    deinit {
        let buffer = raw.pointee.data
        // Let pending close callbacks run; a loop that still has open handles is left to the OS.
        uv_run(raw, UV_RUN_NOWAIT)
        if uv_loop_close(raw) == 0 {
            buffer?.deallocate()
            raw.deallocate()
        }
    }

    /// Runs until no referenced handle is left.
    func run() {
        uv_run(raw, UV_RUN_DEFAULT)
    }
}

/// libuv's negative status codes, as text.
enum UVStatus {
    static func message(_ status: Int32, _ operation: String) -> String {
        "\(operation): \(String(cString: uv_strerror(status)))"
    }
}
