/// Percent-encoding for query strings and `application/x-www-form-urlencoded` bodies: every byte
/// but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`, so that `:`, `/`,
/// `&`, `=`, `+` and spaces in a scope or token cannot be misread.
enum FormEncoding {
    /// `name=value` pairs joined by `&`, each side percent-encoded.
    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    /// `text` percent-encoded.
    static func escape(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            if isUnreserved(byte) {
                result.append(Character(Unicode.Scalar(byte)))
            } else {
                result += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return result
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
    }
}
