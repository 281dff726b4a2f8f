#if canImport(Glibc)
import Glibc
#endif
import CLibUV

/// A child process started with `uv_spawn`, from an argument vector (never through a shell).
///
/// libuv reaps it; ``close()`` it only after its exit callback has run.
final class UVProcess: UVHandle {
    /// What one of the child's descriptors is connected to.
    enum Stdio {
        /// `/dev/null`.
        case ignore
        /// The same descriptor as the parent's `fd`.
        case inherit(Int32)
        /// A new socket pair whose other end is `pipe`; readable and writable from the child's view.
        case pipe(UVPipe, childReads: Bool, childWrites: Bool)
    }

    /// The child's process ID, which is also its process group ID when it was started `detached`.
    private(set) var pid: Int32 = 0
    private var onExit: ((Termination) -> Void)?

    /// Starts `executable` with `arguments` (`arguments[0]` is the program name it sees). With
    /// `detached`, the child leads a new session and so a process group of its own. The
    /// environment is inherited unchanged.
    init(loop: UVLoop, executable: String, arguments: [String], stdio: [Stdio], detached: Bool,
         onExit: @escaping (Termination) -> Void) throws(VerifyError) {
        self.onExit = onExit
        super.init(type: UV_PROCESS)
        retainUntilClosed()

        var argv = arguments.map { strdup($0) } + [nil]
        var containers = stdio.map(Self.container)
        defer { argv.forEach { free($0) } }
        var options = uv_process_options_t()
        options.exit_cb = { process, status, signal in
            let owner = UVHandle.owner(of: process, as: UVProcess.self)
            let onExit = owner.onExit
            owner.onExit = nil
            onExit?(Termination(status: status, signal: signal))
        }
        options.flags = detached ? UV_PROCESS_DETACHED.rawValue : 0
        options.stdio_count = Int32(containers.count)
        let status = executable.withCString { file in
            argv.withUnsafeMutableBufferPointer { argv in
                containers.withUnsafeMutableBufferPointer { containers in
                    options.file = file
                    options.args = argv.baseAddress
                    options.stdio = containers.baseAddress
                    return uv_spawn(loop.raw, typed(uv_process_t.self), &options)
                }
            }
        }
        guard status == 0 else {
            close()
            throw .cannotStart(program: executable, reason: String(cString: uv_strerror(status)))
        }
        pid = typed(uv_process_t.self).pointee.pid
    }

    private static func container(_ stdio: Stdio) -> uv_stdio_container_t {
        var container = uv_stdio_container_t()
        switch stdio {
        case .ignore:
            container.flags = UV_IGNORE
        case .inherit(let fd):
            container.flags = UV_INHERIT_FD
            container.data.fd = fd
        case .pipe(let pipe, let childReads, let childWrites):
            container.flags = uv_stdio_flags(UV_CREATE_PIPE.rawValue
                | (childReads ? UV_READABLE_PIPE.rawValue : 0)
                | (childWrites ? UV_WRITABLE_PIPE.rawValue : 0))
            container.data.stream = pipe.stream
        }
        return container
    }

    override func dropCallbacks() {
        onExit = nil
    }
}
