import ArgumentParser
import Verifier

/// `verify merge OUT DIR…`: the merge's command line, and nothing else; the work is in
/// ``ResultMerge``.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the output directories of the shards of a list (or of runs resumed many times) into one.",
        discussion: """
            The newest record of each line wins (by finished_at, then by the order of the \
            directories). OUT gets results.jsonl, the three status files and run.json, as if one \
            run had verified the whole list, and the summary goes to stderr. Directories whose \
            run.json disagree on what "good" means (client, --registry, --depth, --platform) are \
            refused; missing shards are warned about.

            Exit status: 0 every merged image is good; 1 some image is an error or a timeout; \
            2 a directory cannot be merged, or OUT cannot be written.
            """)

    @Argument(help: ArgumentHelp("Where the merged results go (created if missing).", valueName: "out"))
    var output: String

    @Argument(help: ArgumentHelp("The output directories to merge.", valueName: "dir"))
    var directories: [String]

    @Flag(name: .long, help: "Replace results already in OUT.")
    var overwrite = false

    func validate() throws {
        if directories.isEmpty { throw ValidationError("give at least one directory to merge after OUT") }
    }

    func run() throws {
        do {
            let summary = try ResultMerge.run(directories: directories, output: output, overwrite: overwrite)
            Console.line(summary.report())
            throw ExitCode(summary.exitStatus.rawValue)
        } catch let error as VerifyError {
            Console.line("verify: error: \(error)")
            throw ExitCode(ExitStatus.environmentError.rawValue)
        }
    }
}
