import Testing
@testable import Verifier

/// `--progress` with what stderr is and what `TERM` says: a bar only where it can be redrawn.
struct ProgressModeTests {
    static let plain = ProgressStyle.plain(everyMilliseconds: 5000)

    @Test(arguments: [
        // auto: a bar only on a terminal whose TERM is set and not dumb.
        (ProgressMode.auto, true, "xterm-256color", ProgressStyle.bar),
        (.auto, true, "dumb", plain),
        (.auto, true, nil, plain),
        (.auto, true, "", plain),
        (.auto, false, "xterm", plain),
        // bar: asked for, so drawn into a pipe too, but not where TERM says erase-line is not understood.
        (.bar, false, "xterm", .bar),
        (.bar, true, nil, .bar),
        (.bar, true, "dumb", plain),
        (.plain, true, "xterm", plain),
        (.none, true, "xterm", .none),
        (.none, false, nil, .none),
    ] as [(ProgressMode, Bool, String?, ProgressStyle)])
    func eachModeComesToAStyle(_ mode: ProgressMode, _ isTerminal: Bool, _ term: String?, _ expected: ProgressStyle) {
        #expect(mode.style(on: StderrTerminal(isTerminal: isTerminal, term: term), intervalSeconds: 5) == expected)
    }

    @Test(arguments: ProgressMode.allCases)
    func anIntervalOf0MeansNoProgressWhateverTheMode(_ mode: ProgressMode) {
        let terminal = StderrTerminal(isTerminal: true, term: "xterm")
        #expect(mode.style(on: terminal, intervalSeconds: 0) == .none)
        #expect(mode.style(on: terminal, intervalSeconds: 0.0004) == .none)
    }

    @Test func thePlainLinesComeEveryInterval() {
        #expect(ProgressMode.plain.style(on: StderrTerminal(isTerminal: false, term: nil), intervalSeconds: 0.25)
            == .plain(everyMilliseconds: 250))
    }
}
