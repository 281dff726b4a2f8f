#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The credentials files verify reads, in the order it consults them.
///
/// Which files, and in what order:
///
/// 1. `$REGISTRY_AUTH_FILE`, when set: the user chose it explicitly (podman, buildah and skopeo
///    read it instead of their own default file).
/// 2. docker's `config.json`: `$DOCKER_CONFIG/config.json`, or `~/.docker/config.json`. This is
///    what `docker pull` and `crane` read, and `--client docker` is verify's default.
/// 3. podman's `$XDG_RUNTIME_DIR/containers/auth.json` (what `podman login` writes), unless
///    `REGISTRY_AUTH_FILE` is set, which replaces it for podman too.
///
/// For a registry, each file's candidates (``AuthFile/candidates(for:)``) follow one another in
/// that order; the first that yields credentials wins, and a credential helper that holds none
/// for the registry passes to the next. When none yields any, requests go anonymously.
///
/// podman itself puts its auth.json before docker's config.json; verify puts docker's first
/// because it speaks for `docker pull` unless told otherwise, and says so in its messages.
struct CredentialFiles: Sendable {
    /// The files that were there, in order.
    let files: [AuthFile]
    /// Every path that was looked at, there or not, in order: for a message that says where
    /// credentials were looked for.
    let searched: [String]

    init(files: [AuthFile], searched: [String]) {
        self.files = files
        self.searched = searched
    }

    /// The paths to read, in order, given the environment and the home directory (`nil` when
    /// there is none, and so no `~/.docker`).
    static func paths(environment: [String: String], home: String?) -> [(path: String, flavor: AuthFile.Flavor)] {
        let value = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var paths: [(String, AuthFile.Flavor)] = []
        let authFile = value("REGISTRY_AUTH_FILE")
        if let authFile { paths.append((authFile, .containers)) }
        if let directory = value("DOCKER_CONFIG") {
            paths.append((directory + "/config.json", .docker))
        } else if let home = home.flatMap({ $0.isEmpty ? nil : $0 }) {
            paths.append((home + "/.docker/config.json", .docker))
        }
        if authFile == nil, let runtime = value("XDG_RUNTIME_DIR") {
            paths.append((runtime + "/containers/auth.json", .containers))
        }
        return paths
    }

    /// Reads the files of ``paths(environment:home:)`` with `read` (``AuthFileReader/read(_:)``
    /// unless a test gives another), skipping those that are not there.
    ///
    /// - Throws: ``AuthFileError`` for the first file that is there but unreadable or malformed;
    ///   its message names the file.
    static func load(environment: [String: String], home: String?,
                     read: (String) throws(AuthFileError) -> [UInt8]? = AuthFileReader.read) throws(AuthFileError) -> CredentialFiles {
        var files: [AuthFile] = []
        let paths = paths(environment: environment, home: home)
        for (path, flavor) in paths {
            guard let bytes = try read(path) else { continue }
            files.append(try AuthFile(path: path, flavor: flavor, bytes: bytes))
        }
        return CredentialFiles(files: files, searched: paths.map(\.path))
    }

    /// Every place the credentials for `registry` may be, best first.
    func candidates(for registry: AuthRegistry) -> [CredentialCandidate] {
        files.flatMap { $0.candidates(for: registry) }
    }
}

extension CredentialFiles {
    /// The credentials files of the user verify runs as: its environment, and its home directory
    /// (`HOME`, else the password database's).
    ///
    /// - Throws: ``VerifyError/credentials(_:)`` for a file that is there but cannot be used.
    static func forThisUser() throws(VerifyError) -> CredentialFiles {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? getpwuid(getuid()).flatMap { $0.pointee.pw_dir }.map { String(cString: $0) }
        do { return try load(environment: environment, home: home) } catch { throw .credentials(error.description) }
    }
}
