import ArgumentParser
import Verifier

/// `verify report DIR`: the reports of an output directory's results, without verifying anything.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write reports (HTML, JUnit XML, Prometheus textfile) from the results in an output directory.",
        discussion: """
            Reads DIR/results.jsonl (the newest record of each reference) and DIR/run.json. Each report \
            is written whole to a new file beside its path, then renamed over it.
            """)

    @Argument(help: ArgumentHelp("The output directory of a verify check run.", valueName: "dir"))
    var directory: String

    @OptionGroup var reports: ReportOptions

    func validate() throws {
        if reports.targets.isEmpty { throw ValidationError("name at least one report: --html, --junit or --metrics") }
    }

    func run() throws {
        do { try reports.targets.write(from: directory) } catch {
            Console.line("verify: error: \(error)")
            throw ExitCode(ExitStatus.environmentError.rawValue)
        }
    }
}
