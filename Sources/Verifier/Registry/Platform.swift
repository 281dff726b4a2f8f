/// An operating system and CPU architecture, with an optional variant: `linux/amd64`,
/// `linux/arm64/v8`, `linux/arm/v7`. Written as `--platform` takes it and as records show it.
struct Platform: Hashable, Sendable, Codable, CustomStringConvertible {
    /// `linux`, `windows`, …
    let os: String
    /// `amd64`, `arm64`, `arm`, `s390x`, …
    let architecture: String
    /// `v7`, `v8`, …; `nil` when none is named.
    let variant: String?

    init(os: String, architecture: String, variant: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = variant?.isEmpty == true ? nil : variant
    }

    /// Reads a `--platform` value: `OS/ARCH` or `OS/ARCH/VARIANT`, in lowercase letters, digits,
    /// `_`, `-` and `.`. Architectures are normalised as containerd does (`x86_64` is `amd64`,
    /// `aarch64` is `arm64`), and so is case.
    init(parsing text: String) throws(PlatformError) {
        let parts = text.lowercased().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3 else {
            throw PlatformError(text: text, reason: "expected OS/ARCH or OS/ARCH/VARIANT, like linux/amd64 or linux/arm64/v8")
        }
        let allowed = { (part: String) in
            !part.isEmpty && part.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            }
        }
        for (name, part) in zip(["OS", "architecture", "variant"], parts) where !allowed(part) {
            throw PlatformError(text: text, reason: part.isEmpty ? "the \(name) is empty" : "the \(name) may hold only letters, digits, _, - and .")
        }
        self.init(os: parts[0], architecture: Self.normalizedArchitecture(parts[1]), variant: parts.count == 3 ? parts[2] : nil)
    }

    /// `os/architecture` or `os/architecture/variant`.
    var description: String {
        [os, architecture, variant].compactMap { $0 }.joined(separator: "/")
    }

    /// Whether an index entry for `entry` satisfies a `--platform` of `self`, as containerd
    /// decides: the OS and architecture must be equal; a filter without a variant takes any
    /// variant; a filter with one takes the same variant, an `arm64` entry without a variant
    /// counting as `v8` (the only arm64 variant images are built for).
    func matches(_ entry: Platform) -> Bool {
        guard os == entry.os, architecture == entry.architecture else { return false }
        guard let variant else { return true }
        return variant == (entry.variant ?? Self.defaultVariant(of: entry.architecture))
    }

    /// Whether this is the `unknown/unknown` of buildx's attestation manifests.
    var isUnknown: Bool { os == "unknown" && architecture == "unknown" }

    private static func normalizedArchitecture(_ architecture: String) -> String {
        switch architecture {
        case "x86_64", "x86-64": "amd64"
        case "aarch64": "arm64"
        default: architecture
        }
    }

    private static func defaultVariant(of architecture: String) -> String? {
        architecture == "arm64" ? "v8" : nil
    }
}

/// A `--platform` value that is not `OS/ARCH[/VARIANT]`.
struct PlatformError: Error, Equatable, CustomStringConvertible {
    /// The value that was refused.
    let text: String
    /// What is wrong with it.
    let reason: String

    var description: String { "invalid platform \"\(EscapedText.make(text, limit: 100))\": \(reason)" }
}
