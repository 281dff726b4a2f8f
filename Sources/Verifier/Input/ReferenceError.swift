/// Why a line of the image list is not a valid image reference.
public struct ReferenceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A short reason a person can act on, such as `repository name must be lowercase`.
    public let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    /// The reason, as printed.
    public var description: String { reason }
}
