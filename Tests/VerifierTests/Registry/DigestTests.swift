import Testing
@testable import Verifier

struct DigestTests {
    @Test func hashesTheKnownVectors() {
        #expect(Digest.of([]) == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.of(Array("abc".utf8)) == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func hashingInPiecesIsHashingAtOnce() {
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let hasher = SHA256Hasher()
        var offset = 0
        for size in [0, 1, 63, 64, 65, 4096, 65_536] {
            bytes[offset..<offset + size].withUnsafeBytes { hasher.update($0) }
            offset += size
        }
        bytes[offset...].withUnsafeBytes { hasher.update($0) }
        #expect(hasher.finalize() == Digest.of(bytes))
    }

    /// Every manifest the registry served hashes to the digest it announced.
    @Test(arguments: ["single-oci", "single-oci-by-digest", "single-docker", "multi-index", "multi-amd64", "multi-arm64",
                      "multi-attestation", "foreign", "blob-config-get"])
    func servedBytesHashToTheAnnouncedDigest(_ fixture: String) throws {
        let answer = try RegistryFixtures.answer(fixture)
        #expect(Digest.of(answer.body) == answer.header("Docker-Content-Digest"))
        #expect(Int64(answer.body.count) == answer.contentLength)
    }

    @Test func validatesDigests() {
        let good = "sha256:" + String(repeating: "0123456789abcdef", count: 4)
        #expect(Digest.isValid(good))
        #expect(throws: Never.self) { try Digest.validated(good) }
        for bad in ["", "sha256:", "sha256:abc", good.uppercased(), "sha512:" + String(repeating: "a", count: 128),
                    "sha256:" + String(repeating: "g", count: 64), good + "0", " " + good] {
            #expect(!Digest.isValid(bad), "\(bad)")
        }
        let error = #expect(throws: DigestError.self) { try Digest.validated("sha256:abc") }
        #expect(error?.description == "invalid digest \"sha256:abc\": expected sha256: and 64 lowercase hex digits")
    }
}
