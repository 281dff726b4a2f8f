import Foundation

/// Base64 for the `auth` fields of credential files and for `Authorization: Basic`.
enum Base64 {
    /// Standard base64 with padding.
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes standard base64, with or without padding, ignoring surrounding white space;
    /// `nil` for anything else.
    static func decode(_ text: String) -> [UInt8]? {
        var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let remainder = trimmed.utf8.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { trimmed += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: trimmed).map { Array($0) }
    }
}
