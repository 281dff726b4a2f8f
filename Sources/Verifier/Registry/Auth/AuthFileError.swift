/// A credentials file (docker's `config.json`, podman's `auth.json`) that cannot be used. Each
/// names the file and says what to do; none quotes the file's content, which holds secrets.
enum AuthFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is there but cannot be read.
    case unreadable(path: String, reason: String)
    /// The file is larger than any credentials file is.
    case tooLarge(path: String, limit: Int)
    /// The file is not JSON of the expected shape; `reason` says where (keys only, never values).
    case malformed(path: String, reason: String)

    var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read the credentials file \(EscapedText.make(path)): \(reason); fix its permissions or remove it"
        case .tooLarge(let path, let limit):
            return "the credentials file \(EscapedText.make(path)) is larger than \(limit / 1024) KiB, which no credentials file is; check what it is"
        case .malformed(let path, let reason):
            return "the credentials file \(EscapedText.make(path)) is malformed: \(reason); fix it, or log in again (docker login / podman login)"
        }
    }
}
