#if canImport(Glibc)
import Glibc
#endif
import CCurl
import CLibUV

/// libcurl's multi-socket interface, driven by a ``UVLoop`` (the pattern of curl's
/// `docs/examples/multi-uv.c`): HTTP transfers that share connections, on the loop's one thread.
///
/// One per worker process, made after the worker starts. curl says which sockets to watch
/// (`CURLMOPT_SOCKETFUNCTION`, one ``UVPoll`` each) and when to call it back
/// (`CURLMOPT_TIMERFUNCTION`, one ``UVTimer``); each event goes to `curl_multi_socket_action`,
/// and the transfers it finished are then completed.
///
/// The pitfalls of that pattern, and what is done about them:
/// - A poll that reports an error (libuv gives a negative status, EBADF for POLLERR, and no
///   events) is passed on as `CURL_CSELECT_ERR`, never dropped: curl would wait on that socket
///   for ever (curl issue #14254). See ``socketReady(_:status:events:)``.
/// - `CURL_POLL_REMOVE` does not mean the socket is closed (an idle connection stays open): the
///   poll is closed, the socket is not. Events for sockets that have no poll, and repeated
///   requests for the same events, are harmless.
/// - One poll per descriptor, closed before the descriptor is: curl closes its sockets through
///   `CURLOPT_CLOSESOCKETFUNCTION`, which closes the poll first. libuv removes a poll from
///   epoll by descriptor number, so a poll left behind would, once the number is reused, abort
///   libuv or silence the new descriptor (see ``UVPoll``).
/// - Every descriptor close-on-exec: curl's sockets are opened here (`CURLOPT_OPENSOCKETFUNCTION`)
///   with `SOCK_CLOEXEC`, which curl 7.88 does not use; the socket pairs curl makes itself (its
///   wake-up pair, its resolver's pair) are marked when they appear.
/// - No `CURLOPT_TIMEOUT_MS` (see ``HTTPTransfer/configure(_:socketOwner:openSocket:closeSocket:)``).
/// - curl forbids calling it from its own callbacks. Completions are called after
///   `curl_multi_socket_action` returned; a start, a cancel or a close asked for while curl runs
///   (from a body sink) waits until it has returned.
///
/// Loop-confined and not Sendable. It keeps itself alive until ``close()``, which must be called.
final class CurlMulti {
    /// How transfers share connections.
    struct Options {
        /// The most connections to one host (`CURLMOPT_MAX_HOST_CONNECTIONS`); further transfers
        /// wait for one to be free.
        var maxConnectionsPerHost = 8
        /// The most connections in all (`CURLMOPT_MAX_TOTAL_CONNECTIONS`); 0 for no cap.
        var maxConnections = 0
        /// Whether HTTP/2 connections carry several transfers at once (`CURLPIPE_MULTIPLEX`).
        var multiplex = true

        /// The defaults: 8 connections a host, no total cap, HTTP/2 multiplexing.
        init() {}
    }

    private let loop: UVLoop
    /// `CURLM *`; `nil` once closed.
    private var multi: UnsafeMutableRawPointer?
    /// The reference curl's callbacks hold (their userdata), released once curl is done.
    private var retained: Unmanaged<CurlMulti>?
    private let timer: UVTimer
    /// Delivers the failures of transfers curl never took (see ``start(_:completion:)``).
    private let failureTimer: UVTimer
    private var polls: [Int32: UVPoll] = [:]
    private var transfers: [UnsafeMutableRawPointer: HTTPTransfer] = [:]
    private var failedAtStart: [(HTTPTransfer, HTTPTransferError)] = []
    /// Whether curl is running (inside `curl_multi_socket_action`), so must not be called.
    private var insideCurl = false
    /// What was asked for while curl ran, in order.
    private var deferred: [() -> Void] = []

    /// Makes curl's global state ready, once a process, before the first multi.
    private static let globalInit: Int32 = Int32(bitPattern: curl_global_init(verify_curl_global_default).rawValue)

    /// A multi on `loop` with `options`.
    init(loop: UVLoop, options: Options = Options()) throws(VerifyError) {
        guard Self.globalInit == 0 else { throw .eventLoop("curl_global_init failed (\(Self.globalInit))") }
        self.loop = loop
        guard let multi = curl_multi_init() else { throw .eventLoop("curl_multi_init failed") }
        // curl made its wake-up socket pair without close-on-exec.
        ProcessSetup.markOpenDescriptorsCloseOnExec()
        self.multi = multi
        timer = UVTimer(loop: loop)
        failureTimer = UVTimer(loop: loop)
        let retained = Unmanaged.passRetained(self)
        self.retained = retained
        let this = retained.toOpaque()
        _ = verify_curl_multi_setopt_socket_callback(multi) { _, socket, what, this, _ in
            CurlMulti.from(this).watch(socket, what)
        }
        _ = verify_curl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, this)
        _ = verify_curl_multi_setopt_timer_callback(multi) { _, milliseconds, this in
            CurlMulti.from(this).scheduleTimeout(milliseconds)
            return 0
        }
        _ = verify_curl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, this)
        _ = verify_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, options.maxConnectionsPerHost)
        _ = verify_curl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, options.maxConnections)
        _ = verify_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, options.multiplex ? verify_curl_pipe_multiplex : 0)
    }

    /// Starts `request`; `completion` is called once, from the loop (never from within this
    /// call), with the response or the error. It is not called for a transfer cancelled first, nor
    /// after ``close()``. A request curl refuses outright (a bad header, say) fails the same way,
    /// on the loop's next turn.
    @discardableResult
    func start(_ request: HTTPRequest, completion: @escaping (Result<HTTPResponse, HTTPTransferError>) -> Void) -> HTTPTransfer {
        let transfer = HTTPTransfer(request, owner: self, completion: completion)
        guard let retained else {
            transfer.abandon()
            return transfer
        }
        do throws(HTTPTransferError) {
            try transfer.configure(request, socketOwner: retained.toOpaque(), openSocket: { owner, _, address in
                CurlMulti.from(owner).openSocket(address)
            }, closeSocket: { owner, socket in
                CurlMulti.from(owner).closeSocket(socket)
            })
            outsideCurl { [self] in add(transfer) }
        } catch {
            failAtStart(transfer, error)
        }
        return transfer
    }

    /// Cancels every transfer (no completion is called after this), stops watching sockets and
    /// time, and lets curl close its connections. The multi is unusable afterwards: a transfer
    /// started then never completes.
    func close() {
        guard !insideCurl else {
            deferred.append { [self] in close() }
            return
        }
        guard let multi else { return }
        let running = transfers.values
        transfers = [:]
        for transfer in running {
            transfer.abandon()
            curl_multi_remove_handle(multi, transfer.easy)
            transfer.release()
        }
        for (transfer, _) in failedAtStart { transfer.abandon() }
        failedAtStart = []
        // curl closes its idle connections here, through closeSocket, so the polls still work.
        curl_multi_cleanup(multi)
        self.multi = nil
        for poll in polls.values { poll.close() }
        polls = [:]
        timer.close()
        failureTimer.close()
        retained?.release()
        retained = nil
    }

    /// Lets `transfer` go without completing it (``HTTPTransfer/cancel()``).
    func remove(_ transfer: HTTPTransfer) {
        outsideCurl { [self] in
            guard let multi, let easy = transfer.easy, transfers.removeValue(forKey: easy) != nil else { return }
            curl_multi_remove_handle(multi, easy)
            transfer.release()
        }
    }

    /// The sockets watched now (for tests).
    var watchedSockets: [Int32] {
        Array(polls.keys)
    }

    // MARK: Transfers

    private func add(_ transfer: HTTPTransfer) {
        guard transfer.state == .running else { return }
        guard let multi, let easy = transfer.easy else {
            transfer.abandon()
            return
        }
        let code = curl_multi_add_handle(multi, easy)
        guard code == CURLM_OK else {
            failAtStart(transfer, HTTPTransferError(kind: .other, message: "curl_multi_add_handle: \(String(cString: curl_multi_strerror(code)))"))
            return
        }
        transfers[easy] = transfer
    }

    /// Completes `transfer` with `error` on the loop's next turn, never from within ``start(_:completion:)``.
    private func failAtStart(_ transfer: HTTPTransfer, _ error: HTTPTransferError) {
        failedAtStart.append((transfer, error))
        failureTimer.schedule(after: 0) { [unowned self] in
            let failed = failedAtStart
            failedAtStart = []
            for (transfer, error) in failed {
                transfer.release()
                transfer.complete(.failure(error))
            }
        }
    }

    /// Tells curl what happened on `socket` (or that its timeout came, for
    /// `verify_curl_socket_timeout`), then does what waited for curl to return, then completes
    /// the transfers curl finished.
    private func act(on socket: curl_socket_t, _ events: Int32) {
        guard let multi else { return }
        var running: Int32 = 0
        insideCurl = true
        _ = curl_multi_socket_action(multi, socket, events, &running)
        insideCurl = false
        let waiting = deferred
        deferred = []
        for action in waiting { action() }
        completeFinishedTransfers()
    }

    /// Takes the finished transfers from curl and frees their handles, then calls their
    /// completions; a completion may start, cancel or close anything.
    private func completeFinishedTransfers() {
        guard let multi else { return }
        var finished: [(HTTPTransfer, Result<HTTPResponse, HTTPTransferError>)] = []
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                  let transfer = transfers.removeValue(forKey: easy) else { continue }
            let outcome = transfer.outcome(message.pointee.data.result)
            curl_multi_remove_handle(multi, easy)
            transfer.release()
            finished.append((transfer, outcome))
        }
        for (transfer, outcome) in finished {
            if self.multi == nil { transfer.abandon() } else { transfer.complete(outcome) }
        }
    }

    /// Runs `action` now, or once curl has returned when it is running.
    private func outsideCurl(_ action: @escaping () -> Void) {
        if insideCurl { deferred.append(action) } else { action() }
    }

    // MARK: curl's callbacks

    private static func from(_ pointer: UnsafeMutableRawPointer?) -> CurlMulti {
        Unmanaged<CurlMulti>.fromOpaque(pointer!).takeUnretainedValue()
    }

    /// `CURLMOPT_SOCKETFUNCTION`: watch `socket` for `what` (`CURL_POLL_IN`, `_OUT`, `_INOUT`),
    /// or stop watching it (`CURL_POLL_REMOVE`, which leaves the socket open). 0, or -1 when
    /// libuv refuses the socket.
    func watch(_ socket: curl_socket_t, _ what: Int32) -> Int32 {
        if what == CURL_POLL_REMOVE {
            polls.removeValue(forKey: socket)?.close()
            return 0
        }
        let poll: UVPoll
        if let existing = polls[socket] {
            poll = existing
        } else {
            if let flags = try? Posix.getFlags(socket, F_GETFD), flags & FD_CLOEXEC == 0 {
                // Not one of ours: a socket pair curl made itself, whose other end is open too.
                ProcessSetup.markOpenDescriptorsCloseOnExec()
            }
            guard let created = try? UVPoll(loop: loop, descriptor: socket) else { return -1 }
            poll = created
            polls[socket] = poll
        }
        var events: Int32 = 0
        if what & CURL_POLL_IN != 0 { events |= Int32(UV_READABLE.rawValue) }
        if what & CURL_POLL_OUT != 0 { events |= Int32(UV_WRITABLE.rawValue) }
        poll.start(events: events) { [unowned self] status, events in
            socketReady(socket, status: status, events: events)
        }
        return 0
    }

    /// A poll saw `events` on `socket`, or an error: a negative `status` (libuv's EBADF for
    /// POLLERR) with no events, after which libuv has stopped the poll. curl must hear of that
    /// error as `CURL_CSELECT_ERR`, or it waits on the socket for ever (curl issue #14254). The
    /// events the poll waited for go with it, so that curl reads or writes and reports the
    /// socket's own error ("Connection reset by peer"), not only "select/poll returned error".
    func socketReady(_ socket: curl_socket_t, status: Int32, events: Int32) {
        var flags: Int32 = 0
        let seen = status < 0 ? polls[socket]?.events ?? 0 : events
        if status < 0 { flags |= CURL_CSELECT_ERR }
        if seen & Int32(UV_READABLE.rawValue) != 0 { flags |= CURL_CSELECT_IN }
        if seen & Int32(UV_WRITABLE.rawValue) != 0 { flags |= CURL_CSELECT_OUT }
        act(on: socket, flags)
    }

    /// `CURLMOPT_TIMERFUNCTION`: call curl back in `milliseconds` (0: on the loop's next turn),
    /// or not at all when negative. Only the loop calls curl, never this callback.
    private func scheduleTimeout(_ milliseconds: Int) {
        guard milliseconds >= 0 else {
            timer.stop()
            return
        }
        timer.schedule(after: UInt64(milliseconds)) { [unowned self] in
            act(on: verify_curl_socket_timeout, 0)
        }
    }

    /// `CURLOPT_OPENSOCKETFUNCTION`: the socket curl asked for, close-on-exec.
    private func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>?) -> curl_socket_t {
        guard let address else { return verify_curl_socket_bad }
        let socket = try? Posix.socket(family: address.pointee.family, type: address.pointee.socktype,
                                       protocol: address.pointee.protocol)
        return socket ?? verify_curl_socket_bad
    }

    /// `CURLOPT_CLOSESOCKETFUNCTION`: closes the poll on `socket` while its number is still this
    /// socket's, then the socket.
    func closeSocket(_ socket: curl_socket_t) -> Int32 {
        polls.removeValue(forKey: socket)?.close()
        return Glibc.close(socket)
    }
}
