import Foundation

/// The error body of the Distribution API: `{"errors":[{"code":…,"message":…,"detail":…}]}`.
/// `detail` may be any JSON value; it is kept as compact JSON text.
struct RegistryErrorBody: Sendable, Equatable {
    /// One entry of `errors`.
    struct Entry: Sendable, Equatable {
        /// `MANIFEST_UNKNOWN`, `BLOB_UNKNOWN`, `DENIED`, `TOOMANYREQUESTS`, …, as written.
        let code: String
        /// The registry's explanation, if any.
        let message: String?
        /// `detail` as compact JSON with sorted keys, if any.
        let detail: String?
    }

    /// The errors, in the body's order.
    let entries: [Entry]

    /// Reads `body`; `nil` when it is not such a body (empty, HTML, another JSON shape).
    init?(parsing body: [UInt8]) {
        guard !body.isEmpty,
              let object = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) as? [String: Any],
              let errors = object["errors"] as? [[String: Any]], !errors.isEmpty else { return nil }
        entries = errors.map { error in
            Entry(code: error["code"] as? String ?? "UNKNOWN", message: error["message"] as? String,
                  detail: error["detail"].flatMap(Self.compactJSON))
        }
    }

    /// Whether any entry has `code` (compared case-insensitively).
    func has(_ code: String) -> Bool {
        entries.contains { $0.code.caseInsensitiveCompare(code) == .orderedSame }
    }

    /// All entries on one line: `MANIFEST_UNKNOWN: manifest unknown {"Tag":"v9"}; …`.
    var summary: String {
        entries.map { entry in
            [entry.code + (entry.message == nil ? "" : ":"), entry.message, entry.detail].compactMap { $0 }.joined(separator: " ")
        }.joined(separator: "; ")
    }

    private static func compactJSON(_ value: Any) -> String? {
        if value is NSNull { return nil }
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]) else {
            return nil
        }
        return String(decoding: data, as: UTF8.self)
    }
}
