/// What the supervisor tells a worker, one JSON object a line on the worker's channel.
enum SupervisorMessage: Codable, Sendable {
    /// Verify this image. `id` identifies it in the worker's replies.
    case verify(id: Int, reference: String)
}

/// What a worker tells the supervisor, one JSON object a line on its channel.
enum WorkerMessage: Codable, Sendable {
    /// A client process (and its process group) started for image `id`.
    case childStarted(id: Int, processGroup: Int32)
    /// That client and its pipes are done.
    case childEnded(id: Int, processGroup: Int32)
    /// Image `id` is done. Times are seconds since 1970.
    case finished(id: Int, verdict: Verdict, startedAt: Double, finishedAt: Double)
}
