/// Text that verify echoes (list lines, client output, option values) made safe to print: every
/// character that is not plainly visible written as an escape, and the whole cut to a bounded length.
public enum EscapedText {
    /// `text` with each invisible character written as an escape: `\t`, `\n` and `\r`; `\x1b` for
    /// the other ASCII controls and DEL; `\u{85}`, `\u{2028}` for the rest (C1 controls, Unicode
    /// white space other than the space, line and paragraph separators, format characters such as
    /// bidi overrides and zero-width spaces, private-use and unassigned code points).
    ///
    /// When that would be longer than `limit` characters, it is cut and ends in an ellipsis and
    /// the text's full length: `aaaa… (5242880 bytes)`, `limit` characters in all.
    ///
    /// A backslash is left as it is, so escaping twice changes nothing; where the exact text
    /// matters, it is in `results.jsonl`. Only the first `limit` or so characters are looked at.
    public static func make(_ text: some StringProtocol, limit: Int = 500) -> String {
        let cut = "… (\(text.utf8.count) bytes)"
        let room = max(0, limit - cut.unicodeScalars.count)
        var result = String.UnicodeScalarView()
        var length = 0
        var lengthWithinRoom = 0
        for scalar in text.unicodeScalars {
            let piece = isVisible(scalar) ? String.UnicodeScalarView([scalar]) : escape(scalar).unicodeScalars
            length += piece.count
            if length > limit { return String(String.UnicodeScalarView(result.prefix(lengthWithinRoom))) + cut }
            if length <= room { lengthWithinRoom = length }
            result.append(contentsOf: piece)
        }
        return String(result)
    }

    /// Whether `scalar` shows as itself: the space does; controls, other white space, separators,
    /// format characters, private-use and unassigned code points do not.
    static func isVisible(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator, .surrogate, .privateUse, .unassigned:
            return false
        default:
            return !scalar.properties.isWhitespace
        }
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\t": return "\\t"
        case "\n": return "\\n"
        case "\r": return "\\r"
        default:
            let hex = String(scalar.value, radix: 16)
            return scalar.isASCII ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{" + hex + "}"
        }
    }
}
