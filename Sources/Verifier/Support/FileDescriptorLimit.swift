#if canImport(Glibc)
import Glibc
#endif

/// Makes sure the process may open enough files for the work it is asked to do.
enum FileDescriptorLimit {
    /// Raises the soft RLIMIT_NOFILE to `needed` where it is lower. Child processes inherit it.
    ///
    /// - Throws: ``VerifyError/fileDescriptorLimit(needed:hardLimit:)`` when the hard limit is lower.
    static func ensure(_ needed: UInt64) throws(VerifyError) {
        var limit = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limit) == 0 else { return }
        if limit.rlim_cur == rlim_t.max || limit.rlim_cur >= needed { return }
        guard limit.rlim_max == rlim_t.max || limit.rlim_max >= needed else {
            throw .fileDescriptorLimit(needed: needed, hardLimit: UInt64(limit.rlim_max))
        }
        limit.rlim_cur = rlim_t(needed)
        guard setrlimit(resource, &limit) == 0 else {
            throw .fileDescriptorLimit(needed: needed, hardLimit: UInt64(limit.rlim_max))
        }
    }

    /// Descriptors a worker needs for `concurrency` images in flight: each client has two pipes,
    /// and spawning it briefly takes four more; plus headroom for the loop and the channel.
    static func neededByWorker(concurrency: Int) -> UInt64 {
        UInt64(6 * concurrency + 64)
    }
}
