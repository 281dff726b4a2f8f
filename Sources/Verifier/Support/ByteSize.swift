/// A size as a person writes it: `10G`, `500M`, `1.5T`, `2048` (bytes). K, M, G and T are powers of
/// 1,024, with or without a trailing `B` or `iB`.
public struct ByteSize: Sendable, Equatable, CustomStringConvertible {
    /// The size in bytes.
    let bytes: UInt64

    /// The largest size accepted: a pebibyte.
    static let maximum: UInt64 = 1 << 50

    init(bytes: UInt64) {
        self.bytes = bytes
    }

    /// Parses `text`; `nil` when it is not a size, or larger than a pebibyte.
    public init?(parsing text: String) {
        var number = Substring(text.uppercased())
        for suffix in ["IB", "B"] where number.hasSuffix(suffix) {
            number = number.dropLast(suffix.count)
            break
        }
        var unit: UInt64 = 1
        if let last = number.last, let power = "KMGT".firstIndex(of: last) {
            unit = 1 << (10 * UInt64("KMGT".distance(from: "KMGT".startIndex, to: power) + 1))
            number = number.dropLast()
        }
        guard let value = Double(number), value.isFinite, value >= 0, value * Double(unit) <= Double(Self.maximum) else { return nil }
        bytes = UInt64((value * Double(unit)).rounded())
    }

    /// `9.3G`, `512.0M`, `100B`: the size in the largest unit that keeps it at least 1.
    public var description: String {
        for (power, name) in [(40, "T"), (30, "G"), (20, "M"), (10, "K")] where bytes >= UInt64(1) << UInt64(power) {
            return String(format: "%.1f%@", Double(bytes) / Double(UInt64(1) << UInt64(power)), name)
        }
        return "\(bytes)B"
    }
}
