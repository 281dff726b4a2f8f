import Foundation

/// A manifest as a registry serves it: an index of platform manifests, or one image.
enum Manifest: Sendable, Equatable {
    /// An OCI image index or Docker manifest list.
    case index(ImageIndex)
    /// An OCI image manifest or Docker v2 schema 2 manifest.
    case image(ImageManifest)

    /// Reads a manifest body. Its kind is the body's `mediaType` field, or else `contentType` (the
    /// answer's `Content-Type`): OCI image manifests need not carry the field.
    ///
    /// A schema 1 manifest (`schemaVersion: 1`, or a v1 media type) is refused as
    /// ``ErrorCategory/unsupported``, and so is a body of another media type; a body that is not a
    /// manifest at all (not JSON, missing fields, invalid digests) as ``ErrorCategory/other``.
    static func parse(_ body: [UInt8], contentType: String?) throws(ManifestError) -> Manifest {
        let declared = contentType.map(MediaType.essence)
        let fields: Fields
        do {
            fields = try JSONDecoder().decode(Fields.self, from: Data(body))
        } catch {
            // A signed schema 1 manifest need not be JSON a strict parser takes.
            if let declared, isSchema1(declared) { throw schema1(declared) }
            throw ManifestError(category: .other, message: "the manifest is not one verify can read (\(describe(error))): \(quote(body))")
        }
        let mediaType = fields.mediaType.map(MediaType.essence) ?? declared
        if fields.schemaVersion == 1 || mediaType.map(isSchema1) == true {
            throw schema1(mediaType ?? "schemaVersion 1")
        }
        switch mediaType {
        case MediaType.ociIndex, MediaType.dockerManifestList:
            guard let manifests = fields.manifests else {
                throw ManifestError(category: .other, message: "the \(mediaType ?? "") has no \"manifests\" list")
            }
            try validate(manifests)
            return .index(ImageIndex(mediaType: mediaType ?? "", manifests: manifests))
        case MediaType.ociManifest, MediaType.dockerManifest:
            guard let config = fields.config else {
                throw ManifestError(category: .other, message: "the \(mediaType ?? "") has no \"config\"")
            }
            let layers = fields.layers ?? []
            try validate([config] + layers.filter { !$0.isForeign })
            return .image(ImageManifest(mediaType: mediaType ?? "", config: config, layers: layers))
        case nil:
            throw ManifestError(category: .other, message: "the manifest names no media type, and the answer has no Content-Type: \(quote(body))")
        case let other?:
            throw ManifestError(category: .unsupported, message: "the manifest is of media type \(EscapedText.make(other, limit: 120)), which verify does not check")
        }
    }

    /// The fields verify reads, from any kind of manifest.
    private struct Fields: Decodable {
        let schemaVersion: Int?
        let mediaType: String?
        let manifests: [Descriptor]?
        let config: Descriptor?
        let layers: [Descriptor]?
    }

    private static func isSchema1(_ mediaType: String) -> Bool {
        mediaType == MediaType.dockerSchema1 || mediaType == MediaType.dockerSchema1Signed
    }

    private static func schema1(_ what: String) -> ManifestError {
        ManifestError(category: .unsupported,
                      message: "the registry serves a schema 1 manifest (\(what)), which current Docker no longer pulls; push the image again with a current client")
    }

    private static func validate(_ descriptors: [Descriptor]) throws(ManifestError) {
        for descriptor in descriptors {
            guard Digest.isValid(descriptor.digest) else {
                throw ManifestError(category: .other, message: "the manifest refers to an invalid digest \"\(EscapedText.make(descriptor.digest, limit: 100))\"")
            }
            guard descriptor.size >= 0 else {
                throw ManifestError(category: .other, message: "the manifest gives \(descriptor.digest) a negative size (\(descriptor.size))")
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.keyNotFound(_, let context), DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "not JSON, or not an object" : "\(path): \(context.debugDescription)"
        default:
            return String(describing: error)
        }
    }

    private static func quote(_ body: [UInt8]) -> String {
        "\"" + OneLine.make(String(decoding: body.prefix(200), as: UTF8.self), limit: 120) + "\""
    }
}
