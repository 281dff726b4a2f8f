import Foundation

/// The `Retry-After` header of a 429 or 503 answer: how long the registry asks the client to wait.
enum RetryAfter {
    /// The wait `value` asks for, in seconds from `now`: delta-seconds (`120`) as they are, an
    /// HTTP date (``HTTPDate``) as the time until then, 0 when it is past. `nil` when `value` is
    /// neither, or is a date and `now` is not known.
    static func seconds(_ value: String, now: Date?) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return Double(text)
        }
        guard let now, let date = HTTPDate.parse(text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
