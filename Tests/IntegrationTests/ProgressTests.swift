import Foundation
import Testing

/// What a person sees of progress: the bar in a real terminal (tmux), and plain lines with no
/// escape sequence where stderr is a pipe.
struct ProgressTests {
    /// Three images of 2 s each, one at a time: "1/3" shows for 2 s mid-run.
    static let list = (1...3).map { "r.example.com/team/slow-\($0):v1" }.joined(separator: "\n") + "\n"

    @Test(.enabled(if: Tmux.path != nil, "tmux is not installed (apt-get install tmux; scripts/install-deps.sh does)"))
    func theBarIsOneLineRedrawnInPlaceAndTheSummaryReplacesIt() throws {
        let tmux = try Tmux(width: 100, running: try Self.commandLine())
        defer { tmux.kill() }
        let bar = try #require(tmux.screen(when: { $0.contains("1/3 ") }), "no bar with 1/3: \(tmux.screen())")
        let lines = bar.split(separator: "\n")
        #expect(lines.count == 1, "one line on screen mid-run:\n\(bar)")
        #expect(bar.hasPrefix("1/3 33% ["))
        #expect(bar.contains("1 good  0 error  0 timeout") && bar.contains("/min  ETA "))
        #expect(lines.allSatisfy { $0.count < 100 })
        let end = try #require(tmux.screen(when: { $0.contains("exit 0") }), "verify did not finish: \(tmux.screen())")
        #expect(end.hasPrefix("verify: 3 of 3 images verified in "), "the summary starts on the bar's line:\n\(end)")
        for fragment in ["/3 ", "%", "ETA", "[#", "[-", "0 error"] { #expect(!end.contains(fragment), "bar left behind:\n\(end)") }
    }

    @Test(.enabled(if: Tmux.path != nil, "tmux is not installed (apt-get install tmux; scripts/install-deps.sh does)"))
    func aNarrowTerminalGetsTheMostImportantFactsOnOneLineAndAResizeRedrawsIt() throws {
        let tmux = try Tmux(width: 40, running: try Self.commandLine())
        defer { tmux.kill() }
        let bar = try #require(tmux.screen(when: { $0.contains("1/3 ") }), "no bar with 1/3: \(tmux.screen())")
        #expect(bar.split(separator: "\n").count == 1, "the bar did not wrap:\n\(bar)")
        #expect(bar.count < 40)
        #expect(bar.hasPrefix("1/3 33%  0 error  0 timeout"), "\(bar)")
        #expect(!bar.contains("good") && !bar.contains("/min"))
        try tmux.resize(width: 120)
        let wide = try #require(tmux.screen(when: { $0.contains("good") }), "not redrawn after SIGWINCH: \(tmux.screen())")
        #expect(wide.split(separator: "\n").count == 1, "\(wide)")
        #expect(wide.contains("/min  ETA "))
        let end = try #require(tmux.screen(when: { $0.contains("exit 0") }), "verify did not finish: \(tmux.screen())")
        #expect(end.hasPrefix("verify: 3 of 3 images verified in "), "\(end)")
        #expect(!end.contains("%") && !end.contains("ETA"), "bar left behind:\n\(end)")
    }

    @Test(.enabled(if: Tmux.path != nil, "tmux is not installed (apt-get install tmux; scripts/install-deps.sh does)"))
    func aWarningPrintedUnderTheBarErasesItAndTheBarIsDrawnAgainBelow() throws {
        let tmux = try Tmux(width: 100, running: try Self.commandLine())
        defer { tmux.kill() }
        _ = try #require(tmux.screen(when: { $0.contains("1/3 ") }), "no bar with 1/3: \(tmux.screen())")
        // The pane runs sh, which runs verify, whose child is its one worker.
        let verify = try #require(children(of: try tmux.panePID()).first)
        let worker = try #require(children(of: verify).first)
        kill(worker, SIGKILL)
        let screen = try #require(tmux.screen(when: { $0.contains("starting a new one") }), "no warning: \(tmux.screen())")
        let lines = screen.split(separator: "\n")
        #expect(lines.count == 2, "the warning, then the bar:\n\(screen)")
        let warning = try #require(lines.first.map(String.init))
        #expect(warning.hasPrefix("verify: worker 1 killed by signal 9") && warning.hasSuffix("; starting a new one"), "\(warning)")
        #expect(lines.last?.hasPrefix("1/3 33% [") == true, "\(screen)")
        let end = try #require(tmux.screen(when: { $0.contains("exit 0") }), "verify did not finish: \(tmux.screen())")
        #expect(end.hasPrefix(warning + "\nverify: 3 of 3 images verified in "), "\(end)")
        #expect(!end.contains("%") && !end.contains("ETA"), "bar left behind:\n\(end)")
    }

    @Test(arguments: [(["--progress", "auto"], "xterm-256color"), (["--progress", "bar"], "dumb"), (["--progress", "plain"], "xterm")])
    func intoAPipeProgressIsPlainLinesAndNoEscape(_ arguments: [String], _ term: String) throws {
        let result = try Self.runPiped(arguments + ["--progress-interval", "0.5"], term: term)
        #expect(result.status == 0)
        #expect(result.stderr.contains("verify: 0/3 done (0%; 0 good, 0 error, 0 timeout), 0.0 images/min over the last minute, ETA --\n"))
        #expect(result.stderr.contains("verify: 1/3 done (33%; 1 good, 0 error, 0 timeout), "))
        #expect(!result.stderr.contains("\u{1B}") && !result.stderr.contains("\r"), "\(result.stderr.debugDescription)")
    }

    @Test func anExplicitBarIsDrawnIntoAPipeAndErasedBeforeTheSummary() throws {
        let result = try Self.runPiped(["--progress", "bar"], term: "xterm")
        #expect(result.status == 0)
        #expect(result.stderr.hasPrefix("\r\u{1B}[K0/3 0%"))
        #expect(result.stderr.contains("\r\u{1B}[K1/3 33%"))
        #expect(result.stderr.contains("\r\u{1B}[Kverify: 3 of 3 images verified in "), "\(result.stderr.debugDescription)")
        #expect(!result.stderr.contains("\nverify: 3 of 3"), "the summary does not start below a bar")
    }

    @Test(arguments: [["--progress", "none", "--progress-interval", "0.2"], ["--progress", "auto", "--progress-interval", "0"]])
    func noneAndAnIntervalOf0PrintNoProgress(_ arguments: [String]) throws {
        let result = try Self.runPiped(arguments, term: "xterm")
        #expect(result.status == 0)
        #expect(result.stderr.hasPrefix("verify: 3 of 3 images verified in "), "\(result.stderr)")
        #expect(!result.stderr.contains("done ("))
    }

    /// A shell command line that runs verify on ``list`` in a fresh scratch directory, then says
    /// how it exited and waits (so that the pane stays to be read).
    static func commandLine() throws -> String {
        let scratch = VerifyRun.scratch()
        try list.write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        return "env FAKE_DOCKER_STATE=\(scratch)/state FAKE_DOCKER_SLOW=2 \(VerifyRun.executable) \(scratch)/images.txt "
            + "-o \(scratch)/out --docker \(VerifyRun.fakeDocker) -p 1 -c 1; echo \"exit $?\"; sleep 120"
    }

    /// Runs verify on ``list`` with stderr a pipe, `TERM` set to `term`, and `arguments`.
    static func runPiped(_ arguments: [String], term: String) throws -> (status: Int32, stderr: String) {
        let scratch = VerifyRun.scratch()
        try list.write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        return try execute(VerifyRun.executable, [scratch + "/images.txt", "-o", scratch + "/out", "--docker", VerifyRun.fakeDocker,
                                                  "-p", "1", "-c", "1"] + arguments,
                           environment: ["FAKE_DOCKER_STATE": scratch + "/state", "FAKE_DOCKER_SLOW": "1", "TERM": term])
    }
}

/// A tmux server of its own, with one detached session running a command in a pane of a given
/// size: a real pseudo-terminal, read back as a person sees it (`capture-pane`).
struct Tmux {
    /// tmux on PATH; `nil` when it is not installed.
    static let path: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .map { $0 + "/tmux" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    let socket: String

    /// Starts `command` (a shell command line) in a pane `width` columns wide and 20 rows high.
    init(width: Int, running command: String) throws {
        socket = VerifyRun.scratch() + "/tmux.sock"
        _ = try tmux(["-f", "/dev/null", "new-session", "-d", "-s", "verify", "-x", String(width), "-y", "20", command])
    }

    /// The screen's text, its trailing empty lines dropped.
    func screen() -> String {
        let text = (try? tmux(["capture-pane", "-p", "-t", "verify"])) ?? ""
        return String(text.reversed().drop { $0 == "\n" }.reversed())
    }

    /// The screen as soon as it satisfies `condition` (checked every 50 ms, for up to 20 s); `nil` if it never does.
    func screen(when condition: (String) -> Bool) -> String? {
        var seen: String?
        _ = eventually(20) {
            let text = screen()
            if condition(text) { seen = text }
            return seen != nil
        }
        return seen
    }

    /// The PID of the pane's first process (the shell that runs the command).
    func panePID() throws -> Int32 {
        try #require(Int32(try tmux(["display-message", "-p", "-t", "verify", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// Makes the window `width` columns wide; the program in it gets SIGWINCH.
    func resize(width: Int) throws {
        _ = try tmux(["resize-window", "-t", "verify", "-x", String(width)])
    }

    /// Ends the server, and with it the pane.
    func kill() {
        _ = try? tmux(["kill-server"])
    }

    /// Runs tmux with `arguments` on this server, waits for it, and returns what it printed.
    ///
    /// Started with `posix_spawn`, not Foundation.Process: the server that `new-session` forks
    /// would inherit Foundation's exit-monitoring socket (so the wait would last as long as the
    /// server) and the test thread's blocked signals (so the server would never end).
    private func tmux(_ arguments: [String]) throws -> String {
        let output = socket + ".out"
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
        let argv = ([Self.path!, "-S", socket] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let error = posix_spawn(&pid, Self.path!, &actions, &attributes, argv, environ)
        guard error == 0 else { throw POSIXError(POSIXErrorCode(rawValue: error) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }
}
