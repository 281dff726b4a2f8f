import Testing
@testable import Verifier

/// The summary keeps the first few of a list, and how many in all, in constant memory.
struct SampleTests {
    @Test func keepsTheFirstTenAndCountsTheRest() {
        var sample = Sample<Int>()
        #expect(sample.isEmpty)
        for number in 1...1_000_000 { sample.append(number) }
        #expect(sample.first == Array(1...10))
        #expect(sample.count == 1_000_000)
    }

    @Test func aSummaryOfAMillionInvalidLinesShowsTenAndTheCount() {
        var summary = RunSummary(total: 100_000)
        for line in 1...100_000 {
            summary.add(ImageRecord(reference: "Bad/\(line)", line: line, pulled: nil,
                                    verdict: .error(.invalidReference, "line \(line): repository name must be lowercase"),
                                    worker: nil, attempts: 0, startedAt: .now, finishedAt: .now))
        }
        let report = summary.report()
        #expect(report.contains("  invalid lines: 100000 (error_image.txt)\n    line 1: repository name must be lowercase\n"))
        #expect(report.contains("    … and 99990 more"))
        #expect(report.split(separator: "\n").count < 30)
    }
}
