/// Text made safe for an XML 1.0 document, in an attribute or an element.
enum XMLText {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped, and every character XML 1.0 cannot hold at
    /// all, even escaped (control characters other than tab, line feed and carriage return; lone
    /// surrogates cannot occur in a Swift string; U+FFFE and U+FFFF), written as `\u{1B}` instead.
    /// In an attribute, tab, line feed and carriage return are escaped too, so that a parser's
    /// attribute normalisation keeps them.
    static func escape(_ text: String, attribute: Bool = false) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n", "\r":
                escaped += attribute ? "&#\(scalar.value);" : String(scalar)
            case "\u{00}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}":
                escaped += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default:
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
