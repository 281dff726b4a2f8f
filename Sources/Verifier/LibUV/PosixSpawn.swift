#if canImport(Glibc)
import Glibc
#endif
import CLibUV

/// Starting a child with `posix_spawn`, for the libuv engine's `--spawn posix` path. The child's
/// stdout and stderr come back as two ``UVPipe``s; its exit comes from a ``ChildReaper``.
enum PosixSpawn {
    /// Starts `executable` with `arguments` (`arguments[0]` is the program name it sees) in a new
    /// session; returns its PID (also its process group) and the read ends of its stdout and stderr.
    static func start(loop: UVLoop, executable: String, arguments: [String]) throws(VerifyError) -> (pid: Int32, stdout: UVPipe, stderr: UVPipe) {
        var output: [Int32] = [-1, -1]
        var errors: [Int32] = [-1, -1]
        guard verify_pipe_cloexec(&output) == 0 else { throw .cannotStart(program: executable, reason: SystemError("pipe2").description) }
        guard verify_pipe_cloexec(&errors) == 0 else {
            output.forEach { close($0) }
            throw .cannotStart(program: executable, reason: SystemError("pipe2").description)
        }
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = argv.withUnsafeMutableBufferPointer { argv in
            verify_spawn(executable, argv.baseAddress, output[1], errors[1], &pid)
        }
        close(output[1])
        close(errors[1])
        guard status == 0 else {
            close(output[0])
            close(errors[0])
            throw .cannotStart(program: executable, reason: String(cString: strerror(status)))
        }
        let stdout = UVPipe(loop: loop)
        let stderr = UVPipe(loop: loop)
        do {
            try stdout.open(descriptor: output[0])
            try stderr.open(descriptor: errors[0])
        } catch {
            stdout.close()
            stderr.close()
            Posix.signalGroup(pid, SIGKILL)
            throw error
        }
        return (pid, stdout, stderr)
    }
}

/// The one reaper of a worker that starts its children with `posix_spawn`: one SIGCHLD watcher
/// that collects every exited child with `waitpid` and tells whoever registered it. Such a worker
/// never calls `uv_spawn`, so libuv reaps nothing there.
final class ChildReaper {
    private var waiting: [Int32: (UVProcess.Termination) -> Void] = [:]
    private var watcher: UVSignal?

    init(loop: UVLoop) {
        watcher = UVSignal(loop: loop, signal: SIGCHLD) { [unowned self] in reap() }
    }

    /// Calls `onExit` when child `pid` has exited. Call it right after the spawn: SIGCHLD is
    /// handled on a later turn of the loop, so the registration always comes first.
    func register(_ pid: Int32, onExit: @escaping (UVProcess.Termination) -> Void) {
        waiting[pid] = onExit
    }

    private func reap() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid <= 0 { return }
            let signal = status & 0x7f
            let termination = UVProcess.Termination(status: signal == 0 ? Int64((status >> 8) & 0xff) : 0, signal: signal)
            waiting.removeValue(forKey: pid)?(termination)
        }
    }
}
