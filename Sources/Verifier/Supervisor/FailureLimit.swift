/// `--max-failures N|P%`: the circuit breaker. Once that many images have failed (after their
/// retries), no more work is handed out, and the run stops with exit status 3.
public enum FailureLimit: Sendable, Equatable, CustomStringConvertible {
    /// At most this many failed images.
    case count(Int)
    /// At most this percentage of the images done; judged only once 20 are done.
    case percent(Double)

    /// Images that must be done before a percentage is judged.
    static let minimumForPercent = 20

    /// Parses `N` or `P%`.
    public init?(parsing text: String) {
        if text.hasSuffix("%") {
            guard let value = Double(text.dropLast()), value > 0, value <= 100 else { return nil }
            self = .percent(value)
        } else {
            guard let value = Int(text), value >= 1 else { return nil }
            self = .count(value)
        }
    }

    /// Whether `failed` failures among `done` images trip the breaker; the reason if so.
    func trips(failed: Int, done: Int) -> String? {
        switch self {
        case .count(let limit):
            return failed >= limit ? "\(failed) images failed; --max-failures is \(limit)" : nil
        case .percent(let limit):
            guard done >= Self.minimumForPercent, Double(failed) * 100 >= limit * Double(done) else { return nil }
            return "\(failed) of \(done) images failed (\((Double(failed) * 100 / Double(done)).rounded())%); --max-failures is \(description)"
        }
    }

    /// `5` or `10%`, as given.
    public var description: String {
        switch self {
        case .count(let limit): "\(limit)"
        case .percent(let limit): limit == limit.rounded() ? "\(Int(limit))%" : "\(limit)%"
        }
    }
}
