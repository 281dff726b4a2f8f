import Foundation

/// Reads the digest out of `docker image inspect --format '{{json .RepoDigests}}'`.
///
/// The daemon lists one `repository@digest` entry per repository the image was pulled from. The
/// one that counts is the entry whose repository is the pulled one, both compared in normalised
/// form (`docker.io/` and `library/` implied). The pull's own `Digest:` line is not used: the
/// containerd image store does not print it.
enum RepoDigests {
    /// The digest for `reference`'s repository in `output`, or `nil` when no entry matches.
    static func digest(in output: String, for reference: ImageReference) -> String? {
        let trimmed = output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let entries = try? JSONDecoder().decode([String]?.self, from: Data(trimmed.utf8)) else { return nil }
        var matches: [String] = []
        for entry in entries {
            guard let at = entry.lastIndex(of: "@") else { continue }
            let digest = String(entry[entry.index(after: at)...])
            guard let repository = try? ImageReference(parsing: String(entry[..<at])),
                  repository.normalizedRepository == reference.normalizedRepository else { continue }
            matches.append(digest)
        }
        if let pinned = reference.digest, matches.contains(pinned) { return pinned }
        return matches.first
    }
}
