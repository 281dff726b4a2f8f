import Testing
@testable import Verifier

/// Every value has bounds, and every conversion of a value inside them is exact or clamped: no trap.
struct RunConfigurationTests {
    @Test(arguments: [
        (\RunConfiguration.processes, 9_223_372_036_854_775_807, "--processes: must be from 1 to 1024, not 9223372036854775807"),
        (\RunConfiguration.concurrency, 9_223_372_036_854_775_807, "--concurrency: must be from 1 to 10000, not 9223372036854775807"),
        (\RunConfiguration.concurrency, 0, "--concurrency: must be from 1 to 10000, not 0"),
    ] as [(any WritableKeyPath<RunConfiguration, Int> & Sendable, Int, String)])
    func integersOutOfBoundsAreRefused(_ field: any WritableKeyPath<RunConfiguration, Int> & Sendable, _ value: Int, _ message: String) {
        var configuration = RunConfiguration(listPath: "-", processes: 1)
        configuration[keyPath: field] = value
        #expect(throws: VerifyError.self) { try configuration.validate() }
        do { try configuration.validate() } catch { #expect(error.description == message) }
    }

    @Test(arguments: [
        (\RunConfiguration.timeoutSeconds, 1e300, "--timeout: must be from 0.001 to 604800 seconds, not 1e+300"),
        (\RunConfiguration.timeoutSeconds, 1e-9, "--timeout: must be from 0.001 to 604800 seconds, not 1e-09"),
        (\RunConfiguration.timeoutSeconds, .nan, "--timeout: must be from 0.001 to 604800 seconds, not nan"),
        (\RunConfiguration.killGraceSeconds, 1e300, "--kill-grace: must be from 0 to 3600 seconds, not 1e+300"),
        (\RunConfiguration.progressIntervalSeconds, 1e300, "--progress-interval: must be from 0 to 86400 seconds, not 1e+300"),
        (\RunConfiguration.progressIntervalSeconds, .infinity, "--progress-interval: must be from 0 to 86400 seconds, not inf"),
    ] as [(any WritableKeyPath<RunConfiguration, Double> & Sendable, Double, String)])
    func secondsOutOfBoundsAreRefused(_ field: any WritableKeyPath<RunConfiguration, Double> & Sendable, _ value: Double, _ message: String) {
        var configuration = RunConfiguration(listPath: "-", processes: 1)
        configuration[keyPath: field] = value
        do {
            try configuration.validate()
            Issue.record("\(value) was accepted")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func theDefaultsAndTheLargestValuesAreAccepted() throws {
        try RunConfiguration.standard.validate()
        var largest = RunConfiguration(listPath: "-", processes: RunConfiguration.Bounds.processes.upperBound)
        largest.concurrency = RunConfiguration.Bounds.concurrency.upperBound
        largest.timeoutSeconds = RunConfiguration.Bounds.timeoutSeconds.upperBound
        largest.killGraceSeconds = RunConfiguration.Bounds.killGraceSeconds.upperBound
        largest.progressIntervalSeconds = RunConfiguration.Bounds.progressIntervalSeconds.upperBound
        try largest.validate()
        #expect(FileDescriptorLimit.needed(processes: largest.processes, concurrency: largest.concurrency) == 62_112)
        #expect(milliseconds(largest.supervisorDeadlineSeconds) > milliseconds(largest.timeoutSeconds))
    }

    @Test(arguments: [(1e300, UInt64(1) << 63), (.infinity, UInt64(1) << 63), (.nan, 0), (-5, 0), (0.0004, 0), (1.5, 1500)])
    func millisecondsNeverTrap(_ seconds: Double, _ expected: UInt64) {
        #expect(milliseconds(seconds) == expected)
    }
}
