/// A compact key for one list line: 128 bits of SipHash (the standard library's `Hasher`, keyed
/// per process), so that an index of a million lines holds 16 bytes a line, not the lines.
///
/// Keys are for this process's memory only: `Hasher`'s seed changes from run to run, so a key is
/// never written anywhere. Two lines share a key with a probability of about n²/2¹²⁹.
struct LineKey: Hashable, Sendable {
    private let high: Int
    private let low: Int

    init(_ text: some StringProtocol) {
        var first = Hasher()
        first.combine(0 as UInt8)
        first.combine(text)
        var second = Hasher()
        second.combine(1 as UInt8)
        second.combine(text)
        high = first.finalize()
        low = second.finalize()
    }

    /// 32 bits of the key: enough to tell apart the few lines that share another key.
    var tag: UInt32 { UInt32(truncatingIfNeeded: low) }
}
