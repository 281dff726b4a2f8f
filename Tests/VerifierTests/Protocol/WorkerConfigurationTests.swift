import Testing
@testable import Verifier

/// What a worker is told, derived from the run's configuration.
struct WorkerConfigurationTests {
    /// One reaper per process: a docker worker's clients are reaped by its posix_spawn reaper
    /// (waitpid(-1)); a registry worker starts only credential helpers, with uv_spawn, so libuv must
    /// be its only reaper, or the helper's exit is taken from libuv and its images wait for ever.
    @Test func aRegistryWorkerStartsItsChildrenWithUVSpawnOnly() {
        var run = RunConfiguration(listPath: "-", processes: 1)
        #expect(WorkerConfiguration(run, index: 1, client: "/usr/bin/docker", supervisorPID: 1).childSpawn == .posix)
        run.clientKind = .registry
        #expect(WorkerConfiguration(run, index: 1, client: "registry", supervisorPID: 1).childSpawn == .uv)
        run.spawn = .posix
        #expect(WorkerConfiguration(run, index: 1, client: "registry", supervisorPID: 1).childSpawn == .uv, "whatever --spawn says")
    }
}
