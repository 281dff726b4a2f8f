/// Why a manifest body cannot be checked: a schema 1 or unknown kind of manifest
/// (``ErrorCategory/unsupported``), or one that does not parse (``ErrorCategory/other``).
struct ManifestError: Error, Equatable, CustomStringConvertible {
    /// How a record files it.
    let category: ErrorCategory
    /// One line that says what is wrong.
    let message: String

    var description: String { message }
}
