/// One valid image of the list, as the supervisor tracks it.
struct Job {
    /// The list line as written, trimmed.
    let text: String
    /// Its line number.
    let line: Int
    /// The reference to pull (after `--registry`).
    let pull: String
    /// How many times it was handed to a worker.
    var attempts = 0
}
