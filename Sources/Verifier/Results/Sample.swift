/// The first few of a kind of item and how many there were in all: what the summary shows of a
/// list that may hold a million entries, in constant memory.
struct Sample<Item: Sendable>: Sendable {
    /// How many are kept to show.
    static var kept: Int { 10 }
    /// The first ``kept`` items.
    private(set) var first: [Item] = []
    /// How many there were in all.
    private(set) var count = 0

    init() {}

    init(_ items: some Sequence<Item>) {
        for item in items { append(item) }
    }

    mutating func append(_ item: Item) {
        if count < Self.kept { first.append(item) }
        count += 1
    }

    var isEmpty: Bool { count == 0 }

    /// Counts one more item, made by `make` only if it is kept to show.
    mutating func append<Failure: Error>(_ make: () throws(Failure) -> Item) throws(Failure) {
        if count < Self.kept { first.append(try make()) }
        count += 1
    }
}
