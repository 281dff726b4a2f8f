/// The credentials a request carried, to be cut out of what the server answered before any of it
/// reaches a message: a registry, proxy or gateway that echoes the request in an error body
/// (`"message": "bad request: … authorization: Basic dXNlcjpw…"`) or in a challenge's
/// `error_description` would otherwise put them into the records, where ``Secret`` cannot see
/// them.
///
/// What is cut, each occurrence replaced by `<redacted>`: the `Authorization` value sent, its
/// credentials (what follows the scheme: a token, or Basic's base64), and for Basic the decoded
/// `user:password` and the password; each also as JSON may write it (`\/` for `/`). Pieces
/// shorter than ``minimumLength`` bytes are left, since they would cut ordinary words.
struct EchoedSecrets: Sendable {
    /// The shortest piece cut out.
    static let minimumLength = 4
    /// What replaces each piece.
    static let replacement = Array("<redacted>".utf8)

    private let pieces: [[UInt8]]

    /// The pieces of `authorization` (the value of the `Authorization` header sent; `nil`: none).
    init(sent authorization: Secret?) {
        guard let value = authorization?.revealed else {
            pieces = []
            return
        }
        var texts = [value]
        if let space = value.firstIndex(of: " ") {
            let credentials = String(value[value.index(after: space)...])
            texts.append(credentials)
            if value[..<space].lowercased() == "basic", let decoded = Base64.decode(credentials) {
                let pair = String(decoding: decoded, as: UTF8.self)
                texts.append(pair)
                if let colon = pair.firstIndex(of: ":") { texts.append(String(pair[pair.index(after: colon)...])) }
            }
        }
        texts += texts.filter { $0.contains("/") }.map { $0.replacingOccurrences(of: "/", with: "\\/") }
        // Longest first, so that a piece inside another is not cut out of it first.
        pieces = Set(texts.map { Array($0.utf8) }).filter { $0.count >= Self.minimumLength }.sorted { $0.count > $1.count }
    }

    /// Whether there is nothing to cut.
    var isEmpty: Bool { pieces.isEmpty }

    /// `bytes` with every piece cut out.
    func scrub(_ bytes: [UInt8]) -> [UInt8] {
        pieces.reduce(bytes) { Self.replacing($1, in: $0) }
    }

    /// `text` with every piece cut out.
    func scrub(_ text: String) -> String {
        isEmpty ? text : String(decoding: scrub(Array(text.utf8)), as: UTF8.self)
    }

    private static func replacing(_ piece: [UInt8], in bytes: [UInt8]) -> [UInt8] {
        guard let first = piece.first, bytes.count >= piece.count else { return bytes }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == first, index + piece.count <= bytes.count, bytes[index..<index + piece.count].elementsEqual(piece) {
                result += replacement
                index += piece.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }
}
