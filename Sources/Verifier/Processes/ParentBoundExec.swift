#if canImport(Glibc)
import Glibc
#endif

/// `verify --internal-exec PARENT PATH ARG…`: becomes `PATH ARG…` through `execv`, set up to be
/// killed when its parent dies.
///
/// posix_spawn and uv_spawn cannot set `PR_SET_PDEATHSIG` in the child they start, and the flag
/// survives `execv`, so the supervisor starts its daemon check through this: a SIGKILLed `verify`
/// never leaves a hung `docker version` behind. (It costs one more exec; only the check uses it.)
public enum ParentBoundExec {
    /// The first argument that selects this mode.
    public static let flag = "--internal-exec"

    /// The arguments that make `verify` become `path arguments…` bound to this process.
    static func arguments(running path: String, _ arguments: [String]) -> [String] {
        [flag, String(getpid()), path] + arguments
    }

    /// Runs the mode from its arguments (those after ``flag``); returns only when it fails.
    public static func main(arguments: [String]) -> Int32 {
        guard arguments.count >= 2, let parent = Int32(arguments[0]) else {
            Console.line("verify: \(flag) is for verify's own use")
            return ExitStatus.environmentError.rawValue
        }
        do { try Posix.setParentDeathSignal(SIGKILL) } catch {
            Console.line("verify: \(error)")
            return ExitStatus.environmentError.rawValue
        }
        // The parent may have died before the flag was set; then nobody would send the signal.
        guard getppid() == parent else { return ExitStatus.environmentError.rawValue }
        let path = arguments[1]
        var argv = arguments.dropFirst(1).map { strdup($0) } + [nil]
        execv(path, &argv)
        let code = errno
        Console.line("verify: cannot start \(path): \(String(cString: strerror(code)))")
        return 127
    }
}
