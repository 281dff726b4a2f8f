import Foundation

/// Progress as text: the bar, fitted to a terminal's width, and the plain log line. Pure: a
/// ``ProgressState`` in, a `String` out.
enum ProgressRenderer {
    /// The bar for a terminal `width` columns wide, such as
    /// `120/4254 2% [#-------------]  100 good  15 error  5 timeout  352.1/min  ETA 11m50s`.
    ///
    /// The last column stays free (a character there makes some terminals wrap). When the facts
    /// do not fit, the least important go first: the drawn bar, the start rate, the rate per
    /// minute, the good count, the ETA, the timeouts, the errors, the pause; then the percentage.
    /// The count stays, cut to the width if it must be.
    static func bar(_ state: ProgressState, width: Int) -> String {
        let room = max(width - 1, 1)
        var fields = barFields(state, room: room)
        while fields.count > 1, joined(fields).count > room,
              let least = fields.indices.max(by: { fields[$0].rank < fields[$1].rank }) {
            fields.remove(at: least)
        }
        return String(joined(fields).prefix(room))
    }

    /// The plain log line, such as `verify: 120/4254 done (2%; 100 good, 15 error, 5 timeout),
    /// 352.1 images/min over the last minute, ETA 11m50s`.
    static func line(_ state: ProgressState) -> String {
        var line = "verify: \(state.done)/\(state.total) done (\(state.percent)%; \(state.good) good, \(state.errors) error, "
            + "\(state.timeouts) timeout), \(perMinute(state)) images/min over the last minute, \(eta(state))"
        if let starts = startRate(state) { line += ", " + starts }
        if let paused = paused(state) { line += ", " + paused }
        if let quota = quota(state) { line += ", " + quota }
        return line
    }

    /// One fact of the bar: its text, what comes before it, and how important it is (0 the most).
    private struct Field {
        let text: String
        let rank: Int
        var separator = "  "
    }

    /// The bar's facts in the order shown; the drawn bar gets a quarter of the room, at most 32
    /// columns, and none when that is under 7.
    private static func barFields(_ state: ProgressState, room: Int) -> [Field] {
        var fields = [Field(text: "\(state.done)/\(state.total)", rank: 0, separator: ""),
                      Field(text: "\(state.percent)%", rank: 1, separator: " ")]
        let drawn = min(room / 4, 32)
        if drawn >= 7 { fields.append(Field(text: graphic(state, columns: drawn), rank: 9, separator: " ")) }
        fields += [Field(text: "\(state.good) good", rank: 6), Field(text: "\(state.errors) error", rank: 3),
                   Field(text: "\(state.timeouts) timeout", rank: 4), Field(text: perMinute(state) + "/min", rank: 7),
                   Field(text: eta(state), rank: 5)]
        if let starts = startRate(state) { fields.append(Field(text: starts, rank: 8)) }
        if let paused = paused(state) { fields.append(Field(text: paused, rank: 2)) }
        if let quota = quota(state) { fields.append(Field(text: quota, rank: 8)) }
        return fields
    }

    private static func joined(_ fields: [Field]) -> String {
        fields.map { $0.separator + $0.text }.joined()
    }

    /// `[#####-----]`, `columns` wide.
    private static func graphic(_ state: ProgressState, columns: Int) -> String {
        let inside = columns - 2
        let filled = inside * min(state.percent, 100) / 100
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: inside - filled) + "]"
    }

    private static func perMinute(_ state: ProgressState) -> String {
        String(format: "%.1f", state.perMinute)
    }

    /// `ETA 45s`, `ETA 3m07s`, `ETA 2h05m`; `ETA --` when unknown, `ETA >99h` beyond.
    private static func eta(_ state: ProgressState) -> String {
        guard let seconds = state.secondsLeft?.rounded(.up), seconds.isFinite else { return "ETA --" }
        guard seconds < 100 * 3600 else { return "ETA >99h" }
        let whole = Int(max(seconds, 0))
        if whole < 60 { return "ETA \(whole)s" }
        if whole < 3600 { return String(format: "ETA %dm%02ds", whole / 60, whole % 60) }
        return String(format: "ETA %dh%02dm", whole / 3600, whole % 3600 / 60)
    }

    private static func startRate(_ state: ProgressState) -> String? {
        state.startsPerSecond.map { String(format: "rate %.1f/s", $0) }
    }

    private static func paused(_ state: ProgressState) -> String? {
        state.pausedFor.map { "paused: \($0)" }
    }

    /// `quota 87/100`: pulls left of the registry's quota.
    private static func quota(_ state: ProgressState) -> String? {
        guard let quota = state.quota, let remaining = quota.remaining else { return nil }
        return "quota \(remaining)/\(quota.limit)"
    }
}
