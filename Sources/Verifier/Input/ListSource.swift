#if canImport(Glibc)
import Glibc
#endif

/// The image list, open for the whole run. It is read twice and never held: once to count its
/// lines, then a chunk of lines at a time as the run plans them (``ListPlanner``); a job's line is
/// read again at its offset when the job is handed out.
///
/// Standard input, or any list that is not a regular file (a FIFO, a process substitution), is
/// first copied into an unnamed temporary file, so that its lines can be read at their offsets. A
/// regular file changed in place while the run reads it (its size or modification time) stops the
/// run: the offsets planned would no longer name the lines planned; `--resume` continues. A list
/// replaced by a rename (an editor's save, `sed -i`) is not seen: the run goes on with the file it
/// opened, which is what it planned.
final class ListSource {
    /// The list's path as given (`-` for standard input).
    let path: String
    private let descriptor: Int32
    private let identity: Identity

    /// What tells a file that changed from one that did not.
    private struct Identity: Equatable {
        let device: UInt64
        let inode: UInt64
        let size: Int
        let modifiedSeconds: Int
        let modifiedNanoseconds: Int

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int(info.st_size)
            modifiedSeconds = info.st_mtim.tv_sec
            modifiedNanoseconds = info.st_mtim.tv_nsec
        }
    }

    /// Opens the list at `path` (`-` for standard input).
    ///
    /// - Throws: ``VerifyError/listUnreadable(path:reason:)``.
    init(path: String) throws(VerifyError) {
        self.path = path
        let unreadable = { (error: SystemError) in VerifyError.listUnreadable(path: path, reason: String(cString: strerror(error.code))) }
        let given: Int32
        let info: stat
        do {
            given = path == "-" ? STDIN_FILENO : try Posix.open(path, flags: O_RDONLY)
            info = try Posix.fileStatus(given, describing: path)
        } catch { throw unreadable(error) }
        if info.st_mode & S_IFMT == S_IFREG {
            do { descriptor = given == STDIN_FILENO ? try Posix.duplicate(given) : given } catch { throw unreadable(error) }
        } else {
            defer { if given != STDIN_FILENO { close(given) } }
            // The whole error, which names the temporary directory when that is what is wrong.
            do { descriptor = try Self.spool(given, describing: path) } catch { throw .listUnreadable(path: path, reason: "\(error)") }
        }
        do { identity = Identity(try Posix.fileStatus(descriptor, describing: path)) } catch {
            close(descriptor)
            throw unreadable(error)
        }
    }

    deinit { close(descriptor) }

    /// A reader of the list's lines from the start.
    func lines() -> LineReader { LineReader(descriptor, describing: path, maximumLength: Self.maximumLineLength) }

    /// The longest line read whole (16 MiB): a longer one is an invalid line, recorded under a
    /// stand-in for its text, as nothing could parse it and no record should hold it.
    static let maximumLineLength = 16 << 20

    /// Lines that are neither blank nor comments (of `shard`, when given): how many images the list
    /// names at most (before its duplicates are known), read in one quick pass.
    func countEntries(shard: Shard? = nil) throws(VerifyError) -> Int {
        var reader = lines()
        var count = 0
        var lineNumber = 0
        do {
            while let line = try reader.next() {
                lineNumber += 1
                guard let bytes = line.bytes else {
                    if shard?.contains(ListPlanner.standIn(line: lineNumber, length: line.length)) ?? true { count += 1 }
                    continue
                }
                guard let first = bytes.first(where: { !ImageList.isASCIISpace($0) }), first != UInt8(ascii: "#") else { continue }
                if shard?.contains(ImageList.trim(bytes)) ?? true { count += 1 }
            }
        } catch {
            throw .listUnreadable(path: path, reason: String(cString: strerror(error.code)))
        }
        return count
    }

    /// The job whose line is at `planned`, read again and parsed: what a worker is sent.
    ///
    /// - Throws: ``VerifyError/listChanged(path:)`` when the list is not what was planned.
    func job(_ planned: PlannedJob, registry: RegistryHost?) throws(VerifyError) -> Job {
        var bytes = [UInt8](repeating: 0, count: Int(planned.length))
        let current: stat
        let count: Int
        do {
            current = try Posix.fileStatus(descriptor, describing: path)
            count = try Posix.read(descriptor, into: &bytes, at: planned.offset, describing: path)
        } catch {
            throw .listUnreadable(path: path, reason: String(cString: strerror(error.code)))
        }
        guard Identity(current) == identity, count == bytes.count else { throw .listChanged(path: path) }
        let text = ImageList.trim(bytes[...])
        guard let pulled = try? Job.pulled(text, registry: registry) else { throw .listChanged(path: path) }
        return Job(text: text, line: Int(planned.line), pull: pulled.description)
    }

    /// Copies `source` to its end into an unnamed temporary file (in `$TMPDIR`, or /tmp), and
    /// returns that file, open for reading.
    private static func spool(_ source: Int32, describing path: String) throws(SystemError) -> Int32 {
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let spool = try Posix.openUnnamed(in: directory)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        do {
            while true {
                let count = try Posix.read(source, into: &chunk, describing: path)
                if count == 0 { return spool }
                try Posix.writeAll(spool, Array(chunk[..<count]), describing: "a copy of \(path) in \(directory)")
            }
        } catch {
            close(spool)
            throw error
        }
    }
}
