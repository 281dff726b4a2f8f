/// Makes client output fit on one line of a tab-separated file.
enum OneLine {
    /// `text` with tabs, CRs and newlines turned into single spaces, trimmed, and cut to `limit`
    /// characters (with an ellipsis).
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
            if result.count >= limit { return result + "…" }
        }
        return result
    }
}
