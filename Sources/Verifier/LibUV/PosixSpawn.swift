#if canImport(Glibc)
import Glibc
#endif
import CVerifyLinux

/// Starting a child with `posix_spawn`, for the libuv engine's `--spawn posix` path. The child's
/// stdout and stderr come back as two ``UVPipe``s; its exit comes from a ``ChildReaper``.
enum PosixSpawn {
    /// Starts `executable` with `arguments` (`arguments[0]` is the program name it sees) in a new
    /// session; returns its PID (also its process group) and the read ends of its stdout and stderr.
    static func start(loop: UVLoop, executable: String, arguments: [String]) throws(VerifyError) -> (pid: Int32, stdout: UVPipe, stderr: UVPipe) {
        let output: (read: Int32, write: Int32)
        let errors: (read: Int32, write: Int32)
        do { output = try Posix.pipe() } catch { throw .cannotStart(program: executable, reason: error.description) }
        do { errors = try Posix.pipe() } catch {
            close(output.read)
            close(output.write)
            throw .cannotStart(program: executable, reason: error.description)
        }
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = argv.withUnsafeMutableBufferPointer { argv in
            verify_spawn(executable, argv.baseAddress, output.write, errors.write, &pid)
        }
        close(output.write)
        close(errors.write)
        guard status == 0 else {
            close(output.read)
            close(errors.read)
            throw .cannotStart(program: executable, reason: String(cString: strerror(status)))
        }
        let stdout = UVPipe(loop: loop)
        let stderr = UVPipe(loop: loop)
        // A pipe owns its descriptor once open(descriptor:) was called, even when that failed.
        var ownerless = [errors.read]
        do {
            try stdout.open(descriptor: output.read)
            ownerless = []
            try stderr.open(descriptor: errors.read)
        } catch {
            ownerless.forEach { close($0) }
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
    private var waiting: [Int32: (Termination) -> Void] = [:]
    private var watcher: UVSignal?

    init(loop: UVLoop) {
        watcher = UVSignal(loop: loop, signal: SIGCHLD) { [unowned self] in reap() }
    }

    /// Calls `onExit` when child `pid` has exited. Call it right after the spawn: SIGCHLD is
    /// handled on a later turn of the loop, so the registration always comes first.
    func register(_ pid: Int32, onExit: @escaping (Termination) -> Void) {
        waiting[pid] = onExit
    }

    private func reap() {
        while let (pid, termination) = Posix.reap() {
            waiting.removeValue(forKey: pid)?(termination)
        }
    }
}
