import Testing
@testable import Verifier

struct ManifestTests {
    @Test func theAcceptHeaderNamesAllFourManifestTypesIndexesFirst() {
        let types = MediaType.manifestAccept.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(Set(types) == [
            "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json",
        ])
        #expect(types.count == 4)
        #expect(Array(types.prefix(2)) == [MediaType.ociIndex, MediaType.dockerManifestList])
    }

    @Test func anOCIManifestWithoutAMediaTypeFieldIsReadByItsContentType() throws {
        let answer = try RegistryFixtures.answer("single-oci")
        #expect(!String(decoding: answer.body, as: UTF8.self).contains("mediaType\":\"application/vnd.oci.image.manifest"))
        guard case .image(let image) = try Manifest.parse(answer.body, contentType: answer.header("Content-Type")) else {
            Issue.record("not an image manifest")
            return
        }
        #expect(image.mediaType == MediaType.ociManifest)
        #expect(image.config.mediaType == "application/vnd.oci.image.config.v1+json" && image.config.size > 0)
        #expect(image.layers.count == 1 && image.layers[0].mediaType == "application/vnd.oci.image.layer.v1.tar+gzip")
        #expect(image.blobs.map(\.role) == ["config", "layer 1 of 1"] && image.foreignLayerCount == 0)
        // Without a Content-Type either, it cannot be told.
        #expect(throws: ManifestError.self) { try Manifest.parse(answer.body, contentType: nil) }
    }

    @Test func aDockerSchema2ManifestIsReadByItsMediaTypeField() throws {
        let answer = try RegistryFixtures.answer("single-docker")
        guard case .image(let image) = try Manifest.parse(answer.body, contentType: "application/json") else {
            Issue.record("not an image manifest")
            return
        }
        #expect(image.mediaType == MediaType.dockerManifest && image.layers.count == 1)
    }

    @Test func anIndexListsItsPlatformsWithoutTheAttestation() throws {
        guard case .index(let index) = try RegistryFixtures.manifest("multi-index") else {
            Issue.record("not an index")
            return
        }
        #expect(index.mediaType == MediaType.ociIndex && index.manifests.count == 3)
        #expect(index.platformNames == ["linux/amd64", "linux/arm64/v8"])
        #expect(index.attestationCount == 1)
        #expect(index.manifests[2].platform == Platform(os: "unknown", architecture: "unknown"))
    }

    @Test func foreignAndNondistributableLayersAreNotBlobsToCheck() throws {
        guard case .image(let image) = try RegistryFixtures.manifest("foreign") else {
            Issue.record("not an image manifest")
            return
        }
        #expect(image.foreignLayerCount == 1)
        #expect(image.blobs.map(\.role) == ["config", "layer 2 of 2"])
        for type in MediaType.ociNondistributableLayers.union([MediaType.dockerForeignLayer]) {
            #expect(Descriptor(mediaType: type, digest: image.config.digest, size: 1).isForeign)
        }
        #expect(Descriptor(mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: image.config.digest, size: 1,
                           urls: ["https://example.com/layer"]).isForeign)
        #expect(!Descriptor(mediaType: "application/vnd.oci.image.layer.v1.tar+zstd", digest: image.config.digest, size: 1).isForeign)
    }

    @Test(arguments: [("schema1-spec", MediaType.dockerSchema1Signed), ("schema1-spec-valid", "application/json"),
                      ("schema1-spec-valid", MediaType.dockerSchema1), ("schema1-spec-valid", nil)])
    func schema1IsUnsupported(_ fixture: String, _ contentType: String?) throws {
        let error = #expect(throws: ManifestError.self) { try Manifest.parse(try RegistryFixtures.body(fixture), contentType: contentType) }
        #expect(error?.category == .unsupported)
        #expect(error?.message.contains("schema 1") == true)
    }

    @Test(arguments: [
        ("<html>502</html>", "text/html", ErrorCategory.other, "the manifest is not one verify can read (not JSON, or not an object): \"<html>502</html>\""),
        ("[1, 2]", MediaType.ociManifest, .other, "the manifest is not one verify can read (not JSON, or not an object): \"[1, 2]\""),
        (#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}"#, nil, .other, "the application/vnd.oci.image.manifest.v1+json has no \"config\""),
        (#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"}"#, nil, .other, "the application/vnd.oci.image.index.v1+json has no \"manifests\" list"),
        (#"{"schemaVersion":2,"config":{"digest":"sha256:abc","size":1}}"#, MediaType.dockerManifest, .other, "the manifest refers to an invalid digest \"sha256:abc\""),
        (#"{"schemaVersion":2,"config":{"digest":"sha256:abc","size":"1"}}"#, MediaType.dockerManifest, .other,
         #"the manifest is not one verify can read (config.size: Expected to decode Int64 but found a string instead.): "{"schemaVersion":2,"config":{"digest":"sha256:abc","size":"1"}}""#),
        (#"{"schemaVersion":2,"mediaType":"application/vnd.cncf.helm.chart"}"#, nil, .unsupported,
         "the manifest is of media type application/vnd.cncf.helm.chart, which verify does not check"),
    ] as [(String, String?, ErrorCategory, String)])
    func otherBodiesAreRefusedSayingWhy(_ body: String, _ contentType: String?, _ category: ErrorCategory, _ message: String) {
        let error = #expect(throws: ManifestError.self) { try Manifest.parse(Array(body.utf8), contentType: contentType) }
        #expect(error?.category == category)
        #expect(error?.message == message)
    }
}
