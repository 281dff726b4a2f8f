import Foundation

/// The main job: read the list, verify every image in it, write the results.
public enum Verification {
    /// Runs `configuration` to the end and says how it ended.
    ///
    /// - Throws: ``VerifyError`` for problems found before any image is verified: an unreadable
    ///   list, a missing client, an unwritable output directory, an unreachable daemon.
    public static func run(_ configuration: RunConfiguration) throws(VerifyError) -> RunOutcome {
        ProcessSetup.prepare()
        let list: ImageList
        do { list = ImageList(bytes: try Posix.readAll(configuration.listPath)) } catch {
            throw .listUnreadable(path: configuration.listPath, reason: String(cString: strerror(error.code)))
        }
        var jobs: [Job] = []
        var invalid: [ImageRecord] = []
        let now = Date()
        for entry in list.entries {
            do {
                let reference = try entry.reference.get()
                let pulled = try configuration.registry.map { registry throws(ReferenceError) in
                    try reference.replacingRegistry(with: registry)
                } ?? reference
                jobs.append(Job(text: entry.text, line: entry.line, pull: pulled.description))
            } catch {
                invalid.append(ImageRecord(reference: entry.text, line: entry.line, pulled: nil,
                                           verdict: .error(.invalidReference, entry.problem(error)), worker: nil, attempts: 0,
                                           startedAt: now, finishedAt: now))
            }
        }
        let writer = try ResultWriter(directory: configuration.outputDirectory, overwrite: configuration.overwrite)
        var summary = RunSummary(total: list.entries.count, duplicates: list.duplicates)
        guard !jobs.isEmpty else {
            for record in invalid {
                try writer.write(record)
                summary.add(record)
            }
            return .completed(summary)
        }
        let client = try ClientLocator.locate(configuration.client)
        try FileDescriptorLimit.ensure(FileDescriptorLimit.needed(processes: configuration.processes, concurrency: configuration.concurrency))
        let supervisor = try Supervisor(configuration: configuration, client: client, jobs: jobs, writer: writer, summary: summary)
        for record in invalid { try supervisor.record(record) }
        return supervisor.run()
    }
}
