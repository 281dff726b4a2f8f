/// One image in a worker's window, whatever checks it: a client's pipeline (``ImageRun``) or the
/// registry's HTTP API (``RegistryImageRun``). It reports its end through its ``WorkerEvents``.
protocol ImageRunning: AnyObject {
    /// Starts the check, under the image's timeout.
    func start()
    /// Ends the check at once (its client killed, its requests cancelled): the worker shuts down.
    func kill()
}
