import Foundation

/// RFC 3339 time stamps in UTC with milliseconds: `2026-11-28T03:54:21.123Z`.
enum RFC3339 {
    static func string(from date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// The time `text` stands for, with or without milliseconds; `nil` when it is no RFC 3339 time stamp.
    static func date(from text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
