/// A password, token or header value that must never reach a log, a result file or an error
/// message. However it is printed (interpolation, `String(describing:)`, `String(reflecting:)`,
/// `dump`, or inside an enum payload or a collection), it shows as `<redacted>`; the text itself
/// is only reachable through ``revealed``, which the code that puts it on the wire calls.
struct Secret: Sendable, Equatable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    init(_ value: String) {
        self.value = value
    }

    /// The secret itself, for the HTTP request or the credential helper, and nothing else.
    var revealed: String { value }

    /// Whether the secret is the empty string.
    var isEmpty: Bool { value.isEmpty }

    var description: String { "<redacted>" }
    var debugDescription: String { "<redacted>" }
    /// No children, so `dump` and mirrors see nothing but the type.
    var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
