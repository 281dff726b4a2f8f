import Foundation

/// The media types of the Distribution API that verify reads, and the `Accept` header of its
/// manifest requests.
enum MediaType {
    /// An OCI image index: one manifest per platform.
    static let ociIndex = "application/vnd.oci.image.index.v1+json"
    /// An OCI image manifest: a config and layers.
    static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    /// Docker's manifest list, the index's older form.
    static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    /// Docker's image manifest, v2 schema 2.
    static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    /// Docker's v2 schema 1 manifest, unsigned.
    static let dockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json"
    /// Docker's v2 schema 1 manifest, signed (JWS).
    static let dockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws"

    /// A Windows base layer that the registry does not hold: it is fetched from its `urls`.
    static let dockerForeignLayer = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
    /// OCI's layers that must not be pushed to other registries (also fetched from `urls`).
    static let ociNondistributableLayers: Set<String> = [
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
    ]

    /// The `Accept` header of every manifest request: all four manifest types, the two index types
    /// first, so that a registry serves the index of a multi-platform image rather than picking one
    /// platform's manifest. A registry that holds an OCI index or manifest answers a request that
    /// does not accept the OCI types with 404 MANIFEST_UNKNOWN ("OCI index found, but accept header
    /// does not support OCI indexes"), which would read as a missing image.
    static let manifestAccept = [ociIndex, dockerManifestList, ociManifest, dockerManifest].joined(separator: ", ")

    /// Whether a layer of `mediaType` is one the registry need not hold (foreign or non-distributable).
    static func isForeignLayer(_ mediaType: String?) -> Bool {
        guard let mediaType else { return false }
        return mediaType == dockerForeignLayer || ociNondistributableLayers.contains(mediaType)
    }

    /// `value` (a `Content-Type` header or a `mediaType` field) without parameters or case:
    /// `application/json; charset=utf-8` is `application/json`.
    static func essence(_ value: String) -> String {
        let type = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return type.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
