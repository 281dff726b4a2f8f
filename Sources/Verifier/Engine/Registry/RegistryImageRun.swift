import Foundation

/// One image checked over the registry's HTTP API (`--client registry`): its ``RegistryCheck``
/// driven through the worker's ``RegistrySession``, under one timeout for all its requests.
///
/// The timeout is this run's own libuv timer, not curl's: curl's time limits count the time a
/// request waits for a free connection, and bound only a stalled transfer here. When it fires,
/// every request of the image is cancelled and the image is a timeout.
final class RegistryImageRun: ImageRunning {
    let id: Int
    private var check: RegistryCheck
    private let target: AuthTarget
    private let session: RegistrySession
    private let requester = RegistrySession.Requester()
    private let events: WorkerEvents
    private let timeoutSeconds: Double
    private let startedAt = Date()
    private let deadline: UVTimer
    /// The requests sent and not answered: what a timeout names.
    private var outstanding: [RegistryRequest] = []
    private var isFinished = false

    init(id: Int, reference: ImageReference, session: RegistrySession, loop: UVLoop, timeoutSeconds: Double, events: WorkerEvents) {
        self.id = id
        self.session = session
        self.events = events
        self.timeoutSeconds = timeoutSeconds
        check = RegistryCheck(reference: reference, depth: session.options.depth, platform: session.options.platform)
        target = AuthTarget(reference: reference)
        deadline = UVTimer(loop: loop)
    }

    func start() {
        deadline.schedule(after: milliseconds(timeoutSeconds)) { [self] in timedOut() }
        handle(check.start())
    }

    /// Cancels the image's requests; the worker shuts down.
    func kill() {
        requester.close()
        deadline.close()
    }

    private func handle(_ next: RegistryCheck.Next) {
        guard !isFinished else { return }
        switch next {
        case .send(let requests):
            for request in requests {
                outstanding.append(request)
                session.send(request, for: target, by: requester) { [self] result in answered(request, result) }
            }
        case .wait:
            break
        case .finished(let result):
            var verdict = result.verdict
            verdict.retryAfterSeconds = result.retryAfterSeconds
            finish(verdict, details: RegistryDetails(result))
        }
    }

    private func answered(_ request: RegistryRequest, _ result: Result<RegistryAnswer, RegistrySession.Failure>) {
        outstanding.removeAll { $0 == request }
        switch result {
        case .success(let answer):
            handle(check.receive(answer, for: request, cache: &session.knownBlobs))
        case .failure(.auth(let failure)):
            finish(.error(failure.category, failure.description), details: nil)
        case .failure(.transfer(let error)):
            finish(Self.verdict(for: error, request: request), details: nil)
        }
    }

    /// What a request that got no judgeable answer means for the image.
    static func verdict(for error: HTTPTransferError, request: RegistryRequest) -> Verdict {
        let what = "\(request.method.rawValue) \(request.path)"
        switch error.kind {
        case .bodyTooLarge(let limit):
            return .error(.other, "\(what): the answer is larger than the \(limit) bytes verify reads")
        case .dns, .connect, .tls, .reset, .stalled:
            return .error(.network, "\(what): \(error.message)")
        case .abortedBySink, .protocolViolation, .invalidRequest, .other:
            return .error(.other, "\(what): \(error.message)")
        }
    }

    private func timedOut() {
        guard !isFinished else { return }
        let request = outstanding.first.map { "\($0.method.rawValue) \($0.path)" }
        let waiting = requester.waitingFor.map { " waiting for \($0)\(request.map { ", before " + $0 } ?? "")" }
            ?? request.map { " waiting for \($0)" } ?? ""
        finish(Verdict(status: .timeout, category: .timeout,
                       message: "no result within \(timeoutSeconds.formatted()) s;\(waiting)"), details: nil)
    }

    private func finish(_ verdict: Verdict, details: RegistryDetails?) {
        guard !isFinished else { return }
        isFinished = true
        requester.close()
        deadline.close()
        var verdict = verdict
        verdict.registry = details ?? RegistryDetails(check.progress)
        events.finished(id, verdict, startedAt, Date())
    }
}
