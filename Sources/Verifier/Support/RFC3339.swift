import Foundation

/// RFC 3339 time stamps in UTC with milliseconds: `2026-11-28T03:54:21.123Z`.
enum RFC3339 {
    static func string(from date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
