/// Parses `WWW-Authenticate` header values (RFC 9110 §11.6.1) into challenges.
///
/// ```
/// challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
/// auth-param = token BWS "=" BWS ( token / quoted-string )
/// ```
///
/// One value may hold several challenges, separated by commas like the parameters, and a
/// response may carry several headers; quoted strings may hold commas and `\"` escapes. A
/// comma followed by `name=` continues the current challenge; one followed by a bare token
/// starts the next. Malformed text ends the parsing of that value: the challenges before it
/// are kept.
enum WWWAuthenticate {
    /// The challenges of every header value in `values`, in order.
    static func parse(_ values: [String]) -> [AuthChallenge] {
        values.flatMap { parse($0) }
    }

    /// The challenges of one header value, in order.
    static func parse(_ value: String) -> [AuthChallenge] {
        var scanner = Scanner(Array(value.utf8))
        var challenges: [AuthChallenge] = []
        while true {
            scanner.skip { $0 == comma || isSpace($0) }
            guard !scanner.atEnd, let scheme = scanner.token() else { return challenges }
            let hadSpace = scanner.skip(isSpace) > 0
            var parameters: [String: String] = [:]
            var token68: String?
            if hadSpace, !scanner.atEnd, scanner.peek != comma {
                if scanner.startsParameter() {
                    while let (name, value) = scanner.parameter() {
                        if parameters[name] == nil { parameters[name] = value }
                        scanner.skip(isSpace)
                        guard scanner.peek == comma else { break }
                        var lookahead = scanner
                        lookahead.skip { $0 == comma || isSpace($0) }
                        guard lookahead.startsParameter() else { break }
                        scanner = lookahead
                    }
                } else if let token = scanner.token68() {
                    token68 = token
                } else {
                    challenges.append(AuthChallenge(scheme: scheme))
                    return challenges
                }
            }
            challenges.append(AuthChallenge(scheme: scheme, parameters: parameters, token68: token68))
            scanner.skip(isSpace)
            if !scanner.atEnd && scanner.peek != comma { return challenges }
        }
    }

    private static let comma = UInt8(ascii: ",")
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// A cursor over the bytes of a header value.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index >= bytes.count }
        var peek: UInt8? { atEnd ? nil : bytes[index] }

        /// Skips bytes while `matches`; how many.
        @discardableResult
        mutating func skip(_ matches: (UInt8) -> Bool) -> Int {
            let start = index
            while let byte = peek, matches(byte) { index += 1 }
            return index - start
        }

        /// RFC 9110 `token`: one or more tchars.
        mutating func token() -> String? {
            let start = index
            skip(Self.isTokenCharacter)
            return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
        }

        /// Whether a parameter (`name BWS =`) starts here, not to be confused with a token68
        /// that ends in `=` padding.
        func startsParameter() -> Bool {
            var copy = self
            guard copy.token() != nil else { return false }
            copy.skip { $0 == 0x20 || $0 == 0x09 }
            guard copy.peek == UInt8(ascii: "=") else { return false }
            copy.index += 1
            copy.skip { $0 == 0x20 || $0 == 0x09 }
            guard let next = copy.peek else { return false }
            return next == UInt8(ascii: "\"") || Self.isTokenCharacter(next)
        }

        /// `name BWS "=" BWS (token / quoted-string)`, the name lowercased.
        mutating func parameter() -> (String, String)? {
            guard startsParameter(), let name = token() else { return nil }
            skip { $0 == 0x20 || $0 == 0x09 }
            index += 1
            skip { $0 == 0x20 || $0 == 0x09 }
            if peek == UInt8(ascii: "\"") { return quoted().map { (name.lowercased(), $0) } }
            return token().map { (name.lowercased(), $0) }
        }

        /// A quoted string, unescaped; `nil` when it is not closed.
        mutating func quoted() -> String? {
            index += 1
            var value: [UInt8] = []
            while let byte = peek {
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: value, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let escaped = peek else { return nil }
                    value.append(escaped)
                    index += 1
                default:
                    value.append(byte)
                }
            }
            return nil
        }

        /// RFC 9110 `token68`, which must end the challenge.
        mutating func token68() -> String? {
            let start = index
            skip { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                    || byte == UInt8(ascii: "~") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/")
            }
            guard index > start else { return nil }
            skip { $0 == UInt8(ascii: "=") }
            let end = index
            skip { $0 == 0x20 || $0 == 0x09 }
            guard atEnd || peek == UInt8(ascii: ",") else { index = start; return nil }
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }

        static func isTokenCharacter(_ byte: UInt8) -> Bool {
            if byte >= 0x30 && byte <= 0x39 { return true }
            if byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A { return true }
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
