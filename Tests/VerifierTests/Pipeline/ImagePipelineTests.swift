import Testing
@testable import Verifier

struct ImagePipelineTests {
    static let digest = "sha256:" + String(repeating: "c", count: 64)

    static func outcome(exit: Int32? = 0, signal: Int32? = nil, stdout: String = "", stderr: String = "") -> CommandOutcome {
        var out = TailBuffer()
        var err = TailBuffer()
        Array(stdout.utf8).withUnsafeBytes { out.append($0) }
        Array(stderr.utf8).withUnsafeBytes { err.append($0) }
        return CommandOutcome(termination: signal.map(Termination.signaled) ?? .exited(exit ?? 0), stdout: out, stderr: err)
    }

    static func pipeline(_ reference: String, keep: Bool = false) throws -> ImagePipeline {
        ImagePipeline(reference: try ImageReference(parsing: reference), keep: keep)
    }

    @Test func pullInspectRemoveGivesAGoodImageWithTheRepositoryDigest() throws {
        var pipeline = try Self.pipeline("127.0.0.1:5000/team/app:v1")
        #expect(pipeline.arguments == ["pull", "127.0.0.1:5000/team/app:v1"])
        #expect(pipeline.advance(after: Self.outcome()) == .run(.inspect))
        #expect(pipeline.arguments == ["image", "inspect", "--format", "{{json .RepoDigests}}", "127.0.0.1:5000/team/app:v1"])
        let other = "sha256:" + String(repeating: "d", count: 64)
        let inspect = "[\"other.example.com/team/app@\(other)\",\"127.0.0.1:5000/team/app@\(Self.digest)\"]\n"
        #expect(pipeline.advance(after: Self.outcome(stdout: inspect)) == .run(.rmi))
        #expect(pipeline.arguments == ["rmi", "127.0.0.1:5000/team/app:v1"])
        #expect(pipeline.advance(after: Self.outcome()) == .finished(.good(digest: Self.digest)))
    }

    @Test func dockerHubNamesMatchInNormalisedForm() throws {
        var pipeline = try Self.pipeline("docker.io/library/nginx:1.25")
        _ = pipeline.advance(after: Self.outcome())
        #expect(pipeline.advance(after: Self.outcome(stdout: "[\"nginx@\(Self.digest)\"]")) == .run(.rmi))
    }

    @Test func keepSkipsTheRemoval() throws {
        var pipeline = try Self.pipeline("team/app:v1", keep: true)
        _ = pipeline.advance(after: Self.outcome())
        #expect(pipeline.advance(after: Self.outcome(stdout: "[\"team/app@\(Self.digest)\"]")) == .finished(.good(digest: Self.digest)))
    }

    @Test func aFailedPullIsAnErrorClassifiedFromStderr() throws {
        var pipeline = try Self.pipeline("127.0.0.1:5000/team/app:v9")
        let stderr = "Error response from daemon: manifest for 127.0.0.1:5000/team/app:v9 not found: manifest unknown: manifest unknown\n"
        guard case .finished(let verdict) = pipeline.advance(after: Self.outcome(exit: 1, stderr: stderr)) else {
            Issue.record("a failed pull went on")
            return
        }
        #expect(verdict.status == .error)
        #expect(verdict.category == .notFound)
        #expect(verdict.step == .pull)
        #expect(verdict.exitCode == 1)
        #expect(verdict.message == "Error response from daemon: manifest for 127.0.0.1:5000/team/app:v9 not found: manifest unknown: manifest unknown")
        #expect(verdict.stderrTail == stderr)
    }

    @Test func aFailedInspectAfterASuccessfulPullIsAnError() throws {
        var pipeline = try Self.pipeline("team/app:v1")
        _ = pipeline.advance(after: Self.outcome())
        guard case .finished(let verdict) = pipeline.advance(after: Self.outcome(exit: 1, stderr: "Error: No such image: team/app:v1\n")) else {
            Issue.record("a failed inspect went on")
            return
        }
        #expect(verdict.status == .error)
        #expect(verdict.step == .inspect)
        #expect(verdict.message == "image inspect failed after a successful pull: Error: No such image: team/app:v1")
    }

    @Test(arguments: ["[]", "null", "", "[\"elsewhere.example.com/team/app@\(digest)\"]", "garbage"])
    func anInspectWithoutTheRepositorysDigestIsAnErrorQuotingIt(_ output: String) throws {
        var pipeline = try Self.pipeline("registry.example.com/team/app:v1")
        _ = pipeline.advance(after: Self.outcome())
        guard case .finished(let verdict) = pipeline.advance(after: Self.outcome(stdout: output)) else {
            Issue.record("no digest, yet it went on")
            return
        }
        #expect(verdict.status == .error)
        #expect(verdict.category == .other)
        #expect(verdict.message?.contains("\"\(output)\"") == true)
    }

    @Test func aDigestReferencePicksItsOwnDigest() throws {
        var pipeline = try Self.pipeline("r.example.com/team/app@\(Self.digest)", keep: true)
        _ = pipeline.advance(after: Self.outcome())
        let other = "sha256:" + String(repeating: "e", count: 64)
        let inspect = "[\"r.example.com/team/app@\(other)\",\"r.example.com/team/app@\(Self.digest)\"]"
        #expect(pipeline.advance(after: Self.outcome(stdout: inspect)) == .finished(.good(digest: Self.digest)))
    }

    @Test func aFailedRemovalKeepsTheImageGoodWithAWarning() throws {
        var pipeline = try Self.pipeline("team/app:v1")
        _ = pipeline.advance(after: Self.outcome())
        _ = pipeline.advance(after: Self.outcome(stdout: "[\"team/app@\(Self.digest)\"]"))
        let stderr = "Error response from daemon: conflict: unable to remove repository reference \"team/app:v1\" (must force) - container 0123 is using its referenced image\n"
        guard case .finished(let verdict) = pipeline.advance(after: Self.outcome(exit: 1, stderr: stderr)) else {
            Issue.record("a failed rmi went on")
            return
        }
        #expect(verdict.status == .good)
        #expect(verdict.digest == Self.digest)
        #expect(verdict.cleanupWarning?.hasPrefix("docker rmi failed: Error response from daemon: conflict") == true)
    }

    @Test func aClientKilledByASignalSaysSo() throws {
        var pipeline = try Self.pipeline("team/app:v1")
        guard case .finished(let verdict) = pipeline.advance(after: Self.outcome(exit: nil, signal: 9)) else {
            Issue.record("a killed pull went on")
            return
        }
        #expect(verdict.status == .error)
        #expect(verdict.signal == 9)
        #expect(verdict.message == "docker pull was killed by signal 9 (Killed)")
    }

    @Test func aTimeoutDuringThePullIsATimeout() throws {
        let pipeline = try Self.pipeline("team/app:v1")
        let verdict = pipeline.timedOut(after: 5, outcome: Self.outcome(exit: nil, signal: 15))
        #expect(verdict.status == .timeout)
        #expect(verdict.category == .timeout)
        #expect(verdict.step == .pull)
        #expect(verdict.message == "no result within 5 s; docker pull was killed")
    }

    @Test func aTimeoutDuringTheRemovalLeavesAVerifiedImageGood() throws {
        var pipeline = try Self.pipeline("team/app:v1")
        _ = pipeline.advance(after: Self.outcome())
        _ = pipeline.advance(after: Self.outcome(stdout: "[\"team/app@\(Self.digest)\"]"))
        let verdict = pipeline.timedOut(after: 5, outcome: Self.outcome(exit: nil, signal: 15))
        #expect(verdict.status == .good)
        #expect(verdict.cleanupWarning != nil)
    }
}
