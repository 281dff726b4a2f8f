/// An OCI image index or a Docker manifest list: the manifests of one image, one per platform.
struct ImageIndex: Sendable, Equatable {
    /// Its media type.
    let mediaType: String
    /// Its entries, in the order the index lists them.
    let manifests: [Descriptor]

    /// The entries that are images of a platform, in the index's order.
    ///
    /// buildx adds an attestation manifest (provenance, SBOM) for each image, with the platform
    /// `unknown/unknown` and the annotation `vnd.docker.reference.type: attestation-manifest`.
    /// Those are not platforms to check: they are not pullable images (their layers are in-toto
    /// JSON documents, not file systems), and docker never pulls them. They are left out, and
    /// counted in ``attestationCount``.
    var platformManifests: [Descriptor] {
        manifests.filter { !Self.isAttestation($0) }
    }

    /// How many entries are attestation manifests.
    var attestationCount: Int {
        manifests.count(where: Self.isAttestation)
    }

    /// The platforms of ``platformManifests``, as `os/arch[/variant]` (`?` for an entry without one).
    var platformNames: [String] {
        platformManifests.map { $0.platform?.description ?? "?" }
    }

    private static func isAttestation(_ entry: Descriptor) -> Bool {
        entry.platform?.isUnknown == true || entry.annotations?["vnd.docker.reference.type"] == "attestation-manifest"
    }
}
