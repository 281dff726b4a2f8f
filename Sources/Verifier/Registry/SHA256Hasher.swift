import COpenSSL

/// SHA-256 over bytes that arrive in pieces, by OpenSSL's EVP interface (libcrypto, which libcurl
/// links already; it uses the CPU's SHA instructions where there are some): about 1.7 GB/s on the
/// development machine, the same as swift-crypto, without building BoringSSL. See
/// benchmarks/RESULTS.md, "Hashing for --depth content".
///
/// One hasher hashes one stream, on one thread at a time; ``finalize()`` ends it.
final class SHA256Hasher {
    private let context: OpaquePointer
    private var finished = false

    /// A hasher that has seen no bytes yet.
    init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            preconditionFailure("OpenSSL could not set up a SHA-256 context")
        }
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    /// Adds `bytes` to the stream.
    func update(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "SHA256Hasher.update after finalize")
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        guard EVP_DigestUpdate(context, base, bytes.count) == 1 else { preconditionFailure("EVP_DigestUpdate failed") }
    }

    /// The digest of everything added, as a registry writes it: `sha256:` and 64 lowercase hex digits.
    func finalize() -> String {
        Digest.algorithmPrefix + Self.hex(finalizeBytes())
    }

    /// The digest of everything added: its 32 bytes.
    func finalizeBytes() -> [UInt8] {
        precondition(!finished, "SHA256Hasher.finalize called twice")
        finished = true
        var hash = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &hash, &length) == 1, length == 32 else {
            preconditionFailure("EVP_DigestFinal_ex failed")
        }
        return hash
    }

    /// The digest of `bytes`, all at once.
    static func digest(of bytes: [UInt8]) -> String {
        let hasher = SHA256Hasher()
        bytes.withUnsafeBytes { hasher.update($0) }
        return hasher.finalize()
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func hex(_ bytes: [UInt8]) -> String {
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0xf)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
