import ArgumentParser

/// The `verify` command: its subcommands, `check` the default, so that `verify LIST …` runs the
/// main job as it always has.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Prove that a registry migration worked: check every image of a list on the new registry.",
        subcommands: [CheckCommand.self, ReportCommand.self, MergeCommand.self],
        defaultSubcommand: CheckCommand.self)
}
