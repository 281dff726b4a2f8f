/// An OCI image manifest or a Docker v2 schema 2 manifest: one platform's image.
struct ImageManifest: Sendable, Equatable {
    /// Its media type.
    let mediaType: String
    /// The image configuration blob.
    let config: Descriptor
    /// The layers, base first.
    let layers: [Descriptor]

    /// The blobs the registry must hold, each with what it is for messages: the config, then every
    /// layer that is not foreign (`layer 2 of 3`, counting all layers).
    var blobs: [(descriptor: Descriptor, role: String)] {
        [(config, "config")] + layers.enumerated().filter { !$0.element.isForeign }.map { ($0.element, "layer \($0.offset + 1) of \(layers.count)") }
    }

    /// How many layers are foreign or non-distributable, and so not the registry's to hold.
    var foreignLayerCount: Int {
        layers.count(where: \.isForeign)
    }
}
