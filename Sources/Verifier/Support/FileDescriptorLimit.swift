#if canImport(Glibc)
import Glibc
#endif

/// Makes sure the process may open enough files for the work it is asked to do.
enum FileDescriptorLimit {
    /// Raises the soft RLIMIT_NOFILE to `needed` where it is lower. Child processes inherit it.
    ///
    /// - Throws: ``VerifyError/fileDescriptorLimit(needed:hardLimit:)`` when the hard limit is lower.
    static func ensure(_ needed: UInt64) throws(VerifyError) {
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard var limit = try? Posix.limit(resource) else { return }
        if limit.rlim_cur == rlim_t.max || limit.rlim_cur >= needed { return }
        guard limit.rlim_max == rlim_t.max || limit.rlim_max >= needed else {
            throw .fileDescriptorLimit(needed: needed, hardLimit: UInt64(limit.rlim_max))
        }
        limit.rlim_cur = rlim_t(needed)
        do { try Posix.setLimit(resource, limit) } catch {
            throw .fileDescriptorLimit(needed: needed, hardLimit: UInt64(limit.rlim_max))
        }
    }

    /// Descriptors the supervisor and each worker need for `processes` workers with
    /// `concurrency` images in flight each: every client has two pipes, and spawning it briefly
    /// takes four more; the supervisor holds one channel per worker; plus headroom for the loop.
    /// Both values are bounded by validation, so the sum cannot overflow.
    static func needed(processes: Int, concurrency: Int) -> UInt64 {
        UInt64(6 * concurrency + 64) + UInt64(2 * processes)
    }
}
