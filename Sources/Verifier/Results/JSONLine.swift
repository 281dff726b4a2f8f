/// One record as a line of `results.jsonl` that every line reader splits where JSON does.
///
/// JSONEncoder leaves U+0085 (NEL), U+2028, U+2029 and DEL unescaped inside strings; readers that
/// split on Unicode line breaks (Python's `str.splitlines`, for one) would cut such a record in
/// two. They can only occur inside strings (keys and punctuation are ASCII), where `\uXXXX` means
/// the same character, so they are escaped here.
enum JSONLine {
    /// `json` with those characters escaped, and a newline.
    static func make(_ json: some Sequence<UInt8>) -> [UInt8] {
        var line: [UInt8] = []
        var bytes = Array(json)[...]
        while let byte = bytes.popFirst() {
            switch byte {
            case 0x7F:
                line += Array(#"\u007f"#.utf8)
            case 0xC2 where bytes.first == 0x85:
                bytes.removeFirst()
                line += Array(#"\u0085"#.utf8)
            case 0xE2 where bytes.starts(with: [0x80, 0xA8]) || bytes.starts(with: [0x80, 0xA9]):
                let last = bytes.dropFirst().first!
                bytes.removeFirst(2)
                line += Array((last == 0xA8 ? #"\u2028"# : #"\u2029"#).utf8)
            default:
                line.append(byte)
            }
        }
        line.append(UInt8(ascii: "\n"))
        return line
    }
}
