import Foundation

/// `run.json`: the parameters of a run that change what "good" means, written to the output
/// directory so that `--resume` never mixes results that answer different questions.
struct RunParameters: Codable, Sendable, Equatable {
    /// The container client's path.
    var client: String
    /// `--registry`, if given.
    var registry: String?
    /// `--depth`, for the registry client.
    var depth: String?
    /// `--platform`, for the registry client, if given.
    var platform: String?
    /// `--shard`, if given: which lines of the list the results are for. It does not change what
    /// "good" means (``differenceInMeaning(from:)`` leaves it out), only which lines were verified.
    var shard: Shard?

    /// The file's name in the output directory.
    static let fileName = "run.json"

    /// The parameters of `configuration`, whose client was found at `client`.
    init(_ configuration: RunConfiguration, client: String) {
        self.client = client
        registry = configuration.registry?.description
        if configuration.clientKind == .registry {
            depth = configuration.registryOptions.depth.rawValue
            platform = configuration.registryOptions.platform?.description
        }
        shard = configuration.shard
    }

    /// What differs from `earlier`, in words a person can act on; `nil` when nothing does.
    func difference(from earlier: RunParameters) -> String? {
        var differences = differencesInMeaning(from: earlier)
        if shard != earlier.shard {
            differences.append("--shard was \(earlier.shard?.description ?? "not given"), now \(shard?.description ?? "not given")")
        }
        return differences.isEmpty ? nil : differences.joined(separator: "; ")
    }

    /// What differs from `other` in what "good" means (the client, `--registry`, `--depth`,
    /// `--platform`, never `--shard`), in words a person can act on; `nil` when nothing does.
    func differenceInMeaning(from other: RunParameters) -> String? {
        let differences = differencesInMeaning(from: other)
        return differences.isEmpty ? nil : differences.joined(separator: "; ")
    }

    private func differencesInMeaning(from earlier: RunParameters) -> [String] {
        var differences: [String] = []
        if client != earlier.client { differences.append("the client was \(earlier.client), now \(client)") }
        if registry != earlier.registry {
            differences.append("--registry was \(earlier.registry ?? "not given"), now \(registry ?? "not given")")
        }
        if depth != earlier.depth { differences.append("--depth was \(earlier.depth ?? "not given"), now \(depth ?? "not given")") }
        if platform != earlier.platform {
            differences.append("--platform was \(earlier.platform ?? "not given"), now \(platform ?? "not given")")
        }
        return differences
    }

    /// The file's bytes.
    var encoded: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { preconditionFailure("RunParameters always encode") }
        return Array(data) + [UInt8(ascii: "\n")]
    }
}
