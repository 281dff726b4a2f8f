import ArgumentParser
import Verifier

/// `--html`, `--junit` and `--metrics`: the reports, for `verify report` and `verify check`.
struct ReportOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Write a self-contained HTML report here.", valueName: "file"))
    var html: String?

    @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report here (one testcase per image).", valueName: "file"))
    var junit: String?

    @Option(name: .long, help: ArgumentHelp("Write a Prometheus textfile here (for node_exporter's textfile collector).", valueName: "file"))
    var metrics: String?

    /// The reports asked for.
    var targets: ReportTargets { ReportTargets(html: html, junit: junit, metrics: metrics) }
}
