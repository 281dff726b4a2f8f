import Testing
@testable import Verifier

/// Which children of a subreaper are orphans to end, and when.
struct OrphanLedgerTests {
    @Test func clientsAreNeverOrphans() {
        var ledger = OrphanLedger()
        ledger.clientStarted(10)
        #expect(ledger.sweep(children: [10], inFlight: [], isRunning: { _ in true }) == .init())
    }

    @Test func anOrphanSeenWhileNothingIsInFlightIsKilledAtOnceAndReapedOnceItExited() {
        var ledger = OrphanLedger()
        #expect(ledger.sweep(children: [20], inFlight: [], isRunning: { _ in true }) == .init(kill: [20]))
        #expect(ledger.sweep(children: [20], inFlight: [], isRunning: { _ in false }) == .init(reap: [20]))
    }

    @Test func anOrphanWaitsForEveryImageThatWasInFlightWhenItWasFirstSeen() {
        var ledger = OrphanLedger()
        #expect(ledger.sweep(children: [20], inFlight: [1, 2], isRunning: { _ in true }) == .init())
        ledger.imageFinished(1)
        // Image 3 started later: the orphan cannot be its.
        #expect(ledger.sweep(children: [20], inFlight: [2, 3], isRunning: { _ in true }) == .init())
        ledger.imageFinished(2)
        #expect(ledger.sweep(children: [20], inFlight: [3], isRunning: { _ in true }) == .init(kill: [20]))
    }

    @Test func aCompletedClientWaitsForItsOwnReaperButALiveProcessWithItsPIDIsAnOrphan() {
        var ledger = OrphanLedger()
        ledger.clientStarted(10)
        ledger.clientCompleted(10)
        #expect(ledger.sweep(children: [10], inFlight: [], isRunning: { _ in false }) == .init(), "another reaper's zombie")
        #expect(ledger.sweep(children: [10], inFlight: [], isRunning: { _ in true }) == .init(kill: [10]), "the PID was reused")
    }

    @Test func aClientThatWasReapedIsForgotten() {
        var ledger = OrphanLedger()
        ledger.clientStarted(10)
        #expect(ledger.sweep(children: [], inFlight: [], isRunning: { _ in true }) == .init())
        // Its PID comes back as someone else's orphan.
        #expect(ledger.sweep(children: [10], inFlight: [], isRunning: { _ in true }) == .init(kill: [10]))
    }
}
