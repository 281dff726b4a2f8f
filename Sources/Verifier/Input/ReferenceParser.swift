/// The reference grammar of distribution/reference, as `docker pull` applies it
/// (`ParseNormalizedNamed`), written out by hand: it runs once per list line, up to 100,000 times.
enum ReferenceParser {
    static func parse(_ text: String) throws(ReferenceError) -> ImageReference {
        guard !text.isEmpty else { throw ReferenceError("reference is empty") }
        guard !text.hasPrefix("-") else { throw ReferenceError("reference must not start with \"-\"") }
        guard text.utf8.count <= ImageReference.maximumLength else {
            throw ReferenceError("reference is \(text.utf8.count) bytes long; no valid reference is longer than \(ImageReference.maximumLength)")
        }
        // Printable ASCII other than the space needs no look at Unicode's properties: the common case, cheaply.
        let isPlainASCII = text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
        if !isPlainASCII, let (offset, scalar) = text.unicodeScalars.enumerated().first(where: { $1.properties.isWhitespace || !EscapedText.isVisible($1) }) {
            let kind = scalar.properties.isWhitespace ? "white space"
                : scalar.properties.generalCategory == .control ? "a control character" : "an invisible character"
            throw ReferenceError("reference contains \(kind) \"\(EscapedText.make(String(scalar)))\" at character \(offset + 1)")
        }
        if text.utf8.count == 64 && text.utf8.allSatisfy(isLowerHex) {
            throw ReferenceError("a 64-character hex string is an image ID, not a reference")
        }

        var remainder = Substring(text)
        var digest: String?
        if let at = remainder.firstIndex(of: "@") {
            let candidate = remainder[remainder.index(after: at)...]
            guard isValidDigest(candidate) else {
                throw ReferenceError("invalid digest \(quoted(candidate)): expected sha256: and 64 lowercase hex digits")
            }
            digest = String(candidate)
            remainder = remainder[..<at]
        }

        var tag: String?
        let lastSlash = remainder.lastIndex(of: "/")
        let tagSearchStart = lastSlash.map { remainder.index(after: $0) } ?? remainder.startIndex
        if let colon = remainder[tagSearchStart...].lastIndex(of: ":") {
            let candidate = remainder[remainder.index(after: colon)...]
            guard isValidTag(candidate) else {
                throw ReferenceError("invalid tag \(quoted(candidate)): a tag is 1 to 128 letters, digits, '_', '.' or '-', and starts with a letter, digit or '_'")
            }
            tag = String(candidate)
            remainder = remainder[..<colon]
        }
        guard !remainder.isEmpty else { throw ReferenceError("reference has no repository name") }

        var domain: String?
        var path = remainder
        if let slash = remainder.firstIndex(of: "/") {
            let first = remainder[..<slash]
            if readsAsDomain(first) {
                domain = String(first)
                path = remainder[remainder.index(after: slash)...]
            }
        }
        if let domain, !isValidDomain(domain) {
            throw ReferenceError("invalid registry host \(quoted(domain))")
        }
        if path.lowercased() != path {
            throw ReferenceError("repository name must be lowercase")
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) where !isValidPathComponent(component) {
            throw ReferenceError(component.isEmpty
                ? "repository name has an empty path component"
                : "invalid repository name component \(quoted(component)): use lowercase letters and digits, separated by '.', '_', '__' or '-'")
        }

        let reference = ImageReference(domain: domain, path: String(path), tag: tag, digest: digest)
        let normalizedLength = reference.normalizedRepository.utf8.count
        guard normalizedLength <= ImageReference.maximumNameLength else {
            throw ReferenceError("repository name is \(normalizedLength) characters long; the limit is \(ImageReference.maximumNameLength)")
        }
        return reference
    }

    /// `part` of a reference, quoted for a reason: escaped, and cut short, since the whole line is
    /// quoted after the reason.
    private static func quoted(_ part: some StringProtocol) -> String {
        "\"" + EscapedText.make(part, limit: 100) + "\""
    }

    /// Whether Docker reads `component`, the part of a name before its first `/`, as a registry
    /// host rather than as the first path component of a Docker Hub name: it has a dot, a colon or
    /// an uppercase letter, or is `localhost` (distribution/reference's `splitDockerDomain`).
    static func readsAsDomain(_ component: some StringProtocol) -> Bool {
        component.contains(".") || component.contains(":") || component == "localhost" || component.lowercased() != component
    }

    /// `host [":" port]`, where host is a DNS name, an IPv4 address or a bracketed IPv6 address.
    static func isValidDomain<S: StringProtocol>(_ text: S) -> Bool {
        var host = Substring(text)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let inside = host[host.index(after: host.startIndex)..<close]
            guard !inside.isEmpty, inside.utf8.allSatisfy({ isHex($0) || $0 == UInt8(ascii: ":") }) else { return false }
            host = host[host.index(after: close)...]
            return host.isEmpty || isValidPort(host)
        }
        if let colon = host.firstIndex(of: ":") {
            guard isValidPort(host[colon...]) else { return false }
            host = host[..<colon]
        }
        guard !host.isEmpty else { return false }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isValidDomainComponent)
    }

    /// `":" [0-9]+`
    private static func isValidPort(_ text: Substring) -> Bool {
        let digits = text.utf8.dropFirst()
        return text.first == ":" && !digits.isEmpty && digits.allSatisfy(isDigit)
    }

    /// `[a-zA-Z0-9]` or `[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]`
    private static func isValidDomainComponent(_ text: Substring) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, let last = bytes.last else { return false }
        return isAlphanumeric(first) && isAlphanumeric(last)
            && bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// `[a-z0-9]+ (separator [a-z0-9]+)*` with separator `[_.] | __ | [-]+`
    private static func isValidPathComponent(_ text: Substring) -> Bool {
        var separator: [UInt8] = []
        var sawAlphanumeric = false
        for byte in text.utf8 {
            if isLowerAlphanumeric(byte) {
                guard separator.isEmpty || isValidSeparator(separator) else { return false }
                separator.removeAll(keepingCapacity: true)
                sawAlphanumeric = true
            } else if byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") {
                guard sawAlphanumeric else { return false }
                separator.append(byte)
            } else {
                return false
            }
        }
        return sawAlphanumeric && separator.isEmpty
    }

    private static func isValidSeparator(_ separator: [UInt8]) -> Bool {
        switch separator {
        case [UInt8(ascii: "_")], [UInt8(ascii: ".")], [UInt8(ascii: "_"), UInt8(ascii: "_")]:
            return true
        default:
            return separator.allSatisfy { $0 == UInt8(ascii: "-") }
        }
    }

    /// `[\w][\w.-]{0,127}`
    private static func isValidTag(_ text: Substring) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, bytes.count <= 128, isWordCharacter(first) else { return false }
        return bytes.allSatisfy { isWordCharacter($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// `sha256:` and 64 lowercase hex digits.
    private static func isValidDigest(_ text: Substring) -> Bool {
        Digest.isValid(text)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private static func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    private static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool { isDigit(byte) || isLower(byte) }
    private static func isAlphanumeric(_ byte: UInt8) -> Bool { isLowerAlphanumeric(byte) || isUpper(byte) }
    private static func isWordCharacter(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == UInt8(ascii: "_") }
    private static func isLowerHex(_ byte: UInt8) -> Bool { isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")) }
    private static func isHex(_ byte: UInt8) -> Bool { isLowerHex(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F")) }
}
