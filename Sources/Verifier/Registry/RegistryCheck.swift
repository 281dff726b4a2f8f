/// What `--client registry` does for one image, step by step, with no I/O: a driver asks for the
/// requests to make, makes them (concurrently, in any order), and hands back each answer.
///
/// ```
/// var check = RegistryCheck(reference: ref, depth: .blobs, platform: nil)
/// var next = check.start()
/// while true {
///     switch next {
///     case .send(let requests): start them all (each answer comes back through receive)
///     case .wait: wait for the next answer of those already started
///     case .finished(let result): cancel what is still running; record result
///     }
///     next = check.receive(answer, for: itsRequest, cache: &workerCache)
/// }
/// ```
///
/// 1. The reference's manifest (by tag, or by digest) is fetched with every manifest type in
///    `Accept`. Its digest is the SHA-256 of the bytes served; a `Docker-Content-Digest` that
///    differs, or a by-digest reference that differs, is ``ErrorCategory/digestMismatch``; a body
///    over ``manifestLimit`` is refused. That digest is the record's: docker's `RepoDigests`.
/// 2. An index: each platform's manifest is fetched (only the first that matches `platform`, when
///    one is given; none matching is ``ErrorCategory/notFound``, naming the platforms there are),
///    and must hash to the digest the index gives. Attestation entries are skipped
///    (``ImageIndex/platformManifests``). A single-platform manifest is checked as it is, even
///    with a `platform` (its platform is in its config, which is not read).
/// 3. `--depth blobs`: a HEAD of each platform manifest's config and non-foreign layers; each
///    must answer 200 with the descriptor's size. `--depth content`: a GET instead; the driver
///    hashes the stream, and the digest and size must be the descriptor's.
///    A blob is asked for once per image, and not at all when the worker's ``BlobCache`` already
///    knows it good in this repository (two images checked at the same time may both ask).
///
/// The first failure ends the check: later answers are ignored, and the driver should cancel
/// the requests still running.
struct RegistryCheck: Sendable {
    /// What the driver does next.
    enum Next: Sendable, Equatable {
        /// Start these requests (at once; their answers may come back in any order).
        case send([RegistryRequest])
        /// Nothing new to start: wait for an answer to a request already started.
        case wait
        /// The image is done.
        case finished(RegistryCheckResult)
    }

    /// The largest manifest verify reads: 4 MiB, as containerd and Distribution limit them.
    static let defaultManifestLimit = 4 << 20

    /// The registry: `HOST[:PORT]` as the reference gives it, or `docker.io` for Docker Hub
    /// (whose API is at `registry-1.docker.io`).
    let registry: String
    /// The repository inside the registry (`library/` added for official Docker Hub images).
    let repository: String
    /// The tag or digest asked for; a reference with both is checked by its digest, as docker pulls it.
    let reference: String
    /// How far to look.
    let depth: CheckDepth
    /// Which platform of a multi-platform image to check; `nil`: all of them.
    let platform: Platform?
    /// The largest manifest accepted, in bytes.
    let manifestLimit: Int

    private enum Purpose: Sendable {
        case top
        case platformManifest(Descriptor)
        case blob(Descriptor, role: String)
    }

    private struct Failure: Error {
        let category: ErrorCategory
        let message: String
        let step: RegistryCheckResult.Step
    }

    private var pending: [RegistryRequest.Kind: Purpose] = [:]
    private var plannedBlobs: Set<String> = []
    private var result = RegistryCheckResult()

    /// What the check has counted so far (requests, bytes, blobs): the details of an image whose
    /// check was cut short by a timeout or a failed request.
    var progress: RegistryCheckResult { result }
    private var started = false
    private var done = false

    /// The check of `reference` (its registry is the one it names), to `depth`, of `platform` only
    /// when one is given.
    init(reference: ImageReference, depth: CheckDepth = .default, platform: Platform? = nil, manifestLimit: Int = Self.defaultManifestLimit) {
        let normalized = reference.normalizedRepository
        let slash = normalized.firstIndex(of: "/") ?? normalized.startIndex
        registry = String(normalized[..<slash])
        repository = String(normalized[slash...].dropFirst())
        self.reference = reference.digest ?? reference.tag ?? "latest"
        self.depth = depth
        self.platform = platform
        self.manifestLimit = manifestLimit
    }

    /// The first request: the reference's manifest. Called once.
    mutating func start() -> Next {
        precondition(!started, "RegistryCheck.start is called once")
        started = true
        return send([(.manifest(reference, repository: repository, bodyLimit: manifestLimit), .top)])
    }

    /// Takes the `answer` to `request` (one that ``Next/send(_:)`` asked for) and says what follows.
    /// `cache` is the worker's: blobs found good are added to it.
    mutating func receive(_ answer: RegistryAnswer, for request: RegistryRequest, cache: inout some BlobCache) -> Next {
        if done { return .finished(result) }
        guard let purpose = pending.removeValue(forKey: request.kind) else {
            return pending.isEmpty ? finish() : .wait
        }
        result.bytesFetched += Int64(answer.body.count) + (answer.content?.byteCount ?? 0)
        result.connectionsOpened += answer.newConnections
        if answer.httpVersion == .http2 { result.answersOverHTTP2 += 1 }
        if let rateLimit = answer.rateLimit { result.rateLimit = rateLimit }
        let batch: [(RegistryRequest, Purpose)]
        do {
            switch purpose {
            case .top:
                batch = try resolve(answer, cache: &cache)
            case .platformManifest(let entry):
                batch = try checkPlatformManifest(answer, entry: entry, cache: &cache)
            case .blob(let blob, let role):
                try checkBlob(answer, kind: request.kind, blob: blob, role: role, cache: &cache)
                batch = []
            }
        } catch {
            return fail(error, answer: answer)
        }
        if !batch.isEmpty { return send(batch) }
        return pending.isEmpty ? finish() : .wait
    }

    // MARK: - Steps

    private var referenceName: String {
        repository + (Digest.isValid(reference) ? "@" : ":") + reference
    }

    private mutating func resolve(_ answer: RegistryAnswer, cache: inout some BlobCache) throws(Failure) -> [(RegistryRequest, Purpose)] {
        let what = "manifest \(referenceName)"
        let (digest, manifest) = try checkManifest(answer, what: what, step: .manifest,
                                                   expectedDigest: Digest.isValid(reference) ? reference : nil)
        result.digest = digest
        switch manifest {
        case .image(let image):
            result.platforms = [.init(platform: nil, digest: digest)]
            return depth == .manifest ? [] : blobRequests(for: image, of: "the image", cache: &cache)
        case .index(let index):
            result.attestationsSkipped = index.attestationCount
            var entries = index.platformManifests
            guard !entries.isEmpty else {
                throw Failure(category: .other, message: "\(what) is an index that lists no platform manifest", step: .manifest)
            }
            if let platform {
                guard let match = entries.first(where: { $0.platform.map(platform.matches) == true }) else {
                    throw Failure(category: .notFound, message: "\(what) has no manifest for \(platform); it has \(index.platformNames.joined(separator: ", "))",
                                  step: .manifest)
                }
                entries = [match]
            }
            var seen = Set<String>()
            entries = entries.filter { seen.insert($0.digest).inserted }
            result.platforms = entries.map { .init(platform: $0.platform?.description, digest: $0.digest) }
            return entries.map { entry in
                (.manifest(entry.digest, repository: repository, expected: entry, bodyLimit: manifestLimit), .platformManifest(entry))
            }
        }
    }

    private mutating func checkPlatformManifest(_ answer: RegistryAnswer, entry: Descriptor,
                                                cache: inout some BlobCache) throws(Failure) -> [(RegistryRequest, Purpose)] {
        let label = entry.platform?.description ?? entry.digest
        let what = "the manifest of \(label) (\(entry.digest))"
        let (_, manifest) = try checkManifest(answer, what: what, step: .platformManifest, expectedDigest: entry.digest)
        guard answer.body.count == entry.size else {
            throw Failure(category: .other, message: "\(what) is \(answer.body.count) bytes; the index says \(entry.size)", step: .platformManifest)
        }
        guard case .image(let image) = manifest else {
            throw Failure(category: .unsupported, message: "\(what) is itself an index", step: .platformManifest)
        }
        return depth == .manifest ? [] : blobRequests(for: image, of: label, cache: &cache)
    }

    /// The status, size, digest and form of a manifest answer.
    private func checkManifest(_ answer: RegistryAnswer, what: String, step: RegistryCheckResult.Step,
                               expectedDigest: String?) throws(Failure) -> (String, Manifest) {
        guard answer.status == 200 else {
            let failure = RegistryFailure(status: answer.status, body: answer.body, target: .manifest)
            throw Failure(category: failure.category, message: "\(what): \(failure.message)", step: step)
        }
        let length = max(Int64(answer.body.count), answer.contentLength ?? 0)
        guard length <= manifestLimit else {
            throw Failure(category: .other, message: "\(what) is \(length) bytes, more than the \(manifestLimit) verify reads", step: step)
        }
        let digest = Digest.of(answer.body)
        if let announced = answer.header("docker-content-digest"), announced.hasPrefix(Digest.algorithmPrefix), announced != digest {
            throw Failure(category: .digestMismatch,
                          message: "\(what): the registry announces \(announced) (Docker-Content-Digest), but the bytes it served hash to \(digest)", step: step)
        }
        if let expectedDigest, digest != expectedDigest {
            throw Failure(category: .digestMismatch, message: "\(what) was asked for as \(expectedDigest), but the bytes the registry served hash to \(digest)",
                          step: step)
        }
        do {
            return (digest, try Manifest.parse(answer.body, contentType: answer.header("content-type")))
        } catch {
            throw Failure(category: error.category, message: "\(what): \(error.message)", step: step)
        }
    }

    /// The requests for the blobs of `image` (of platform `label`) not yet asked for in this image
    /// nor known good to `cache`; those are counted as checked.
    private mutating func blobRequests(for image: ImageManifest, of label: String, cache: inout some BlobCache) -> [(RegistryRequest, Purpose)] {
        result.foreignLayersSkipped += image.foreignLayerCount
        var requests: [(RegistryRequest, Purpose)] = []
        for (blob, role) in image.blobs where plannedBlobs.insert(blob.digest).inserted {
            if cache.contains(key(blob)) {
                result.blobsChecked += 1
                result.blobsFromCache += 1
                continue
            }
            requests.append((.blob(blob, repository: repository, content: depth == .content), .blob(blob, role: "\(role) of \(label)")))
        }
        return requests
    }

    private mutating func checkBlob(_ answer: RegistryAnswer, kind: RegistryRequest.Kind, blob: Descriptor, role: String,
                                    cache: inout some BlobCache) throws(Failure) {
        let what = "blob \(blob.digest) (\(role))"
        guard answer.status == 200 else {
            let failure = RegistryFailure(status: answer.status, body: answer.body, target: .blob)
            throw Failure(category: failure.category, message: "\(what): \(failure.message)", step: .blob)
        }
        if case .blobGet = kind {
            guard let content = answer.content else {
                throw Failure(category: .other, message: "\(what): the answer carries no streamed digest", step: .blob)
            }
            guard content.byteCount == blob.size else {
                throw Failure(category: .blobUnknown, message: "\(what): the registry served \(content.byteCount) bytes; the manifest says \(blob.size)", step: .blob)
            }
            guard content.digest == blob.digest else {
                throw Failure(category: .digestMismatch, message: "\(what): the bytes the registry served hash to \(content.digest)", step: .blob)
            }
        } else {
            guard let length = answer.contentLength else {
                throw Failure(category: .other, message: "\(what): the registry's answer has no Content-Length", step: .blob)
            }
            guard length == blob.size else {
                throw Failure(category: .blobUnknown, message: "\(what): the registry has \(length) bytes; the manifest says \(blob.size)", step: .blob)
            }
            if let announced = answer.header("docker-content-digest"), announced.hasPrefix(Digest.algorithmPrefix), announced != blob.digest {
                throw Failure(category: .digestMismatch, message: "\(what): the registry announces \(announced) (Docker-Content-Digest)", step: .blob)
            }
        }
        cache.insert(key(blob))
        result.blobsChecked += 1
    }

    // MARK: - Bookkeeping

    private func key(_ blob: Descriptor) -> BlobKey {
        BlobKey(registry: registry, repository: repository, digest: blob.digest)
    }

    private mutating func send(_ batch: [(RegistryRequest, Purpose)]) -> Next {
        for (request, purpose) in batch {
            pending[request.kind] = purpose
        }
        result.requests += batch.count
        return .send(batch.map(\.0))
    }

    private mutating func finish() -> Next {
        done = true
        return .finished(result)
    }

    private mutating func fail(_ failure: Failure, answer: RegistryAnswer) -> Next {
        result.status = .error
        result.category = failure.category
        result.message = OneLine.make(failure.message, limit: 600)
        result.step = failure.step
        if answer.status == 429 || answer.status == 503 { result.retryAfterSeconds = answer.retryAfterSeconds }
        pending.removeAll()
        return finish()
    }
}
