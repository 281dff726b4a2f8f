#if canImport(Glibc)
import Glibc
#endif

/// What `--client registry` checks and how it connects: the options of the registry client, handed
/// to each worker in its ``WorkerConfiguration``.
public struct RegistryOptions: Codable, Sendable, Equatable {
    /// How far into each image the check looks (`--depth`).
    var depth: CheckDepth = .default
    /// Only this platform of a multi-platform image (`--platform OS/ARCH[/VARIANT]`); `nil`: all.
    var platform: Platform?
    /// Plain HTTP and unverified certificates are allowed (`--insecure`).
    public var insecure = false
    /// A PEM file of certificate authorities to trust instead of the system's (`--ca-cert`).
    public var caCertificate: String?
    /// Connections per registry per worker (`--max-connections`).
    public var maxConnections = 8

    /// The defaults: `--depth blobs`, every platform, HTTPS with the system's authorities, 8 connections.
    public init() {}

    /// Sets `--depth` from its command-line value.
    public mutating func setDepth(_ text: String) throws(VerifyError) {
        guard let depth = CheckDepth(rawValue: text) else {
            throw .invalidOption(flag: "--depth", reason: "must be manifest, blobs or content, not \"\(EscapedText.make(text, limit: 100))\"")
        }
        self.depth = depth
    }

    /// Sets `--ca-cert`: a file that can be read, checked now, since curl would otherwise fail
    /// every image with it as a network error.
    public mutating func setCACertificate(_ path: String) throws(VerifyError) {
        do throws(SystemError) {
            let fd = try Posix.open(path, flags: O_RDONLY | O_CLOEXEC)
            defer { close(fd) }
            let status = try Posix.fileStatus(fd, describing: path)
            guard status.st_mode & S_IFMT == S_IFREG else { throw SystemError("read \(path)", code: EISDIR) }
        } catch {
            throw .invalidOption(flag: "--ca-cert", reason: "cannot read \"\(EscapedText.make(path, limit: 200))\": \(String(cString: strerror(error.code)))")
        }
        caCertificate = path
    }

    /// Sets `--platform` from its command-line value.
    public mutating func setPlatform(_ text: String) throws(VerifyError) {
        do { platform = try Platform(parsing: text) } catch {
            throw .invalidOption(flag: "--platform", reason: error.description)
        }
    }
}

/// Which client checks each image (`--client`).
public enum ClientKind: String, Codable, Sendable, CaseIterable {
    /// `docker pull`, `docker image inspect`, `docker rmi`: can this daemon pull it here.
    case docker
    /// The registry's HTTP API from the workers' own loops: is every manifest and blob there.
    case registry
}
