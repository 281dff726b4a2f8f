import Foundation
import Testing
@testable import Verifier

/// ``RegistryCheck`` against the captured answers of docker-registry 2.8.2 (Fixtures/registry).
struct RegistryCheckTests {
    static let host = "127.0.0.1:47700"

    static func digest(of fixture: String) throws -> String {
        Digest.of(try RegistryFixtures.body(fixture))
    }

    static func image(_ fixture: String) throws -> ImageManifest {
        guard case .image(let image) = try RegistryFixtures.manifest(fixture) else { throw FakeRegistry.FixtureError.notAnImage }
        return image
    }

    static func index() throws -> ImageIndex {
        guard case .index(let index) = try RegistryFixtures.manifest("multi-index") else { throw FakeRegistry.FixtureError.notAnIndex }
        return index
    }

    @Test func aSingleImageIsItsManifestThenAHeadOfEachBlob() throws {
        var driver = try CheckDriver()
        let (result, requests) = try driver.run("\(Self.host)/fixtures/single:v1")
        let image = try Self.image("single-oci")
        let digest = try Self.digest(of: "single-oci")
        #expect(result.status == .good)
        #expect(result.verdict == .good(digest: digest))
        #expect(digest == (try RegistryFixtures.answer("single-oci")).header("Docker-Content-Digest"))
        #expect(requests.map(\.path) == ["/v2/fixtures/single/manifests/v1",
                                         FakeRegistry.blobPath("single", image.config.digest),
                                         FakeRegistry.blobPath("single", image.layers[0].digest)])
        #expect(requests[0].method == .get && requests[0].accept == MediaType.manifestAccept && requests[0].bodyLimit == 4 << 20)
        #expect(requests.dropFirst().allSatisfy { $0.method == .head && $0.accept == nil })
        #expect(requests[1].expectedSize == image.config.size && requests[1].expectedDigest == image.config.digest)
        #expect(result.platforms == [.init(platform: nil, digest: digest)])
        #expect(result.blobsChecked == 2 && result.blobsFromCache == 0 && result.requests == 3)
        #expect(result.bytesFetched == 345)
        #expect(driver.cache.count == 2)
    }

    @Test func theRealBlobHeadAnswersPass() throws {
        var driver = try CheckDriver()
        let image = try Self.image("single-oci")
        driver.registry.overrides[FakeRegistry.blobPath("single", image.config.digest)] = try RegistryFixtures.answer("blob-config-head")
        driver.registry.overrides[FakeRegistry.blobPath("single", image.layers[0].digest)] = try RegistryFixtures.answer("blob-layer-head")
        #expect(try driver.run("\(Self.host)/fixtures/single:v1").result.status == .good)
    }

    @Test func aDockerSchema2ImageIsCheckedTheSameWay() throws {
        var driver = try CheckDriver()
        let (result, requests) = try driver.run("\(Self.host)/fixtures/single-docker:v1")
        #expect(result.verdict == .good(digest: try Self.digest(of: "single-docker")))
        #expect(requests.count == 3)
    }

    @Test func depthManifestStopsAtTheManifest() throws {
        var driver = try CheckDriver()
        let (result, requests) = try driver.run("\(Self.host)/fixtures/single:v1", depth: .manifest)
        #expect(result.status == .good && requests.count == 1 && result.blobsChecked == 0)
    }

    @Test func anIndexChecksEachPlatformButNotTheAttestation() throws {
        var driver = try CheckDriver()
        let (result, requests) = try driver.run("\(Self.host)/fixtures/multi:v1")
        let index = try Self.index()
        #expect(result.verdict == .good(digest: try Self.digest(of: "multi-index")))
        #expect(result.platforms == [.init(platform: "linux/amd64", digest: index.manifests[0].digest),
                                     .init(platform: "linux/arm64/v8", digest: index.manifests[1].digest)])
        #expect(result.attestationsSkipped == 1)
        #expect(!requests.contains { $0.path.hasSuffix(index.manifests[2].digest) })
        #expect(requests.count == 1 + 2 + 4)
        #expect(result.blobsChecked == 4 && result.requests == 7)
        #expect(requests[1].expectedDigest == index.manifests[0].digest && requests[1].expectedSize == index.manifests[0].size)
    }

    @Test func depthManifestOfAnIndexFetchesThePlatformManifestsOnly() throws {
        var driver = try CheckDriver()
        let (result, requests) = try driver.run("\(Self.host)/fixtures/multi:v1", depth: .manifest)
        #expect(result.status == .good && requests.count == 3 && result.platforms.count == 2 && result.blobsChecked == 0)
    }

    @Test(arguments: ["linux/arm64", "linux/arm64/v8", "LINUX/aarch64"])
    func aPlatformFilterChecksTheMatchingManifestOnly(_ platform: String) throws {
        var driver = try CheckDriver()
        let (result, requests) = try driver.run("\(Self.host)/fixtures/multi:v1", platform: platform)
        #expect(result.status == .good)
        #expect(result.platforms == [.init(platform: "linux/arm64/v8", digest: try Self.index().manifests[1].digest)])
        #expect(requests.count == 1 + 1 + 2)
    }

    @Test(arguments: ["linux/s390x", "linux/arm64/v9", "windows/amd64"])
    func aPlatformTheIndexLacksIsNotFoundNamingThoseThere(_ platform: String) throws {
        var driver = try CheckDriver()
        let (result, _) = try driver.run("\(Self.host)/fixtures/multi:v1", platform: platform)
        #expect(result.category == .notFound && result.step == .manifest)
        #expect(result.message == "manifest fixtures/multi:v1 has no manifest for \(platform.lowercased()); it has linux/amd64, linux/arm64/v8")
        #expect(result.digest == (try Self.digest(of: "multi-index")))
    }

    @Test func aMissingPlatformManifestIsNotFound() throws {
        var driver = try CheckDriver()
        let arm64 = try Self.index().manifests[1].digest
        driver.registry.overrides["/v2/fixtures/multi/manifests/\(arm64)"] = try RegistryFixtures.answer("manifest-missing-digest")
        let (result, _) = try driver.run("\(Self.host)/fixtures/multi:v1")
        #expect(result.status == .error && result.category == .notFound && result.step == .platformManifest)
        #expect(result.message?.hasPrefix("the manifest of linux/arm64/v8 (\(arm64)): HTTP 404: MANIFEST_UNKNOWN: manifest unknown") == true)
    }

    @Test func aMissingTagIsNotFound() throws {
        var driver = try CheckDriver()
        let (result, _) = try driver.run("\(Self.host)/fixtures/single:v9")
        #expect(result.category == .notFound && result.step == .manifest && result.digest == nil)
        #expect(result.message == "manifest fixtures/single:v9: HTTP 404: MANIFEST_UNKNOWN: manifest unknown {\"Tag\":\"v9\"}")
    }

    @Test(arguments: [(true, "config"), (false, "layer 1 of 1")])
    func aMissingBlobIsBlobUnknownNamingItAndItsPlatform(_ config: Bool, _ role: String) throws {
        var driver = try CheckDriver()
        let image = try Self.image("multi-arm64")
        let blob = config ? image.config : image.layers[0]
        driver.registry.overrides[FakeRegistry.blobPath("multi", blob.digest)] = try RegistryFixtures.answer("blob-missing-head")
        let (result, _) = try driver.run("\(Self.host)/fixtures/multi:v1")
        #expect(result.category == .blobUnknown && result.step == .blob)
        #expect(result.message == "blob \(blob.digest) (\(role) of linux/arm64/v8): HTTP 404")
        #expect(result.verdict.status == .error && result.verdict.category == .blobUnknown)
    }

    @Test func aBlobOfAnotherSizeIsBlobUnknownGivingBothSizes() throws {
        var driver = try CheckDriver()
        let layer = try Self.image("single-oci").layers[0]
        driver.registry.overrides[FakeRegistry.blobPath("single", layer.digest)] = FakeRegistry.head(digest: layer.digest, size: layer.size - 1)
        let (result, _) = try driver.run("\(Self.host)/fixtures/single:v1")
        #expect(result.category == .blobUnknown)
        #expect(result.message == "blob \(layer.digest) (layer 1 of 1 of the image): the registry has \(layer.size - 1) bytes; the manifest says \(layer.size)")
    }

    @Test func aBlobAnswer503IsAServerError() throws {
        var driver = try CheckDriver()
        let layer = try Self.image("single-oci").layers[0]
        driver.registry.overrides[FakeRegistry.blobPath("single", layer.digest)] = try RegistryFixtures.answer("fault-blob-503-html")
        let (result, _) = try driver.run("\(Self.host)/fixtures/single:v1")
        #expect(result.category == .serverError && result.message?.hasSuffix("HTTP 503") == true)
        #expect(result.retryAfterSeconds == nil)
    }

    @Test func aDockerContentDigestThatDiffersFromTheBytesIsADigestMismatch() throws {
        var driver = try CheckDriver()
        let real = try RegistryFixtures.answer("single-oci")
        var headers = real.headers
        let other = "sha256:" + String(repeating: "0", count: 64)
        headers["docker-content-digest"] = other
        driver.registry.overrides["/v2/fixtures/single/manifests/v1"] = RegistryAnswer(status: 200, headers: headers, body: real.body)
        let (result, requests) = try driver.run("\(Self.host)/fixtures/single:v1")
        #expect(result.category == .digestMismatch && result.step == .manifest && requests.count == 1)
        #expect(result.message == "manifest fixtures/single:v1: the registry announces \(other) (Docker-Content-Digest), but the bytes it served hash to \(try Self.digest(of: "single-oci"))")
    }

    @Test func aByDigestReferenceIsCheckedAgainstTheBytes() throws {
        var driver = try CheckDriver()
        let digest = try Self.digest(of: "single-oci")
        #expect(try driver.run("\(Self.host)/fixtures/single@\(digest)").result.verdict == .good(digest: digest))
        #expect(try driver.run("\(Self.host)/fixtures/single:v1@\(digest)").requests[0].path == "/v2/fixtures/single/manifests/\(digest)")

        let asked = "sha256:" + String(repeating: "a", count: 64)
        driver.registry.overrides["/v2/fixtures/single/manifests/\(asked)"] = try RegistryFixtures.answer("single-oci")
        let (result, requests) = try driver.run("\(Self.host)/fixtures/single@\(asked)")
        #expect(requests[0].expectedDigest == asked)
        #expect(result.category == .digestMismatch)
        #expect(result.message == "manifest fixtures/single@\(asked) was asked for as \(asked), but the bytes the registry served hash to \(digest)")
    }

    @Test func aPlatformManifestThatDoesNotHashToItsIndexEntryIsADigestMismatch() throws {
        var driver = try CheckDriver()
        let amd64 = try Self.index().manifests[0].digest
        var arm64 = try RegistryFixtures.answer("multi-arm64")
        arm64 = RegistryAnswer(status: 200, headers: ["Content-Type": arm64.header("content-type")!], body: arm64.body)
        driver.registry.overrides["/v2/fixtures/multi/manifests/\(amd64)"] = arm64
        let (result, _) = try driver.run("\(Self.host)/fixtures/multi:v1")
        #expect(result.category == .digestMismatch && result.step == .platformManifest)
    }

    @Test(arguments: ["schema1-spec", "schema1-spec-valid"])
    func aSchema1ManifestIsUnsupported(_ fixture: String) throws {
        var driver = try CheckDriver()
        driver.registry.overrides["/v2/fixtures/single/manifests/v1"] = RegistryAnswer(
            status: 200, headers: ["Content-Type": MediaType.dockerSchema1Signed], body: try RegistryFixtures.body(fixture))
        let (result, _) = try driver.run("\(Self.host)/fixtures/single:v1")
        #expect(result.category == .unsupported && result.step == .manifest)
        #expect(result.message?.contains("schema 1") == true)
    }

    @Test func aManifestOverTheLimitIsRefused() throws {
        var driver = try CheckDriver()
        let (result, _) = try driver.run("\(Self.host)/fixtures/single:v1", manifestLimit: 344)
        #expect(result.category == .other && result.message == "manifest fixtures/single:v1 is 345 bytes, more than the 344 verify reads")
        // A driver that stopped reading at the limit: Content-Length still tells.
        driver.registry.overrides["/v2/fixtures/single/manifests/v1"] = RegistryAnswer(
            status: 200, headers: ["Content-Length": String(5 << 20)], body: Array(repeating: 0x20, count: (4 << 20) + 1))
        #expect(try driver.run("\(Self.host)/fixtures/single:v1").result.message == "manifest fixtures/single:v1 is 5242880 bytes, more than the 4194304 verify reads")
    }

    @Test func blobsKnownGoodInTheRepositoryAreNotAskedForAgain() throws {
        var driver = try CheckDriver()
        _ = try driver.run("\(Self.host)/fixtures/single:v1")
        // Another repository holding the same blobs: checked again.
        let first = try driver.run("\(Self.host)/fixtures/multi:v1")
        #expect(first.result.blobsChecked == 4 && first.result.blobsFromCache == 0 && first.requests.count == 7)
        let again = try driver.run("\(Self.host)/fixtures/multi:v1")
        #expect(again.result.status == .good)
        #expect(again.requests.count == 3 && again.result.requests == 3)
        #expect(again.result.blobsChecked == 4 && again.result.blobsFromCache == 4)
    }

    @Test func aForeignLayerIsSkippedAndCounted() throws {
        var driver = try CheckDriver()
        let image = try Self.image("foreign")
        let (result, requests) = try driver.run("\(Self.host)/fixtures/foreign:v1")
        #expect(result.status == .good && result.foreignLayersSkipped == 1 && result.blobsChecked == 2)
        #expect(!requests.contains { $0.path.hasSuffix(image.layers[0].digest) })
        #expect(requests.map(\.path).last == FakeRegistry.blobPath("foreign", image.layers[1].digest))
        // The record says so.
        var verdict = result.verdict
        verdict.registry = RegistryDetails(result)
        let record = ImageRecord(reference: "fixtures/foreign:v1", line: 1, pulled: nil, verdict: verdict, worker: 1, attempts: 1,
                                 startedAt: Date(timeIntervalSince1970: 0), finishedAt: Date(timeIntervalSince1970: 1))
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any])
        #expect(json["foreign_layers_skipped"] as? Int == 1 && json["blobs_checked"] as? Int == 2)
    }

    @Test func depthContentGetsEveryBlobAndCountsItsBytes() throws {
        var driver = try CheckDriver()
        let image = try Self.image("single-oci")
        // The config's real bytes, hashed as a driver would while they stream.
        let config = try RegistryFixtures.answer("blob-config-get")
        let hasher = SHA256Hasher()
        config.body.withUnsafeBytes { hasher.update($0) }
        driver.registry.overrides[FakeRegistry.blobPath("single", image.config.digest)] = RegistryAnswer(
            status: 200, headers: config.headers, content: .init(digest: hasher.finalize(), byteCount: Int64(config.body.count)))
        let (result, requests) = try driver.run("\(Self.host)/fixtures/single:v1", depth: .content)
        #expect(result.status == .good)
        #expect(requests.dropFirst().allSatisfy { $0.method == .get && $0.bodyLimit == nil && $0.expectedDigest != nil })
        #expect(result.bytesFetched == 345 + image.config.size + image.layers[0].size)
    }

    @Test func depthContentOfTheWrongBytesIsADigestMismatchOrOfTheWrongSizeBlobUnknown() throws {
        var driver = try CheckDriver()
        let layer = try Self.image("single-oci").layers[0]
        let path = FakeRegistry.blobPath("single", layer.digest)
        let wrong = "sha256:" + String(repeating: "b", count: 64)
        driver.registry.overrides[path] = RegistryAnswer(status: 200, content: .init(digest: wrong, byteCount: layer.size))
        var result = try driver.run("\(Self.host)/fixtures/single:v1", depth: .content).result
        #expect(result.category == .digestMismatch && result.step == .blob)
        #expect(result.message == "blob \(layer.digest) (layer 1 of 1 of the image): the bytes the registry served hash to \(wrong)")
        driver.registry.overrides[path] = RegistryAnswer(status: 200, content: .init(digest: wrong, byteCount: layer.size + 10))
        result = try driver.run("\(Self.host)/fixtures/single:v1", depth: .content).result
        #expect(result.category == .blobUnknown)
        #expect(result.message?.hasSuffix("the registry served \(layer.size + 10) bytes; the manifest says \(layer.size)") == true)
    }

    @Test(arguments: [CheckDepth.manifest, .blobs, .content])
    func answersInAnyOrderGiveTheSameResult(_ depth: CheckDepth) throws {
        var inOrder = try CheckDriver()
        var reversed = try CheckDriver()
        reversed.newestFirst = true
        let first = try inOrder.run("\(Self.host)/fixtures/multi:v1", depth: depth)
        let second = try reversed.run("\(Self.host)/fixtures/multi:v1", depth: depth)
        #expect(first.result == second.result)
        #expect(Set(first.requests) == Set(second.requests))
        #expect(first.requests != second.requests || depth == .manifest)
    }

    @Test func a429KeepsItsRetryAfter() throws {
        var driver = try CheckDriver()
        driver.registry.overrides["/v2/fixtures/single/manifests/v1"] = try RegistryFixtures.answer("fault-manifest-429-retry-after")
        let (result, _) = try driver.run("\(Self.host)/fixtures/single:v1")
        #expect(result.category == .rateLimited && result.retryAfterSeconds == 37)
        #expect(result.message?.contains("TOOMANYREQUESTS: You have reached your pull rate limit.") == true)
    }

    @Test func a503WithARetryAfterDateKeepsTheSecondsFromItsDate() throws {
        var driver = try CheckDriver()
        driver.registry.overrides["/v2/fixtures/single/manifests/v1"] = try RegistryFixtures.answer("fault-manifest-503-retry-after-date")
        let (result, _) = try driver.run("\(Self.host)/fixtures/single:v1")
        #expect(result.category == .serverError && result.retryAfterSeconds == 120)
    }

    @Test func anAnswerNotAcceptingOCIIsNotFoundAndSaysWhy() throws {
        var driver = try CheckDriver()
        driver.registry.overrides["/v2/fixtures/multi/manifests/v1"] = try RegistryFixtures.answer("multi-index-docker-accept")
        let (result, _) = try driver.run("\(Self.host)/fixtures/multi:v1")
        #expect(result.category == .notFound)
        #expect(result.message?.contains("OCI index found, but accept header does not support OCI indexes") == true)
    }

    @Test func answersAfterTheEndAreIgnored() throws {
        let registry = try FakeRegistry()
        var cache = KnownGoodBlobs()
        var check = RegistryCheck(reference: try ImageReference(parsing: "\(Self.host)/fixtures/multi:v1"))
        guard case .send(let top) = check.start(), case .send(let children) = check.receive(registry.answer(top[0]), for: top[0], cache: &cache) else {
            Issue.record("no platform manifests asked for")
            return
        }
        let missing = try RegistryFixtures.answer("manifest-missing-digest")
        guard case .finished(let result) = check.receive(missing, for: children[0], cache: &cache) else {
            Issue.record("a missing platform manifest did not end the check")
            return
        }
        #expect(check.receive(registry.answer(children[1]), for: children[1], cache: &cache) == .finished(result))
        #expect(cache.count == 0)
    }

    @Test func dockerHubReferencesUseTheLibraryRepository() throws {
        let check = RegistryCheck(reference: try ImageReference(parsing: "alpine"))
        #expect(check.registry == "docker.io" && check.repository == "library/alpine" && check.reference == "latest")
        var copy = check
        #expect(copy.start() == .send([.manifest("latest", repository: "library/alpine", bodyLimit: 4 << 20)]))
    }
}
