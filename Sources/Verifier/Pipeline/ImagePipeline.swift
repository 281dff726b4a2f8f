#if canImport(Glibc)
import Glibc
#endif

/// What happens to one image, step by step, with no knowledge of how the commands are run: an
/// engine asks for the next command, runs it, and hands back how it ended.
///
/// 1. `pull`: a failure makes the image an error, classified from the client's stderr.
/// 2. `inspect`: the digest comes from the repository's `RepoDigests` entry. A failed inspect, or
///    one that shows no entry for the repository, makes the image an error: it is not really there.
/// 3. `rmi` (unless kept): a failure leaves the image good, with a cleanup warning.
struct ImagePipeline: Sendable {
    /// What the engine does next.
    enum Next: Sendable, Equatable {
        /// Run the client with these arguments.
        case run(PipelineStep)
        /// The image is done.
        case finished(Verdict)
    }

    /// The reference being pulled.
    let reference: ImageReference
    /// Whether to leave the pulled image on the daemon.
    let keep: Bool
    /// The step that runs now, or ran last.
    private(set) var step: PipelineStep = .pull
    private var digest: String?

    /// The steps for pulling `reference`; with `keep`, the image is not removed afterwards.
    init(reference: ImageReference, keep: Bool) {
        self.reference = reference
        self.keep = keep
    }

    /// The client arguments for the current step.
    var arguments: [String] { step.arguments(for: reference.description) }

    /// Decides what follows the current step, which ended with `outcome`.
    mutating func advance(after outcome: CommandOutcome) -> Next {
        switch step {
        case .pull:
            guard outcome.succeeded else { return .finished(failure(outcome)) }
            step = .inspect
            return .run(.inspect)
        case .inspect:
            guard outcome.succeeded else {
                var verdict = failure(outcome)
                verdict.message = "image inspect failed after a successful pull: " + (verdict.message ?? "")
                return .finished(verdict)
            }
            let output = outcome.stdout.text
            guard let found = RepoDigests.digest(in: output, for: reference) else {
                let shown = OneLine.make(output, limit: 300)
                return .finished(.error(.other, "image inspect shows no digest for \(reference.name): \"\(shown)\"",
                                        step: .inspect, exitCode: outcome.exitCode))
            }
            digest = found
            if keep { return .finished(.good(digest: found)) }
            step = .rmi
            return .run(.rmi)
        case .rmi:
            guard let digest else { preconditionFailure("rmi runs only after a digest was found") }
            if outcome.succeeded { return .finished(.good(digest: digest)) }
            return .finished(.good(digest: digest, cleanupWarning: "docker rmi failed: " + Self.summary(of: outcome, command: PipelineStep.rmi.commandName)))
        }
    }

    /// The verdict when the image's timeout ran out during the current step; `outcome` is how the
    /// killed client ended. A timeout while removing leaves a verified image good.
    func timedOut(after seconds: Double, outcome: CommandOutcome) -> Verdict {
        let limit = seconds.formatted()
        if step == .rmi, let digest {
            return .good(digest: digest, cleanupWarning: "docker rmi did not finish within the \(limit) s timeout and was killed")
        }
        return Verdict(status: .timeout, category: .timeout,
                       message: "no result within \(limit) s; \(step.commandName) was killed",
                       step: step, exitCode: outcome.exitCode, signal: outcome.signal,
                       stderrTail: Self.stderrTail(of: outcome))
    }

    private func failure(_ outcome: CommandOutcome) -> Verdict {
        .error(ErrorClassifier.classify(outcome.stderr.text), Self.summary(of: outcome, command: step.commandName), step: step,
               exitCode: outcome.exitCode, signal: outcome.signal, stderrTail: Self.stderrTail(of: outcome))
    }

    /// The last line the client printed on stderr (or stdout), or how it ended.
    static func summary(of outcome: CommandOutcome, command: String) -> String {
        let lastLine = { (text: String) in
            text.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) }.map { OneLine.make(String($0)) }
        }
        if let line = lastLine(outcome.stderr.text) { return line }
        if let signal = outcome.signal {
            return "\(command) was killed by signal \(signal) (\(String(cString: strsignal(signal))))"
        }
        if let line = lastLine(outcome.stdout.text) { return line }
        return "\(command) exited with status \(outcome.exitCode ?? -1) and printed nothing"
    }

    private static func stderrTail(of outcome: CommandOutcome) -> String? {
        let bytes = outcome.stderr.bytes.suffix(Verdict.stderrTailLimit)
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
