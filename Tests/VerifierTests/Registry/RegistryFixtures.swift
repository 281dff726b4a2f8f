import Foundation
import Testing
@testable import Verifier

/// The captured registry answers in Fixtures/registry (see NOTES.md there), and a fake registry
/// that serves them to a ``RegistryCheck``.
enum RegistryFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/registry")

    /// The body of `name`; empty for a capture without one (HEAD), which has only NAME.headers.
    static func body(_ name: String) throws -> [UInt8] {
        let url = directory.appendingPathComponent(name + ".body")
        let headers = directory.appendingPathComponent(name + ".headers")
        if !FileManager.default.fileExists(atPath: url.path) && FileManager.default.fileExists(atPath: headers.path) { return [] }
        return Array(try Data(contentsOf: url))
    }

    /// The captured answer `name`: status line and headers from NAME.headers, body from NAME.body.
    static func answer(_ name: String) throws -> RegistryAnswer {
        let head = try String(contentsOf: directory.appendingPathComponent(name + ".headers"), encoding: .utf8)
        let lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let status = Int(lines[0].split(separator: " ")[1])!
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[String(line[..<colon])] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        }
        return RegistryAnswer(status: status, headers: headers, body: try body(name))
    }

    /// The image manifest or index in fixture `name`.
    static func manifest(_ name: String) throws -> Manifest {
        let answer = try answer(name)
        return try Manifest.parse(answer.body, contentType: answer.header("content-type"))
    }
}

/// A registry that serves the fixtures: manifests by path, blobs by the sizes their manifests give.
struct FakeRegistry {
    /// Answers by request path, tried first.
    var overrides: [String: RegistryAnswer] = [:]
    /// Manifest fixtures by request path.
    private(set) var manifests: [String: String] = [:]
    /// Every blob the fixtures' image manifests name, with its size.
    private(set) var blobSizes: [String: Int64] = [:]

    init() throws {
        for repository in ["single", "single-docker", "multi", "foreign"] {
            let top: String = switch repository {
            case "single": "single-oci"
            case "multi": "multi-index"
            default: repository
            }
            manifests["/v2/fixtures/\(repository)/manifests/v1"] = top
        }
        let single = try RegistryFixtures.body("single-oci")
        manifests["/v2/fixtures/single/manifests/\(Digest.of(single))"] = "single-oci-by-digest"
        guard case .index(let index) = try RegistryFixtures.manifest("multi-index") else { throw FixtureError.notAnIndex }
        for (entry, name) in zip(index.manifests, ["multi-amd64", "multi-arm64", "multi-attestation"]) {
            manifests["/v2/fixtures/multi/manifests/\(entry.digest)"] = name
        }
        for name in ["single-oci", "single-docker", "multi-amd64", "multi-arm64", "multi-attestation", "foreign"] {
            guard case .image(let image) = try RegistryFixtures.manifest(name) else { throw FixtureError.notAnImage }
            for blob in [image.config] + image.layers {
                blobSizes[blob.digest] = blob.size
            }
        }
    }

    enum FixtureError: Error { case notAnIndex, notAnImage }

    /// The answer to `request`.
    func answer(_ request: RegistryRequest) -> RegistryAnswer {
        if let answer = overrides[request.path] { return answer }
        switch request.kind {
        case .manifest:
            guard let name = manifests[request.path], let answer = try? RegistryFixtures.answer(name) else {
                return (try? RegistryFixtures.answer("manifest-missing-tag")) ?? RegistryAnswer(status: 404)
            }
            return answer
        case .blobHead(let digest):
            guard let size = blobSizes[digest] else { return (try? RegistryFixtures.answer("blob-missing-head")) ?? RegistryAnswer(status: 404) }
            return Self.head(digest: digest, size: size)
        case .blobGet(let digest):
            guard let size = blobSizes[digest] else { return (try? RegistryFixtures.answer("blob-missing-get")) ?? RegistryAnswer(status: 404) }
            return RegistryAnswer(status: 200, headers: ["Content-Length": String(size), "Docker-Content-Digest": digest],
                                  content: .init(digest: digest, byteCount: size))
        }
    }

    /// A blob HEAD answer as docker-registry gives it (Fixtures/registry/blob-layer-head.headers).
    static func head(digest: String, size: Int64) -> RegistryAnswer {
        RegistryAnswer(status: 200, headers: [
            "Accept-Ranges": "bytes", "Cache-Control": "max-age=31536000", "Content-Length": String(size),
            "Content-Type": "application/octet-stream", "Docker-Content-Digest": digest,
            "Docker-Distribution-Api-Version": "registry/2.0", "Etag": "\"\(digest)\"",
        ])
    }

    /// The path of blob `digest` in `repository`.
    static func blobPath(_ repository: String, _ digest: String) -> String {
        "/v2/fixtures/\(repository)/blobs/\(digest)"
    }
}

/// Runs checks against a ``FakeRegistry``, answering the oldest request first (or the newest).
struct CheckDriver {
    var registry: FakeRegistry
    var cache = KnownGoodBlobs()
    /// Answer the newest outstanding request first: answers arrive out of order.
    var newestFirst = false
    /// What the way to the registry makes of the n-th answer (from 0): its HTTP version and the
    /// connections opened for it. As the fake registry answered, by default.
    var network: (_ n: Int, RegistryAnswer) -> RegistryAnswer = { $1 }

    init() throws {
        registry = try FakeRegistry()
    }

    /// Checks `reference` to the end; the result and every request asked for, in order.
    mutating func run(_ reference: String, depth: CheckDepth = .blobs, platform: String? = nil,
                      manifestLimit: Int = RegistryCheck.defaultManifestLimit) throws -> (result: RegistryCheckResult, requests: [RegistryRequest]) {
        var check = RegistryCheck(reference: try ImageReference(parsing: reference), depth: depth,
                                  platform: try platform.map { try Platform(parsing: $0) }, manifestLimit: manifestLimit)
        var outstanding: [RegistryRequest] = []
        var asked: [RegistryRequest] = []
        var next = check.start()
        while true {
            switch next {
            case .send(let requests):
                #expect(!requests.isEmpty, "an empty batch")
                outstanding += requests
                asked += requests
            case .wait:
                break
            case .finished(let result):
                return (result, asked)
            }
            guard !outstanding.isEmpty else {
                Issue.record("the check waits with nothing outstanding")
                return (RegistryCheckResult(), asked)
            }
            let request = newestFirst ? outstanding.removeLast() : outstanding.removeFirst()
            next = check.receive(network(asked.count - outstanding.count - 1, registry.answer(request)), for: request, cache: &cache)
        }
    }
}
