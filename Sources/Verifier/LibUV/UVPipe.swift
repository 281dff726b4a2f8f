#if canImport(Glibc)
import Glibc
#endif
import CLibUV

/// A libuv pipe: one end of a child's stdio, or an inherited descriptor such as a worker's channel.
final class UVPipe: UVHandle {
    private var onBytes: ((UnsafeRawBufferPointer) -> Void)?
    private var onEnd: (() -> Void)?

    init(loop: UVLoop) {
        super.init(type: UV_NAMED_PIPE)
        uv_pipe_init(loop.raw, typed(uv_pipe_t.self), 0)
        retainUntilClosed()
    }

    var stream: UnsafeMutablePointer<uv_stream_t> { typed(uv_stream_t.self) }

    /// Takes over an open descriptor (which libuv makes non-blocking). The pipe owns it from now
    /// on, whether this succeeds or not: when libuv refuses it, it is closed here, so that no
    /// caller can leak it.
    func open(descriptor: Int32) throws(VerifyError) {
        let status = uv_pipe_open(typed(uv_pipe_t.self), descriptor)
        guard status == 0 else {
            Glibc.close(descriptor)
            throw .eventLoop(UVStatus.message(status, "uv_pipe_open(\(descriptor))"))
        }
    }

    /// Delivers what arrives to `onBytes` (the buffer is valid only during the call), then calls
    /// `onEnd` once, at end of file or on a read error.
    func startReading(onBytes: @escaping (UnsafeRawBufferPointer) -> Void, onEnd: @escaping () -> Void) {
        self.onBytes = onBytes
        self.onEnd = onEnd
        let status = uv_read_start(stream, { handle, _, buffer in
            let shared = handle!.pointee.loop.pointee.data!
            buffer!.pointee = uv_buf_init(shared.assumingMemoryBound(to: CChar.self), UInt32(UVLoop.readBufferSize))
        }, { stream, count, buffer in
            let pipe = UVHandle.owner(of: stream, as: UVPipe.self)
            if count > 0 {
                pipe.onBytes?(UnsafeRawBufferPointer(start: buffer!.pointee.base, count: count))
            } else if count < 0 {
                uv_read_stop(stream)
                pipe.ended()
            }
        })
        if status != 0 { ended() }
    }

    /// Queues `bytes` for writing, in order. A write to a peer that is gone is dropped; the
    /// reading side learns of the loss through its end of file.
    func write(_ bytes: [UInt8]) {
        guard !isClosing, !bytes.isEmpty else { return }
        let request = UnsafeMutablePointer<uv_write_t>.allocate(capacity: 1)
        let storage = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 1)
        bytes.withUnsafeBytes { storage.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        request.pointee.data = storage
        var buffer = uv_buf_init(storage.assumingMemoryBound(to: CChar.self), UInt32(bytes.count))
        let status = uv_write(request, stream, &buffer, 1) { request, _ in
            request!.pointee.data.deallocate()
            request!.deallocate()
        }
        if status != 0 {
            storage.deallocate()
            request.deallocate()
        }
    }

    private func ended() {
        let onEnd = self.onEnd
        self.onEnd = nil
        onBytes = nil
        onEnd?()
    }

    override func dropCallbacks() {
        onBytes = nil
        onEnd = nil
    }
}
