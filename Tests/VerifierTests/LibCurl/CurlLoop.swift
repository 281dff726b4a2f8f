import Foundation
import Testing
@testable import Verifier

/// A fresh loop and multi for one test, run to its end.
struct CurlLoop {
    let loop: UVLoop
    let multi: CurlMulti

    init(options: CurlMulti.Options = CurlMulti.Options()) throws {
        loop = try UVLoop()
        multi = try CurlMulti(loop: loop, options: options)
    }

    /// Runs the loop until nothing is left to do, then closes the multi. `true` when the loop
    /// ended by itself; `false` when the watchdog had to close the multi after `limit` seconds
    /// (a hang, not a slow run: no test expects to come near it).
    func run(limit: Double = 60) -> Bool {
        var endedByItself = true
        let watchdog = UVTimer(loop: loop)
        watchdog.schedule(after: milliseconds(limit)) { [multi] in
            endedByItself = false
            multi.close()
        }
        watchdog.unref()
        loop.run()
        watchdog.close()
        multi.close()
        loop.run()
        return endedByItself
    }

    /// Runs `request` alone, with the loop to its end (which it must reach by itself); its outcome.
    func outcome(of request: HTTPRequest) -> Result<HTTPResponse, HTTPTransferError>? {
        var outcome: Result<HTTPResponse, HTTPTransferError>?
        multi.start(request) { outcome = $0 }
        #expect(outcome == nil, "not called from within start")
        #expect(run())
        return outcome
    }

    /// A request for `url` with `insecure` set (the fixtures speak plain HTTP).
    static func request(_ url: String, method: HTTPRequest.Method = .get, bodyLimit: Int = 1 << 20) -> HTTPRequest {
        var request = HTTPRequest(method, url, bodyLimit: bodyLimit)
        request.insecure = true
        return request
    }
}
