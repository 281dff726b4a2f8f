#if canImport(Glibc)
import Glibc
#endif

/// One run of a docker credential helper (`docker-credential-NAME get`), as docker runs it: found
/// on `PATH`, started without a shell in a process group of its own, the registry's address on its
/// standard input, its answer read from standard output; killed with its group if it takes longer
/// than ``timeoutMilliseconds``.
final class CredentialHelperRun {
    /// How long a helper may take (a keychain that asks a person never answers here).
    static let timeoutMilliseconds: UInt64 = 30_000

    private var command: ChildCommand?
    private let timer: UVTimer

    /// The helper's PID, which is also its process group; `nil` when it could not be started.
    var processID: Int32? { command?.processGroup }

    /// Starts `request` on `loop`; `completion` gets what it answered, or why it could not. It is
    /// called once libuv has reaped the helper, or from within this call when it could not start.
    init(_ request: CredentialHelperRequest, loop: UVLoop, completion: @escaping (CredentialHelperOutcome) -> Void) {
        timer = UVTimer(loop: loop)
        do throws(VerifyError) {
            let program = try ClientLocator.locate(request.program)
            // The address is a few bytes, far below a pipe's buffer: the write cannot block.
            let input: (read: Int32, write: Int32)
            do {
                input = try Posix.pipe()
            } catch {
                throw .cannotStart(program: request.program, reason: "\(error)")
            }
            defer { close(input.read) }
            do {
                defer { close(input.write) }
                try Posix.writeAll(input.write, request.standardInput, describing: "\(request.program)'s standard input")
            } catch {
                throw .cannotStart(program: request.program, reason: "\(error)")
            }
            command = try ChildCommand(loop: loop, executable: program, arguments: request.arguments, drainMilliseconds: 2_000,
                                       spawn: .libuv, input: input.read) { [timer] outcome in
                timer.close()
                if let signal = outcome.signal {
                    completion(.couldNotRun(reason: "killed by signal \(signal)"))
                } else {
                    completion(.exited(status: outcome.exitCode ?? -1, stdout: outcome.stdout.bytes, stderr: outcome.stderr.bytes))
                }
            }
            timer.schedule(after: Self.timeoutMilliseconds) { [self] in command?.signalGroup(SIGKILL) }
        } catch {
            timer.close()
            if case .clientNotFound = error {
                completion(.couldNotRun(reason: "\(request.program) not found on PATH"))
            } else {
                completion(.couldNotRun(reason: "\(error)"))
            }
        }
    }

    /// Kills the helper's process group (the worker is ending); its completion still comes, from
    /// the loop, if the loop runs on.
    func kill() {
        command?.signalGroup(SIGKILL)
    }
}
