import Foundation

/// Docker Hub's pull quota, from `RateLimit-Limit: 100;w=21600` and `RateLimit-Remaining: 76;w=21600`.
struct RateLimit: Sendable, Equatable, Codable {
    /// Pulls allowed in a window.
    let limit: Int
    /// Pulls left in the current window, when the registry says.
    let remaining: Int?
    /// The window in seconds (`w=`), when the registry says.
    let windowSeconds: Int?

    /// Reads the two headers; `nil` when `limit` is missing or is not a number.
    init?(limit: String?, remaining: String?) {
        guard let limit, let (count, window) = Self.quota(limit) else { return nil }
        self.limit = count
        self.remaining = remaining.flatMap(Self.quota)?.count
        self.windowSeconds = window
    }

    /// `100;w=21600` → (100, 21600).
    private static func quota(_ text: String) -> (count: Int, window: Int?)? {
        let parts = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = parts.first, let count = Int(first), count >= 0 else { return nil }
        let window = parts.dropFirst().first { $0.hasPrefix("w=") }.flatMap { Int($0.dropFirst(2)) }
        return (count, window)
    }
}
