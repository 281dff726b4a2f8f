extension ImageReference {
    /// What the daemon pulls for this reference, in one normal form: two references with the same
    /// key are the same image to `docker pull`, `docker image inspect` and `docker rmi`.
    ///
    /// The repository is normalised as Docker does (``normalizedRepository``: `alpine`,
    /// `library/alpine` and `docker.io/library/alpine` are one); a missing tag is `latest`; a
    /// digest, when there is one, decides alone.
    var pullKey: String {
        if let digest { return normalizedRepository + "@" + digest }
        return normalizedRepository + ":" + (tag ?? "latest")
    }
}
