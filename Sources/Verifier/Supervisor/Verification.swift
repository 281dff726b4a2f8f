import Foundation

/// The main job: read the list, verify every image in it, write the results.
public enum Verification {
    /// Runs `configuration` to the end and says how it ended.
    ///
    /// The checks come in this order, each before anything that depends on it: the list, the
    /// client, the file limit, the output directory (which keeps earlier results until the first
    /// new one is written), and then, when any image is to be verified, the daemon. A signal is
    /// watched from the daemon check on. The list is planned as the run goes: its start before the
    /// daemon check, the rest a chunk at a time while the first images are verified.
    ///
    /// - Throws: ``VerifyError`` for problems found before any image is verified: an unreadable
    ///   list, a missing client, an unwritable output directory, an unreachable daemon.
    public static func run(_ configuration: RunConfiguration) throws(VerifyError) -> RunOutcome {
        ProcessSetup.prepare()
        try configuration.validate()
        let list = try ListSource(path: configuration.listPath)
        // Counted before the output directory is touched: a signal before the supervisor watches
        // them ends verify at once, and would leave what --overwrite prepares behind.
        let total = try list.countEntries(shard: configuration.shard)
        let client: String
        switch configuration.clientKind {
        case .docker: client = try ClientLocator.locate(configuration.client)
        case .registry:
            client = "registry"
            // A credentials file that cannot be used is one clear error now, not one per image.
            _ = try CredentialFiles.forThisUser()
        }
        try FileDescriptorLimit.ensure(FileDescriptorLimit.needed(processes: configuration.processes, concurrency: configuration.concurrency))
        let writer = try ResultWriter(directory: configuration.outputDirectory, mode: configuration.outputMode,
                                      parameters: RunParameters(configuration, client: client))
        // Closing removes what --overwrite prepared, unless the run got as far as replacing the old results.
        defer { writer.close() }
        let history: ResultHistory?
        if case .resume = configuration.outputMode { history = writer.history } else { history = nil }
        let supervisor = try Supervisor(configuration: configuration, client: client, list: list, history: history,
                                        writer: writer, summary: RunSummary(total: total))
        if try supervisor.planStart(), configuration.clientKind == .docker {
            guard try supervisor.checkDaemon() else { return .interrupted(supervisor.summary) }
        }
        let outcome = supervisor.run()
        // A line re-run by --retry-failed has an older record in a status file: write them anew.
        if configuration.retryFailed && writer.hasWritten { try writer.rewriteStatusFiles() }
        var resultsAreThisRuns = writer.hasWritten
        if case .completed = outcome {
            try writer.commit()
            resultsAreThisRuns = true
        }
        // Not from the old results that an --overwrite run stopped before replacing.
        if resultsAreThisRuns { try configuration.reports.write(from: configuration.outputDirectory) }
        return outcome
    }
}
