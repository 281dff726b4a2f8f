/// Content digests as registries write them. verify deals only in SHA-256, the one algorithm
/// Docker and Distribution produce; anything else is refused as invalid.
enum Digest {
    /// What every digest starts with.
    static let algorithmPrefix = "sha256:"

    /// Whether `text` is `sha256:` and 64 lowercase hex digits.
    static func isValid(_ text: some StringProtocol) -> Bool {
        guard text.hasPrefix(algorithmPrefix) else { return false }
        let hex = text.utf8.dropFirst(algorithmPrefix.utf8.count)
        return hex.count == 64 && hex.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
    }

    /// `text`, if it is a valid digest.
    static func validated(_ text: String) throws(DigestError) -> String {
        guard isValid(text) else { throw DigestError(text: text) }
        return text
    }

    /// The digest of a manifest or blob: the SHA-256 of its exact bytes, as served.
    static func of(_ bytes: [UInt8]) -> String {
        SHA256Hasher.digest(of: bytes)
    }
}

/// A digest that is not `sha256:` and 64 lowercase hex digits.
struct DigestError: Error, Equatable, CustomStringConvertible {
    /// The text that was refused.
    let text: String

    var description: String {
        "invalid digest \"\(EscapedText.make(text, limit: 100))\": expected sha256: and 64 lowercase hex digits"
    }
}
