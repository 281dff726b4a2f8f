#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Finds the container client the way a shell would, once, so that workers run a fixed path.
enum ClientLocator {
    /// The absolute path of `name`: as given when it contains a `/`, otherwise the first
    /// executable file of that name on PATH.
    static func locate(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) throws(VerifyError) -> String {
        if name.contains("/") {
            guard isExecutableFile(name) else { throw .clientNotFound(name) }
            return name.hasPrefix("/") ? name : FileManager.default.currentDirectoryPath + "/" + name
        }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = directory + "/" + name
            if candidate.hasPrefix("/") && isExecutableFile(candidate) { return candidate }
        }
        throw .clientNotFound(name)
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        guard let info = try? Posix.status(path), (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return (try? Posix.call("access \(path)") { access(path, X_OK) }) != nil
    }
}
