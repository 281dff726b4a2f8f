/// Makes client output fit on one line of a tab-separated file.
enum OneLine {
    /// `text` with each run of tabs, CRs, newlines and spaces turned into a single space, trimmed,
    /// then escaped and cut to `limit` characters by ``EscapedText/make(_:limit:)``.
    static func make(_ text: String, limit: Int = 500) -> String {
        var result = ""
        var pendingSpace = false
        for character in text {
            if character == "\t" || character == "\n" || character == "\r" || character == "\r\n" || character == " " {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace { result.append(" ") }
            pendingSpace = false
            result.append(character)
        }
        return EscapedText.make(result, limit: limit)
    }
}
