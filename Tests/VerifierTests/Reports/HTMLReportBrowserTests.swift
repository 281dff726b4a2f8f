import Foundation
import Testing
@testable import Verifier

/// The HTML report as a person sees it: rendered by headless Chromium (Debian's `chromium`), its
/// DOM read back after the page's script ran, a screenshot taken, and every request the page
/// could make caught by a recorder that stands in for a proxy.
@Suite(.serialized)
struct HTMLReportBrowserTests {
    static let chromium = "/usr/bin/chromium"
    static let recorder = ReportFixture.fixtures.appendingPathComponent("request-recorder.py").path
    /// Chromium's own services (updates, time, accounts), which it calls whatever page it shows;
    /// the control test shows them beside the page's own request.
    static let chromiumServices = ["google.com", "googleapis.com", "gvt1.com"]

    /// The page for `records`, written to a new directory; its path.
    static func page(_ records: [ReportRecord], limit: Int = ReportTargets.failureLimit) throws -> String {
        let parameters = try JSONDecoder().decode(RunParameters.self, from: Data(#"{"client": "docker", "registry": "registry.example.com"}"#.utf8))
        let path = ReportFixture.scratch() + "/report.html"
        try ReportFile.write(HTMLReport(ReportData(records: records, failureLimit: limit), parameters: parameters).render(), to: path)
        return path
    }

    /// Runs chromium headless on `path` with every request sent to a recorder: what it printed, and
    /// the requests that did not go to Chromium's own services.
    static func browse(_ path: String, _ arguments: [String]) throws -> (output: String, requests: [String]) {
        let directory = ReportFixture.scratch()
        let recorder = Process()
        recorder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        recorder.arguments = [Self.recorder, directory + "/port", directory + "/requests"]
        try recorder.run()
        defer {
            kill(recorder.processIdentifier, SIGKILL)  // SIGTERM may be blocked in the test process, and so in its children
            recorder.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: directory + "/port") && Date() < deadline { usleep(20_000) }
        let port = try String(contentsOfFile: directory + "/port", encoding: .utf8)
        let run = try ReportFixture.run(Self.chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(directory)/profile",
            "--proxy-server=http://127.0.0.1:\(port)", "--proxy-bypass-list=<-loopback>",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--disable-background-networking", "--disable-component-update", "--no-first-run", "--virtual-time-budget=3000",
        ] + arguments + ["file://" + path])
        let log = (try? String(contentsOfFile: directory + "/requests", encoding: .utf8)) ?? ""
        let requests = log.split(separator: "\n").map(String.init).filter { line in
            !chromiumServices.contains { service in line.contains(".\(service)") || line.contains("//\(service)") || line.contains(" \(service)") }
        }
        return (run.stdout, requests)
    }

    @Test func theRecorderCatchesARequestThePageMakes() throws {
        let path = ReportFixture.scratch() + "/leak.html"
        try #"<html><body><img src="http://leak.example/pixel.png"></body></html>"#.write(toFile: path, atomically: true, encoding: .utf8)
        let (_, requests) = try Self.browse(path, ["--dump-dom"])
        #expect(requests.contains { $0.contains("leak.example") }, "\(requests)")
    }

    @Test func thePageShowsTheCountsBarsAndFailuresAndMakesNoRequest() throws {
        let path = try Self.page(ReportFixture.mixed())
        let html = try String(contentsOfFile: path, encoding: .utf8)
        // Nothing to load from anywhere: no address, no src, no url(), and a policy that forbids it all.
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("src=") && !html.contains("url("))
        #expect(html.contains(#"content="default-src 'none'; "#))
        let (dom, requests) = try Self.browse(path, ["--dump-dom"])
        #expect(requests.isEmpty, "the page made requests: \(requests)")
        #expect(dom.contains(#"data-script="ready""#), "the page's script ran to its end")
        #expect(dom.contains("<h1 id=\"verdict\">81 of 400 images failed: 61 errors and 20 timeouts.</h1>"))
        #expect(dom.contains(#"<span class="n" id="count-total">400</span>"#))
        #expect(dom.contains(#"<span class="n" id="count-good">319</span>"#))
        #expect(dom.contains(#"<g class="bar error" data-label="not-found" data-count="40">"#))
        #expect(dom.contains(#"<g class="bar good" data-label="good" data-count="319">"#))
        #expect(dom.contains(#"<g class="bar timeout" data-label="timeout" data-count="20">"#))
        #expect(dom.components(separatedBy: "<tr data-category=").count - 1 == 81)
        #expect(dom.contains(#"<span id="shown-count" class="note">81 shown</span>"#))
        #expect(!dom.contains(#"<p id="filter" hidden"#), "the script shows the category filter")
        // The hostile reference is text, not markup: escaped, and no script of its own ran.
        #expect(dom.contains("team/&lt;script&gt;alert('x')&lt;/script&gt;\"&amp;amp;"))
        #expect(!dom.contains("<script>alert"))
        let shot = "/tmp/verify-report-screenshot.png"
        _ = try Self.browse(path, ["--screenshot=\(shot)", "--window-size=1280,2000"])
        #expect((try FileManager.default.attributesOfItem(atPath: shot)[.size] as? Int ?? 0) > 50_000)
    }

    @Test func aHundredThousandRecordsStayUnderFiveMegabytesWithTheTableCapped() throws {
        let records = (0..<100_000).map { index in
            ReportFixture.record(index, index % 2 == 0 ? .error : .good, durationMs: Int64(index % 90_000), spacing: 0.05)
        }
        let path = try Self.page(records)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? .max
        #expect(size < 5_000_000, "\(size) bytes")
        let (dom, requests) = try Self.browse(path, ["--dump-dom"])
        #expect(requests.isEmpty)
        #expect(dom.components(separatedBy: "<tr data-category=").count - 1 == 2_000)
        #expect(dom.contains("Showing the first 2,000 of 50,000 failures"))
        #expect(dom.contains("error_image.txt"))
    }
}
