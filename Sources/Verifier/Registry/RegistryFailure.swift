/// How a registry's answer other than success is filed: its category and one line that carries
/// the status and the registry's own codes and messages.
///
/// Manifests and blobs are told apart: a missing manifest is ``ErrorCategory/notFound`` (the
/// image is not there), a missing blob ``ErrorCategory/blobUnknown`` (the image is there but
/// broken). The rules, first match wins:
///
/// | answer | category |
/// | --- | --- |
/// | 401, 403, or code `UNAUTHORIZED` / `DENIED` | unauthorized |
/// | 429, or code `TOOMANYREQUESTS` | rate-limited |
/// | manifest: 404, or code `MANIFEST_UNKNOWN` / `NAME_UNKNOWN` | not-found |
/// | blob: 404, or code `BLOB_UNKNOWN` | blob-unknown |
/// | 5xx | server-error |
/// | anything else | other |
///
/// A 401 reaching this far is final: the auth layer below has already answered the challenge.
struct RegistryFailure: Sendable, Equatable {
    /// Whether the answer was to a manifest or a blob request.
    enum Target: Sendable {
        case manifest
        case blob
    }

    /// How a record files it.
    let category: ErrorCategory
    /// `HTTP 404: MANIFEST_UNKNOWN: manifest unknown {"Tag":"v9"}`, on one line.
    let message: String

    init(category: ErrorCategory, message: String) {
        self.category = category
        self.message = message
    }

    /// Files an answer with `status` and `body` to a request for a `target`.
    init(status: Int, body: [UInt8], target: Target) {
        let errors = RegistryErrorBody(parsing: body)
        let has = { (codes: [String]) in codes.contains { errors?.has($0) == true } }
        if status == 401 || status == 403 || has(["UNAUTHORIZED", "DENIED"]) {
            category = .unauthorized
        } else if status == 429 || has(["TOOMANYREQUESTS"]) {
            category = .rateLimited
        } else if target == .manifest, status == 404 || has(["MANIFEST_UNKNOWN", "NAME_UNKNOWN"]) {
            category = .notFound
        } else if target == .blob, status == 404 || has(["BLOB_UNKNOWN"]) {
            category = .blobUnknown
        } else if (500...599).contains(status) {
            category = .serverError
        } else {
            category = .other
        }
        var text = "HTTP \(status)"
        if let errors {
            text += ": " + errors.summary
        } else if !body.isEmpty {
            text += ": " + String(decoding: body.prefix(400), as: UTF8.self)
        }
        message = OneLine.make(text, limit: 400)
    }
}
