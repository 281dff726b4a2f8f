import Foundation
import Testing
@testable import Verifier

/// The numbers every report is made of, from the records alone.
struct ReportDataTests {
    @Test func countsStatusesCategoriesAndTheVerdict() {
        let data = ReportData(records: ReportFixture.mixed())
        #expect(data.total == 400)
        #expect((data.good, data.errors, data.timeouts) == (319, 61, 20))
        #expect(data.categories == [.init(name: "not-found", count: 40), .init(name: "network", count: 20),
                                    .init(name: "timeout", count: 20), .init(name: "invalid-reference", count: 1)])
        #expect(data.verdict == "81 of 400 images failed: 61 errors and 20 timeouts.")
        #expect(!data.allGood)
        #expect(ReportData(records: [ReportFixture.record(0, .good)]).verdict == "All 1 images are good.")
        #expect(ReportData(records: []).verdict == "No image has a result yet.")
    }

    @Test func timingRateAndThroughput() {
        // 240 images, one started every half second, each taking a second: the last finishes at 120.5 s.
        let records = (0..<240).map { ReportFixture.record($0, .good, durationMs: 1_000) }
        let data = ReportData(records: records)
        #expect(data.elapsedSeconds == 120.5)
        #expect(data.imagesPerMinute == [118, 120, 2])
        #expect(data.throughputBinMinutes == 1)
        #expect(abs((data.rate ?? 0) - 240 / (120.5 / 60)) < 1e-9)
        // A run of 10 hours has at most 120 points: 5-minute bins, each as images per minute.
        let long = ReportData(records: (0..<600).map { ReportFixture.record($0, .good, durationMs: 10, spacing: 60) })
        #expect(long.throughputBinMinutes == 5)
        #expect(long.imagesPerMinute.count == 120)
        #expect(long.imagesPerMinute.allSatisfy { $0 == 1 })
    }

    @Test func durationsFallIntoLogScaleBinsFromTheFirstFullToTheLastFull() {
        let data = ReportData(records: [5, 15, 19, 999, 1_000, 7_000_000].enumerated().map {
            ReportFixture.record($0.offset, .good, durationMs: Int64($0.element))
        })
        #expect(data.durationBins.first == ReportData.DurationBin(lowerMs: 0, upperMs: 10, count: 1))
        #expect(data.durationBins[1] == ReportData.DurationBin(lowerMs: 10, upperMs: 20, count: 2))
        #expect(data.durationBins.last == ReportData.DurationBin(lowerMs: 5_000_000, upperMs: nil, count: 1))
        #expect(data.durationBins.map(\.count).reduce(0, +) == 6)
    }

    @Test func failuresAreCappedAndOrderedRepositoriesRanked() {
        let data = ReportData(records: ReportFixture.mixed(count: 2_000), failureLimit: 50)
        #expect(data.failureCount == 401)
        #expect(data.failures.count == 50)
        #expect(data.failures.map(\.failureCategory) == data.failures.map(\.failureCategory).sorted { ($0 ?? "") < ($1 ?? "") })
        #expect(data.repositories.count == ReportData.maximumRepositories)
        #expect(data.repositories.map(\.count) == data.repositories.map(\.count).sorted(by: >))
        #expect(data.reasons.first?.message == "manifest unknown: <b>no</b> such tag")
    }

    @Test func theNewestRecordOfEachReferenceWins() throws {
        let directory = ReportFixture.scratch()
        let encoder = JSONEncoder()
        func line(_ reference: String, _ status: String, _ category: String?) -> String {
            let record: [String: String?] = ["reference": reference, "status": status, "category": category,
                                             "started_at": "2026-11-28T00:00:00.000Z", "finished_at": "2026-11-28T00:00:01.500Z"]
            return String(decoding: try! encoder.encode(record), as: UTF8.self) + "\n"
        }
        let text = line("a:1", "error", "network") + line("b:1", "good", nil) + "not a record\n" + line("a:1", "good", nil)
            + line("c:1", "timeout", "timeout")
        try text.write(toFile: directory + "/results.jsonl", atomically: true, encoding: .utf8)
        try #"{"client": "registry", "registry": "r.example.com", "depth": "blobs"}"#.write(toFile: directory + "/run.json", atomically: true, encoding: .utf8)
        let results = try ResultsDirectory.read(directory)
        #expect(results.records.map(\.reference) == ["b:1", "a:1", "c:1"])
        #expect(results.records.map(\.status) == [.good, .good, .timeout])
        #expect(results.skippedLines == 1)
        #expect(results.parameters?.registry == "r.example.com")
        #expect(results.records[0].finishedAt != nil)
        #expect(results.records[0].finishedAt == RFC3339.date(from: "2026-11-28T00:00:01.5Z"))
        #expect(results.records[0].finishedAt?.timeIntervalSince(results.records[0].startedAt!) == 1.5)
    }

    @Test func aMissingResultsFileIsOneLineThatSaysWhatToDo() {
        #expect {
            try ResultsDirectory.read("/nonexistent/out")
        } throws: { error in
            "\(error)" == "cannot read the results /nonexistent/out/results.jsonl (open /nonexistent/out/results.jsonl: No such file or directory); name the --output-dir of a verify check run"
        }
    }
}

/// The page's column charts, as drawn.
struct ColumnChartLayoutTests {
    /// A tick label is centred on its tick; the last tick sits at the plot's right end, so the
    /// chart must leave room after it for half a label ("100 ms" was cut to "100 m").
    @Test func theLastTickLabelHasRoomInsideTheChart() throws {
        // Durations of 2 to 100 ms, as the quickstart's: the last bin ends at the "100 ms" tick.
        let records = [2, 4, 30, 60, 95].enumerated().map { ReportFixture.record($0.offset, .good, durationMs: Int64($0.element)) }
        let page = HTMLReport(ReportData(records: records), parameters: nil).render()
        for chart in ["duration-chart", "throughput-chart"] {
            let svg = try #require(page.range(of: "<svg id=\"\(chart)\"").map { String(page[$0.lowerBound...].prefix { $0 != "\u{0}" }) })
            let end = try #require(svg.range(of: "</svg>"))
            let drawn = String(svg[..<end.upperBound])
            let width = try #require(drawn.firstMatch(of: /viewBox="0 0 (\d+) \d+"/).flatMap { Double($0.1) })
            let ticks = drawn.matches(of: /<text x="([\d.]+)" y="194" text-anchor="middle">([^<]*)</).compactMap { match in
                Double(match.1).map { (x: $0, label: String(match.2)) }
            }
            let last = try #require(ticks.max { $0.x < $1.x })
            // The charts' text is 12 px: about 7.2 units a character, half a label on each side.
            #expect(last.x + Double(last.label.count) * 3.6 + 2 <= width, "\(chart): \"\(last.label)\" at \(last.x) of \(width)")
        }
    }
}
