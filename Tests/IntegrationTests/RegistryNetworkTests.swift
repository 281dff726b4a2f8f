import Foundation
import Testing

/// `--client registry` where the network fails, without the sandbox.
struct RegistryNetworkTests {
    /// Every socket fails (nothing listens on the port): each of 300 images is a `network` error
    /// with curl's own words, and the run ends.
    @Test func aRunWhoseEverySocketFailsRecordsEachImageAsANetworkError() throws {
        let scratch = VerifyRun.scratch()
        let list = (1...300).map { "127.0.0.1:9/team/app\($0):v1" }.joined(separator: "\n") + "\n"
        let started = Date()
        let result = try RegistryClientRun.run(list, in: scratch, arguments: ["--retries", "0", "--progress", "none", "-p", "2", "-c", "50", "-t", "60"])
        #expect(result.status == 1)
        #expect(Date().timeIntervalSince(started) < 50, "no image waits for its timeout")
        let errors = try String(contentsOfFile: scratch + "/out/error_image.txt", encoding: .utf8).split(separator: "\n")
        #expect(errors.count == 300)
        #expect(errors.allSatisfy { $0.split(separator: "\t")[1] == "network" }, "\(errors.first ?? "")")
        #expect(errors.first?.contains("127.0.0.1") == true, "curl's message names the address: \(errors.first ?? "")")
    }
}
