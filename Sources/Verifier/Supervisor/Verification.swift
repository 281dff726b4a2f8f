import Foundation

/// The main job: read the list, verify every image in it, write the results.
public enum Verification {
    /// Runs `configuration` to the end and says how it ended.
    ///
    /// The checks come in this order, each before anything that depends on it: the list, the
    /// client, the file limit, the output directory (which keeps earlier results until the first
    /// new one is written), and then the daemon. A signal is watched from the daemon check on.
    ///
    /// - Throws: ``VerifyError`` for problems found before any image is verified: an unreadable
    ///   list, a missing client, an unwritable output directory, an unreachable daemon.
    public static func run(_ configuration: RunConfiguration) throws(VerifyError) -> RunOutcome {
        ProcessSetup.prepare()
        try configuration.validate()
        var list: ImageList?
        do { list = ImageList(bytes: try Posix.readAll(configuration.listPath)) } catch {
            throw .listUnreadable(path: configuration.listPath, reason: String(cString: strerror(error.code)))
        }
        let client = try ClientLocator.locate(configuration.client)
        try FileDescriptorLimit.ensure(FileDescriptorLimit.needed(processes: configuration.processes, concurrency: configuration.concurrency))
        let writer = try ResultWriter(directory: configuration.outputDirectory, mode: configuration.outputMode,
                                      parameters: RunParameters(configuration, client: client))
        // Closing removes what --overwrite prepared, unless the run got as far as replacing the old results.
        defer { writer.close() }
        guard let parsed = list else { preconditionFailure("the list was read above") }
        var summary = RunSummary(total: parsed.entries.count, duplicates: Sample(parsed.duplicates))
        let (jobs, invalid) = plan(parsed, configuration: configuration, history: writer.history, summary: &summary)
        // The jobs hold what the run needs; the parsed list goes before the run starts.
        list = nil
        let outcome: RunOutcome
        if jobs.isEmpty {
            for record in invalid {
                try writer.write(record)
                summary.add(record)
            }
            outcome = .completed(summary)
        } else {
            let supervisor = try Supervisor(configuration: configuration, client: client, jobs: jobs, writer: writer, summary: summary)
            guard try supervisor.checkDaemon() else { return .interrupted(supervisor.summary) }
            for record in invalid { try supervisor.record(record) }
            outcome = supervisor.run()
        }
        // A line re-run by --retry-failed has an older record in a status file: write them anew.
        if configuration.retryFailed && writer.hasWritten { try writer.rewriteStatusFiles() }
        if case .completed = outcome { try writer.commit() }
        return outcome
    }

    /// The list's lines to verify as jobs (with the reference each pulls), and a record for each
    /// invalid line to record; lines that already have a result in `history` are counted in
    /// `summary` and left out (with `retryFailed`, only those whose newest result is good).
    private static func plan(_ list: ImageList, configuration: RunConfiguration, history: ResultHistory,
                             summary: inout RunSummary) -> (jobs: [Job], invalid: [ImageRecord]) {
        var jobs: [Job] = []
        var invalid: [ImageRecord] = []
        var matched = 0
        let now = Date()
        let registry = configuration.registry
        for entry in list.entries {
            let newest = history.newest(of: entry.text)
            if let newest {
                matched += 1
                if !configuration.retryFailed || newest.status == .good {
                    summary.addEarlier(newest.status)
                    continue
                }
            }
            let parsed = entry.reference
            // An invalid line stays invalid: --retry-failed re-runs only what was pulled.
            if let newest, case .failure = parsed {
                summary.addEarlier(newest.status)
                continue
            }
            do {
                let reference = try parsed.get()
                let pulled = try registry.map { registry throws(ReferenceError) in try reference.replacingRegistry(with: registry) } ?? reference
                jobs.append(Job(text: entry.text, line: entry.line, pull: pulled.description, pullKey: LineKey(pulled.pullKey)))
            } catch {
                invalid.append(ImageRecord(reference: entry.text, line: entry.line, pulled: nil,
                                           verdict: .error(.invalidReference, entry.problem(error)), worker: nil, attempts: 0,
                                           startedAt: now, finishedAt: now))
            }
        }
        summary.recordsForOtherLines = history.newest.count - matched
        return (jobs, invalid)
    }
}
