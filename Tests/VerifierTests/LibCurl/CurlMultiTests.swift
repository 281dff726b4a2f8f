#if canImport(Glibc)
import Glibc
#endif
import CCurl
import CLibUV
import Foundation
import Testing
@testable import Verifier

/// CurlMulti against the local servers of Fixtures/http-server.py, each test on a real UVLoop run
/// to its end. Serialized: some count descriptors and connections.
@Suite(.serialized)
struct CurlMultiTests {
    typealias Outcome = Result<HTTPResponse, HTTPTransferError>

    @Test func getAndHeadReturnStatusHeadersAndBody() throws {
        let server = try HTTPTestServer()
        let curl = try CurlLoop()
        var outcomes: [String: Outcome] = [:]
        var get = CurlLoop.request(server.url("/hello"))
        get.headers = [("X-Custom", "a")]
        curl.multi.start(get) { outcomes["GET"] = $0 }
        curl.multi.start(CurlLoop.request(server.url("/hello"), method: .head)) { outcomes["HEAD"] = $0 }
        #expect(curl.run())

        let response = try #require(try outcomes["GET"]?.get())
        #expect(response.status == 200)
        #expect(response.header("x-test") == "yes")
        #expect(response.header("CONTENT-TYPE") == "text/plain")
        #expect(response.body == Data("hello world".utf8))
        #expect(response.bytesReceived == 11)
        #expect(response.primaryIP == "127.0.0.1")
        let head = try #require(try outcomes["HEAD"]?.get())
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "11")
        #expect(head.body == Data())
        #expect(head.bytesReceived == 0)
    }

    @Test func aBodyOverTheLimitEndsTheTransfer() throws {
        let server = try HTTPTestServer()
        let curl = try CurlLoop()
        var outcomes: [String: Outcome] = [:]
        // One announces its length (curl refuses it before the body), one does not (the write
        // callback stops it).
        for path in ["/bytes?size=200000", "/chunked?size=200000"] {
            curl.multi.start(CurlLoop.request(server.url(path), bodyLimit: 1000)) { outcomes[path] = $0 }
        }
        #expect(curl.run())
        #expect(outcomes.count == 2)
        for (path, outcome) in outcomes {
            let error = try #require(outcome.failure, "\(path) succeeded")
            #expect(error.kind == .bodyTooLarge(limit: 1000), "\(path)")
            #expect(error.message == "body larger than 1000 bytes")
            #expect(!error.isNetwork && error.isUnusableAnswer)
        }
    }

    @Test func aConnectionResetMidBodyIsANetworkError() throws {
        let server = try HTTPTestServer()
        let curl = try CurlLoop()
        let outcome = curl.outcome(of: CurlLoop.request(server.url("/reset"), bodyLimit: 4 << 20))
        let error = try #require(outcome?.failure, "a reset transfer succeeded")
        #expect(error.kind == .reset)
        #expect(error.isNetwork && !error.isUnusableAnswer)
        #expect(error.message.contains("reset"), "curl's own text: \(error.message)")
    }

    @Test func aCancelledTransferIsNeverCompletedAndLeavesNothingBehind() throws {
        let server = try HTTPTestServer()
        weak var weakTransfer: HTTPTransfer?
        weak var weakMulti: CurlMulti?
        var completed = false
        var endedByItself = false
        do {
            let curl = try CurlLoop()
            weakMulti = curl.multi
            let transfer = curl.multi.start(CurlLoop.request(server.url("/hang"))) { _ in completed = true }
            weakTransfer = transfer
            let timeout = UVTimer(loop: curl.loop)
            timeout.schedule(after: 1000) {
                transfer.cancel()
                #expect(transfer.state == .cancelled)
                #expect(transfer.easy == nil, "the easy handle is cleaned up at once")
                timeout.close()
            }
            endedByItself = curl.run()
        }
        #expect(endedByItself)
        #expect(!completed)
        #expect(weakTransfer == nil)
        #expect(weakMulti == nil)
    }

    @Test func cancellingTheTransferOnTheOnlyConnectionLetsTheQueuedOnesRun() throws {
        // The per-image timeout cancels a transfer while others wait for a connection to its host.
        let server = try HTTPTestServer()
        var options = CurlMulti.Options()
        options.maxConnectionsPerHost = 1
        let curl = try CurlLoop(options: options)
        let hanging = curl.multi.start(CurlLoop.request(server.url("/hang"))) { _ in Issue.record("a cancelled transfer completed") }
        var statuses: [Int] = []
        for _ in 0..<3 {
            curl.multi.start(CurlLoop.request(server.url("/hello"))) { statuses.append((try? $0.get().status) ?? 0) }
        }
        let timeout = UVTimer(loop: curl.loop)
        timeout.schedule(after: 500) {
            hanging.cancel()
            timeout.close()
        }
        #expect(curl.run())
        #expect(statuses == [200, 200, 200])
    }

    @Test func fiveHundredTransfersShareEightConnections() throws {
        let server = try HTTPTestServer()
        let curl = try CurlLoop()
        var ports: Set<String> = []
        var completed = 0
        var failures: [HTTPTransferError] = []
        for _ in 0..<500 {
            curl.multi.start(CurlLoop.request(server.url("/port"))) { outcome in
                completed += 1
                switch outcome {
                case .success(let response): ports.insert(String(decoding: response.body ?? Data(), as: UTF8.self))
                case .failure(let error): failures.append(error)
                }
            }
        }
        #expect(curl.run())
        #expect(completed == 500)
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        #expect(ports.count <= 8, "\(ports.count) connections")
    }

    @Test func closedConnectionsFreeTheirDescriptorsForNewOnes() throws {
        // The server closes every connection, so curl closes each socket and the next one gets
        // the same descriptor number: a poll left on the old one would abort libuv.
        let server = try HTTPTestServer()
        let curl = try CurlLoop()
        var succeeded = 0
        var failures: [HTTPTransferError] = []
        for _ in 0..<200 {
            curl.multi.start(CurlLoop.request(server.url("/close"))) { outcome in
                switch outcome {
                case .success(let response): if response.status == 200 { succeeded += 1 }
                case .failure(let error): failures.append(error)
                }
            }
        }
        #expect(curl.run())
        #expect(succeeded == 200)
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }

    @Test func whenEverySocketFailsEveryTransferStillCompletes() throws {
        // A bound socket that does not listen: every connect to its port is refused, which epoll
        // reports as POLLERR and libuv as a negative status with no events. Unless that reaches
        // curl as CURL_CSELECT_ERR, curl waits for the connect timeout (here longer than the
        // watchdog) instead of failing at once.
        let closedPort = try ClosedPort()
        let curl = try CurlLoop()
        var errors: [HTTPTransferError] = []
        var succeeded = 0
        for _ in 0..<200 {
            var request = CurlLoop.request("http://127.0.0.1:\(closedPort.port)/")
            request.connectTimeoutMilliseconds = 120_000
            curl.multi.start(request) { outcome in
                switch outcome {
                case .success: succeeded += 1
                case .failure(let error): errors.append(error)
                }
            }
        }
        #expect(curl.run(limit: 30))
        #expect(succeeded == 0)
        #expect(errors.count == 200)
        #expect(errors.allSatisfy { $0.kind == .connect && $0.isNetwork && $0.curlCode == 7 }, "\(errors.first.map { "\($0.curlCode) \($0)" } ?? "")")
    }

    @Test func aSinkCountsAStreamedBodyWithoutKeepingIt() throws {
        let server = try HTTPTestServer()
        let curl = try CurlLoop()
        let size = 50 << 20
        var counted = 0
        var outcome: Outcome?
        var request = CurlLoop.request(server.url("/bytes?size=\(size)"), bodyLimit: 64 << 20)
        request.bodySink = { bytes in
            counted += bytes.count
            return true
        }
        curl.multi.start(request) { outcome = $0 }
        #expect(curl.run())
        let response = try #require(try outcome?.get())
        #expect(response.body == nil)
        #expect(response.bytesReceived == size)
        #expect(counted == size)
    }

    @Test func aSinkThatSaysNoAbortsTheTransfer() throws {
        let server = try HTTPTestServer()
        let curl = try CurlLoop()
        var request = CurlLoop.request(server.url("/bytes?size=1000000"), bodyLimit: 2 << 20)
        request.bodySink = { _ in false }
        let error = try #require(curl.outcome(of: request)?.failure, "an aborted transfer succeeded")
        #expect(error.kind == .abortedBySink)
    }

    @Test func aRedirectToAnotherPortIsFollowedWithoutTheAuthorization() throws {
        let server = try HTTPTestServer()
        let curl = try CurlLoop()
        var outcomes: [String: Outcome] = [:]
        for path in ["/redirect", "/auth-echo"] {
            var request = CurlLoop.request(server.url(path))
            request.headers = [("Authorization", "Bearer secret")]
            curl.multi.start(request) { outcomes[path] = $0 }
        }
        #expect(curl.run())
        let redirected = try #require(try outcomes["/redirect"]?.get())
        #expect(redirected.status == 200)
        #expect(redirected.body == Data("authorization: none".utf8), "Authorization stays with the first host and port")
        #expect(redirected.header("X-First") == nil, "only the last response's headers are kept")
        #expect(redirected.header("Content-Length") == "19")
        let direct = try #require(try outcomes["/auth-echo"]?.get())
        #expect(direct.body == Data("authorization: Bearer secret".utf8))
    }

    @Test func completionsAndSinksMayStartAndCancelTransfers() throws {
        let server = try HTTPTestServer()
        let curl = try CurlLoop()
        var chain = 0
        var selfCancelledCompleted = false
        var startedFromSink: Outcome?
        var cancelledFromCompletionCompleted = false
        func next() {
            curl.multi.start(CurlLoop.request(server.url("/hello"))) { outcome in
                if case .success = outcome { chain += 1 }
                if chain < 20 { next() }
            }
        }
        next()
        // A sink runs inside curl: its cancel and its start wait until curl has returned.
        var selfCancelling = CurlLoop.request(server.url("/bytes?size=1000000"), bodyLimit: 2 << 20)
        var transfer: HTTPTransfer?
        selfCancelling.bodySink = { _ in
            transfer?.cancel()
            if startedFromSink == nil {
                curl.multi.start(CurlLoop.request(server.url("/hello"))) { startedFromSink = $0 }
            }
            return true
        }
        transfer = curl.multi.start(selfCancelling) { _ in selfCancelledCompleted = true }
        let hanging = curl.multi.start(CurlLoop.request(server.url("/hang"))) { _ in cancelledFromCompletionCompleted = true }
        curl.multi.start(CurlLoop.request(server.url("/hello"))) { _ in hanging.cancel() }
        #expect(curl.run())
        #expect(chain == 20)
        #expect(!selfCancelledCompleted)
        #expect(try startedFromSink?.get().status == 200)
        #expect(!cancelledFromCompletionCompleted)
        transfer = nil
    }

    @Test func aRequestCurlCannotMakeFailsOnTheLoopNotInStart() throws {
        let curl = try CurlLoop()
        var request = CurlLoop.request("http://127.0.0.1:1/")
        request.headers = [("X-Bad", "a\r\nInjected: yes")]
        let error = try #require(curl.outcome(of: request)?.failure, "a header with a line break was sent")
        #expect(error.kind == .invalidRequest)
    }

    @Test func socketsCurlWatchesAreCloseOnExec() throws {
        let server = try HTTPTestServer()
        let curl = try CurlLoop()
        var checked = 0
        var inheritable: [Int32] = []
        // "localhost" goes through curl's resolver, whose socket pair curl makes itself.
        var request = CurlLoop.request("http://localhost:\(server.port)/bytes?size=1000000", bodyLimit: 2 << 20)
        request.bodySink = { [multi = curl.multi] _ in
            for socket in multi.watchedSockets {
                checked += 1
                if fcntl(socket, F_GETFD) & FD_CLOEXEC == 0 { inheritable.append(socket) }
            }
            return true
        }
        var outcome: Outcome?
        curl.multi.start(request) { outcome = $0 }
        #expect(curl.run())
        #expect(try outcome?.get().status == 200)
        #expect(checked > 0)
        #expect(inheritable.isEmpty)
    }

    @Test func removalsAndEventsForUnknownSocketsAreHarmless() throws {
        let curl = try CurlLoop()
        var ends: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0)
        defer { ends.forEach { close($0) } }
        let pollIn: Int32 = 1, pollRemove: Int32 = 4 // CURL_POLL_IN, CURL_POLL_REMOVE
        #expect(curl.multi.watch(ends[0], pollIn) == 0)
        #expect(curl.multi.watch(ends[0], pollIn) == 0, "asked twice, still one poll")
        #expect(curl.multi.watchedSockets == [ends[0]])
        #expect(curl.multi.watch(ends[0], pollRemove) == 0)
        #expect(curl.multi.watchedSockets.isEmpty)
        #expect(fcntl(ends[0], F_GETFD) != -1, "CURL_POLL_REMOVE leaves the socket open")
        #expect(curl.multi.watch(ends[0], pollRemove) == 0, "a removal for a socket not watched")
        #expect(curl.multi.watch(ends[0], pollIn) == 0, "watched again, with a new poll")
        #expect(curl.multi.watch(ends[0], pollRemove) == 0)
        // Events curl does not know the socket of, and an error status, reach curl harmlessly.
        curl.multi.socketReady(ends[1], status: UV_EBADF.rawValue, events: 0)
        curl.multi.socketReady(ends[1], status: 0, events: Int32(UV_READABLE.rawValue))
        #expect(curl.run())
    }

    @Test func aSocketCurlClosesLosesItsPollFirst() throws {
        let curl = try CurlLoop()
        var ends: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0)
        let pollIn: Int32 = 1 // CURL_POLL_IN
        #expect(curl.multi.watch(ends[0], pollIn) == 0)
        // CURLOPT_CLOSESOCKETFUNCTION, with no CURL_POLL_REMOVE before it.
        #expect(curl.multi.closeSocket(ends[0]) == 0)
        #expect(curl.multi.watchedSockets.isEmpty)
        #expect(fcntl(ends[0], F_GETFD) == -1 && errno == EBADF)
        // A new socket gets the lowest free number, the one just closed (unless another thread
        // took it): libuv takes a poll on it, which it refuses (EEXIST) while an old one is active.
        let reused = try Posix.socket(family: AF_INET, type: Int32(SOCK_STREAM.rawValue), protocol: 0)
        #expect(curl.multi.watch(reused, pollIn) == 0)
        #expect(curl.multi.closeSocket(reused) == 0)
        close(ends[1])
        #expect(curl.run())
    }
}

extension Result {
    /// The error, for a result expected to be one.
    var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}

/// Which failures are the answer's fault, and which the network's, the host's or curl's.
struct HTTPTransferErrorKindTests {
    @Test func onlyAnAnswerThatIsNoHTTPOrTooLargeIsUnusable() {
        #expect(HTTPTransferError(code: CURLE_WEIRD_SERVER_REPLY, message: "", requestStarted: true).isUnusableAnswer)
        #expect(HTTPTransferError(code: CURLE_URL_MALFORMAT, message: "", requestStarted: false).isUnusableAnswer, "a URL curl refuses")
        #expect(HTTPTransferError(code: CURLE_UNSUPPORTED_PROTOCOL, message: "Received HTTP/0.9 when not allowed", requestStarted: true).isUnusableAnswer)
        for code in [CURLE_OUT_OF_MEMORY, CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_PROXY, CURLE_RECV_ERROR, CURLE_OPERATION_TIMEDOUT] {
            #expect(!HTTPTransferError(code: code, message: "", requestStarted: true).isUnusableAnswer, "\(code)")
        }
    }
}
