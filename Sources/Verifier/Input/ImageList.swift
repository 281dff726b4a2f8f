/// The image list's rules: one reference a line, read the way a person who wrote it by hand would
/// expect. ``ListPlanner`` applies them line by line, as the run goes.
///
/// White space, CR characters and a UTF-8 byte order mark are trimmed; blank lines and lines whose
/// first non-blank character is `#` are skipped. A line seen before is counted as a duplicate and
/// not verified again. Lines that are not valid references stay in the list as invalid entries,
/// so that each one gets a result of its own.
enum ImageList {
    /// One line of the list that is neither blank, nor a comment, nor a duplicate.
    struct Entry: Sendable {
        /// The 1-based line number in the list.
        let line: Int
        /// The line as written, trimmed.
        let text: String
        /// The parsed reference, or why the line is not one: parsed when asked, so that a line a
        /// resumed run skips costs no parse.
        var reference: Result<ImageReference, ReferenceError> {
            Result { () throws(ReferenceError) in try ImageReference(parsing: text) }
        }
    }

    /// A line that repeats an earlier one.
    struct Duplicate: Sendable, Equatable {
        /// The 1-based line number of the repetition.
        let line: Int
        /// The line as written, trimmed.
        let text: String
        /// The line where the reference first appeared.
        let firstLine: Int
    }

    /// A list line as verify echoes it in messages and the summary: escaped, and cut at 200
    /// characters (``EscapedText/make(_:limit:)``).
    static func shown(_ text: String) -> String {
        EscapedText.make(text, limit: 200)
    }

    /// Whether `byte` is ASCII white space: space, TAB, LF, VT, FF or CR.
    static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// `line` without the white space (CRs included) and byte order marks at either end, found
    /// scalar by scalar: a step back over Characters is not constant time, and a line can be long.
    static func trim(_ line: ArraySlice<UInt8>) -> String {
        // Plain ASCII (nearly every line) is trimmed on its bytes: white space is then only these.
        if line.allSatisfy({ $0 < 0x80 }) {
            guard let first = line.firstIndex(where: { !isASCIISpace($0) }), let last = line.lastIndex(where: { !isASCIISpace($0) }) else { return "" }
            return String(decoding: line[first...last], as: UTF8.self)
        }
        let scalars = Substring(decoding: line, as: UTF8.self).unicodeScalars
        let isKept = { (scalar: Unicode.Scalar) in !scalar.properties.isWhitespace && scalar != "\u{FEFF}" }
        guard let first = scalars.firstIndex(where: isKept), let last = scalars.lastIndex(where: isKept) else { return "" }
        return String(scalars[first...last])
    }
}

extension ImageList.Entry {
    /// `line 17: repository name must be lowercase: "Team/App:v1"`: what is wrong with this line.
    func problem(_ error: ReferenceError) -> String {
        problem(reason: error.reason)
    }

    /// `line 17: REASON: "Team/App:v1"`.
    func problem(reason: String) -> String {
        "line \(line): \(reason): \"\(ImageList.shown(text))\""
    }
}
