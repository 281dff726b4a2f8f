import Foundation
import Testing
@testable import Verifier

/// The summary's registry line: requests, those over HTTP/2, connections and bytes, added up from
/// every attempt's ``RegistryDetails`` (which carry the counts from the worker, not into results.jsonl).
struct RunSummaryRegistryTests {
    /// A good record of `line` whose registry check made `requests` requests, `http2` of them
    /// answered over HTTP/2, on `connections` new connections.
    static func record(_ line: Int, requests: Int, http2: Int, connections: Int, sameAs: String? = nil) -> ImageRecord {
        var result = RegistryCheckResult()
        result.requests = requests
        result.answersOverHTTP2 = http2
        result.connectionsOpened = connections
        result.bytesFetched = 1000
        var verdict = Verdict.good(digest: "sha256:" + String(repeating: "a", count: 64))
        verdict.registry = RegistryDetails(result)
        return ImageRecord(reference: "r.example/a:\(line)", line: line, pulled: "r.example/a:\(line)", verdict: verdict,
                           worker: 1, attempts: 1, startedAt: .now, finishedAt: .now, sameAs: sameAs)
    }

    static func registryLine(_ records: [ImageRecord]) -> String? {
        var summary = RunSummary(total: records.count)
        for record in records {
            summary.add(record)
            // The supervisor counts each attempt it hears of; a line sharing a verdict made none.
            if record.sameAs == nil, let registry = record.verdict.registry { summary.addAttempt(registry) }
        }
        return summary.report().split(separator: "\n").first { $0.hasPrefix("  registry: ") }.map(String.init)
    }

    @Test func theLineSaysHowManyRequestsWentOverHTTP2AndOnHowManyConnections() {
        let line = Self.registryLine([Self.record(1, requests: 5, http2: 5, connections: 1),
                                      Self.record(2, requests: 4, http2: 3, connections: 0),
                                      Self.record(3, requests: 4, http2: 4, connections: 9, sameAs: "r.example/a:1")])
        #expect(line == "  registry: 9 requests (8 over HTTP/2) on 1 connection, \(ByteSize(bytes: 2000)) fetched")
    }

    @Test func withoutHTTP2TheLineLeavesItOut() {
        let line = Self.registryLine([Self.record(1, requests: 3, http2: 0, connections: 2), Self.record(2, requests: 3, http2: 0, connections: 0)])
        #expect(line == "  registry: 6 requests on 2 connections, \(ByteSize(bytes: 2000)) fetched")
    }

    @Test func theCountsTravelFromTheWorkerButAreNotRecorded() throws {
        let record = Self.record(1, requests: 5, http2: 4, connections: 2)
        let carried = try JSONDecoder().decode(Verdict.self, from: JSONEncoder().encode(record.verdict))
        #expect(carried.registry?.requestsOverHTTP2 == 4 && carried.registry?.connections == 2)
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any])
        #expect(json["bytes_fetched"] != nil)
        #expect(!json.keys.contains { $0.contains("http") || $0.contains("connection") || $0.contains("request") }, "\(json.keys.sorted())")
    }
}
