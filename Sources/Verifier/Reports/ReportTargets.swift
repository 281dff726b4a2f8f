import Foundation

/// Which reports to write, and where: `--html`, `--junit`, `--metrics`, for `verify report` and at
/// the end of `verify check`.
public struct ReportTargets: Sendable, Equatable {
    /// The HTML page's path.
    public var html: String?
    /// The JUnit XML file's path.
    public var junit: String?
    /// The Prometheus textfile's path.
    public var metrics: String?

    /// The longest failures table in the HTML page.
    public static let failureLimit = 2_000

    public init(html: String? = nil, junit: String? = nil, metrics: String? = nil) {
        self.html = html
        self.junit = junit
        self.metrics = metrics
    }

    /// No report asked for.
    public var isEmpty: Bool { html == nil && junit == nil && metrics == nil }

    /// Checks, before a run, that each report has a directory to be written in: a run of hours
    /// should not learn at its end that `--html` named a directory that does not exist.
    ///
    /// - Throws: ``VerifyError/invalidOption(flag:reason:)`` naming the option.
    func checkDirectories() throws(VerifyError) {
        for (flag, path) in [("--html", html), ("--junit", junit), ("--metrics", metrics)] {
            guard let path else { continue }
            let directory = (path as NSString).deletingLastPathComponent
            let info: stat
            do { info = try Posix.status(directory.isEmpty ? "." : directory) } catch {
                throw .invalidOption(flag: flag, reason: "cannot write \(EscapedText.make(path)): \(error)")
            }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw .invalidOption(flag: flag, reason: "cannot write \(EscapedText.make(path)): \(EscapedText.make(directory)) is not a directory")
            }
        }
    }

    /// Reads the results in `directory` and writes each report asked for, each whole or not at all.
    ///
    /// - Throws: ``VerifyError/resultsUnreadable(path:reason:)`` when `directory` holds no
    ///   readable `results.jsonl`; ``VerifyError/outputNotWritable(_:)`` or
    ///   ``VerifyError/outputFull(_:)`` when a report cannot be written.
    public func write(from directory: String) throws(VerifyError) {
        guard !isEmpty else { return }
        let results = try ResultsDirectory.read(directory)
        let data = ReportData(records: results.records, failureLimit: Self.failureLimit)
        if let html {
            try ReportFile.write(HTMLReport(data, parameters: results.parameters, skippedLines: results.skippedLines).render(), to: html)
        }
        if let junit {
            try ReportFile.write(JUnitReport.render(data, records: results.records, parameters: results.parameters), to: junit)
        }
        if let metrics {
            try ReportFile.write(PrometheusReport.render(data, records: results.records), to: metrics)
        }
    }
}
