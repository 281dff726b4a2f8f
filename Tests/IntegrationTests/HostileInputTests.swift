import Foundation
import Testing

/// A list, and a client, that try to fake a result column, break lines for common readers, drive
/// the terminal or flood the summary: the real binary refuses the lines, echoes everything escaped
/// and cut short, and keeps the exact text in `results.jsonl`.
@Suite(.serialized)
struct HostileInputTests {
    static let good = "r.example.com/team/good:v1"
    static let hostile = [
        "r.example.com/team/notfound:v1\tunauthorized\tfaked",
        "r.example.com/team/a:v1\u{b}r.example.com/team/b:v1",
        "r.example.com/team/a:v1\u{c}r.example.com/team/b:v1",
        "r.example.com/team/a:v1\u{85}r.example.com/team/b:v1",
        "r.example.com/team/a:v1\u{2028}r.example.com/team/b:v1",
        "r.example.com/team/a:v1\u{2029}r.example.com/team/b:v1",
        "r.example.com/team/\u{1b}]0;pwned\u{7}\u{1b}[2Japp:v1",
        String(repeating: "a", count: 5_000_000),
    ]

    /// `text`'s characters that do not show as themselves, other than those `allowed`.
    static func invisible(in text: String, allowing allowed: Set<Unicode.Scalar>) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { scalar in
            !allowed.contains(scalar) && (scalar.properties.isWhitespace && scalar != " "
                || [.control, .format, .lineSeparator, .paragraphSeparator].contains(scalar.properties.generalCategory))
        }
    }

    @Test func hostileLinesAreInvalidAndEchoedEscaped() throws {
        let list = ([Self.good] + Self.hostile + Self.hostile).joined(separator: "\n") + "\n"
        let run = try VerifyRun.run(engine: "posix", list: list, arguments: ["-p", "1"])
        #expect(run.status == 1)
        #expect(run.good == [Self.good])
        #expect(run.calls.filter { $0.hasPrefix("pull ") }.map { $0.split(separator: " ")[1] } == [Substring(Self.good)],
                "no hostile line reaches the client")

        let errors = try String(contentsOfFile: run.outputDirectory + "/error_image.txt", encoding: .utf8)
        #expect(Self.invisible(in: errors, allowing: ["\n", "\t"]).isEmpty)
        #expect(errors.utf8.count < 10_000)
        let rows = errors.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(rows.count == Self.hostile.count)
        #expect(rows.allSatisfy { $0.count == 3 && $0[1] == "invalid-reference" })
        #expect(rows.first?.first == "r.example.com/team/notfound:v1\\tunauthorized\\tfaked")
        #expect(rows.last?.first?.hasSuffix("… (5000000 bytes)") == true)

        #expect(Self.invisible(in: run.stderr, allowing: ["\n"]).isEmpty)
        #expect(run.stderr.utf8.count < 10_000)
        #expect(run.stderr.contains("duplicates: \(Self.hostile.count) lines skipped"))
        #expect(run.stderr.contains("r.example.com/team/\\x1b]0;pwned\\x07\\x1b[2Japp:v1"))
        #expect(run.stderr.contains("r.example.com/team/a:v1\\u{2028}r.example.com/team/b:v1"))

        let records = run.records
        for line in Self.hostile {
            #expect(records[line]?["category"] as? String == "invalid-reference", "results.jsonl keeps the exact line")
        }
    }

    @Test func anUnknownOptionIsEchoedEscaped() throws {
        let result = try execute(VerifyRun.executable, ["--\u{1b}]0;pwned\u{7}", "images.txt"])
        #expect(result.status == 2)
        #expect(result.stderr == "verify: error: Unknown option '--\\x1b]0;pwned\\x07' (see verify --help)\n")
    }

    @Test(arguments: engines)
    func controlCharactersInClientOutputAreEscapedInTheMessageColumn(_ engine: String) throws {
        let scratch = VerifyRun.scratch()
        let client = scratch + "/docker"
        try """
            #!/usr/bin/env bash
            if [[ $1 == pull ]]; then printf 'Error response from daemon: \\0bad\\033]0;pwned\\007 \\033[31mred\\n' >&2; exit 1; fi
            exec \(VerifyRun.fakeDocker) "$@"

            """.write(toFile: client, atomically: true, encoding: .utf8)
        #expect(chmod(client, 0o755) == 0)
        let run = try VerifyRun.run(engine: engine, list: Self.good + "\n", arguments: ["-p", "1", "--docker", client], scratch: scratch)
        #expect(run.status == 1)
        #expect(run.errors.map(\.message) == ["Error response from daemon: \\x00bad\\x1b]0;pwned\\x07 \\x1b[31mred"])
        #expect(run.records[Self.good]?["stderr_tail"] as? String == "Error response from daemon: \0bad\u{1b}]0;pwned\u{7} \u{1b}[31mred\n",
                "the exact output stays in results.jsonl")
    }
}
