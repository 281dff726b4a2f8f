import Foundation
import Testing
@testable import Verifier

struct RegistryFailureTests {
    @Test(arguments: [
        ("manifest-missing-tag", RegistryFailure.Target.manifest, ErrorCategory.notFound,
         #"HTTP 404: MANIFEST_UNKNOWN: manifest unknown {"Tag":"v9"}"#),
        ("manifest-missing-repo", .manifest, .notFound, #"HTTP 404: MANIFEST_UNKNOWN: manifest unknown {"Tag":"v1"}"#),
        ("name-unknown-tags", .manifest, .notFound, #"HTTP 404: NAME_UNKNOWN: repository name not known to registry {"name":"fixtures/nothing-here"}"#),
        ("multi-index-docker-accept", .manifest, .notFound, "HTTP 404: MANIFEST_UNKNOWN: OCI index found, but accept header does not support OCI indexes"),
        ("single-oci-docker-accept", .manifest, .notFound, "HTTP 404: MANIFEST_UNKNOWN: OCI manifest found, but accept header does not support OCI manifests"),
        ("manifest-bad-reference", .manifest, .serverError,
         #"HTTP 500: UNKNOWN: unknown error {"DriverName":"filesystem","Path":"/docker/registry/v2/repositories/fixtures/single/_manifests/tags/sha256:abc/current/link"}"#),
        ("blob-missing-head", .blob, .blobUnknown, "HTTP 404"),
        ("fault-blob-503-html", .blob, .serverError, "HTTP 503"),
        ("fault-blob-503-html-get", .blob, .serverError,
         "HTTP 503: <html> <head><title>503 Service Unavailable</title></head> <body> <center><h1>503 Service Unavailable</h1></center> <hr><center>nginx/1.25.3</center> </body> </html>"),
        ("fault-manifest-429-retry-after", .manifest, .rateLimited,
         "HTTP 429: TOOMANYREQUESTS: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit"),
        ("fault-manifest-503-retry-after-date", .manifest, .serverError, "HTTP 503: UNAVAILABLE: service unavailable"),
        ("manifest-put-refused", .manifest, .serverError,
         "HTTP 500: UNKNOWN: unknown error; UNKNOWN: unknown error {}; MANIFEST_BLOB_UNKNOWN: blob unknown to registry \"sha256:4612f6d0b889cad0ed0292fae3a0b0c8a9e49aff6dea8eb049b2386d9b07986f\""),
    ] as [(String, RegistryFailure.Target, ErrorCategory, String)])
    func filesRealAnswers(_ fixture: String, _ target: RegistryFailure.Target, _ category: ErrorCategory, _ message: String) throws {
        let answer = try RegistryFixtures.answer(fixture)
        let failure = RegistryFailure(status: answer.status, body: answer.body, target: target)
        #expect(failure.category == category)
        #expect(failure.message == message)
    }

    @Test func aMissingBlobIsBlobUnknownButAMissingManifestNotFound() throws {
        let answer = try RegistryFixtures.answer("blob-missing-get")
        #expect(RegistryFailure(status: answer.status, body: answer.body, target: .blob).category == .blobUnknown)
        #expect(RegistryFailure(status: 404, body: [], target: .manifest).category == .notFound)
    }

    @Test(arguments: [
        (401, "", RegistryFailure.Target.manifest, ErrorCategory.unauthorized),
        (403, "", .blob, .unauthorized),
        (404, #"{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"#, .manifest, .unauthorized),
        (400, #"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}"#, .blob, .unauthorized),
        (429, "", .blob, .rateLimited),
        (503, #"{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}"#, .manifest, .rateLimited),
        (400, #"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"x"}]}"#, .manifest, .notFound),
        (400, #"{"errors":[{"code":"BLOB_UNKNOWN","message":"x"}]}"#, .blob, .blobUnknown),
        (502, "", .manifest, .serverError),
        (504, "<html>", .blob, .serverError),
        (400, "", .manifest, .other),
        (416, "", .blob, .other),
    ] as [(Int, String, RegistryFailure.Target, ErrorCategory)])
    func filesStatusesAndCodes(_ status: Int, _ body: String, _ target: RegistryFailure.Target, _ category: ErrorCategory) {
        #expect(RegistryFailure(status: status, body: Array(body.utf8), target: target).category == category)
    }

    @Test func readsErrorBodies() throws {
        let errors = try #require(RegistryErrorBody(parsing: try RegistryFixtures.body("manifest-put-refused")))
        #expect(errors.entries.map(\.code) == ["UNKNOWN", "UNKNOWN", "MANIFEST_BLOB_UNKNOWN"])
        #expect(errors.entries.map(\.detail) == [nil, "{}", "\"sha256:4612f6d0b889cad0ed0292fae3a0b0c8a9e49aff6dea8eb049b2386d9b07986f\""])
        #expect(errors.has("manifest_blob_unknown") && !errors.has("DENIED"))
        for body in ["", "<html>", "{}", #"{"errors":[]}"#, "[1]", "null"] {
            #expect(RegistryErrorBody(parsing: Array(body.utf8)) == nil, "\(body)")
        }
        #expect(RegistryFailure(status: 500, body: Array("line one\n\tline two".utf8), target: .manifest).message == "HTTP 500: line one line two")
    }

    static let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT

    @Test(arguments: [
        ("120", 120.0), (" 0 ", 0), ("Sun, 06 Nov 1994 08:51:37 GMT", 120), ("Sunday, 06-Nov-94 08:50:37 GMT", 60),
        ("Sun Nov  6 08:49:47 1994", 10), ("Sun, 06 Nov 1994 08:00:00 GMT", 0), ("Mon, 07 Nov 1994 08:49:37 GMT", 86_400),
    ])
    func readsRetryAfter(_ value: String, _ seconds: Double) {
        #expect(RetryAfter.seconds(value, now: Self.now) == seconds)
    }

    @Test(arguments: ["", "soon", "-5", "1.5", "Sun, 06 Nov 1994 25:00:00 GMT", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                      "06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 PST"])
    func refusesOtherRetryAfters(_ value: String) {
        #expect(RetryAfter.seconds(value, now: Self.now) == nil)
    }

    @Test func readsHTTPDatesInAllThreeForms() {
        for text in ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            #expect(HTTPDate.parse(text) == Self.now, "\(text)")
        }
        #expect(HTTPDate.parse("Thu, 29 Feb 2024 23:59:59 GMT") == Date(timeIntervalSince1970: 1_709_251_199))
        #expect(HTTPDate.parse("Thursday, 01-Jan-70 00:00:00 GMT") == Date(timeIntervalSince1970: 0))
    }

    @Test func aDateRetryAfterWithoutAClockIsUnknown() throws {
        var headers = try RegistryFixtures.answer("fault-manifest-503-retry-after-date").headers
        #expect(RegistryAnswer(status: 503, headers: headers).retryAfterSeconds == 120)
        let sent = try #require(headers["date"].flatMap(HTTPDate.parse))
        headers["date"] = nil
        #expect(RegistryAnswer(status: 503, headers: headers).retryAfterSeconds == nil)
        let receivedAt = sent.addingTimeInterval(60)
        #expect(RegistryAnswer(status: 503, headers: headers, receivedAt: receivedAt).retryAfterSeconds == 60)
        #expect(RegistryAnswer(status: 429, headers: ["Retry-After": "7"]).retryAfterSeconds == 7)
    }

    @Test func readsDockerHubsRateLimitHeaders() {
        let answer = RegistryAnswer(status: 200, headers: ["RateLimit-Limit": "100;w=21600", "RateLimit-Remaining": "76;w=21600"])
        #expect(answer.rateLimit == RateLimit(limit: "100;w=21600", remaining: "76;w=21600"))
        #expect(answer.rateLimit?.limit == 100 && answer.rateLimit?.remaining == 76 && answer.rateLimit?.windowSeconds == 21_600)
        #expect(RateLimit(limit: "200", remaining: nil) .map { ($0.limit, $0.remaining, $0.windowSeconds) }! == (200, nil, nil))
        #expect(RateLimit(limit: nil, remaining: "5") == nil)
        #expect(RateLimit(limit: "lots", remaining: "5") == nil)
    }
}
