import Foundation
import Testing

/// deploy/: the Kubernetes manifests, their kustomizations and the Dockerfile, checked by
/// scripts/check-deploy.py (PyYAML; `kubectl kustomize` when kubectl is installed; the Jobs' shell
/// scripts run with a stand-in verify). No cluster and no image build: neither is possible here.
struct DeployTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// python3, found on PATH as the script's `#!/usr/bin/env python3` would find it.
    static let python: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .map { $0 + "/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: python != nil, "python3 is not installed (apt-get install python3 python3-yaml; scripts/install-deps.sh does)"))
    func theDeployManifestsPassTheirCheck() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python!)
        process.arguments = [Self.packageRoot.appendingPathComponent("scripts/check-deploy.py").path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let failed = text.split(separator: "\n").filter { $0.hasPrefix("FAIL") || $0.hasPrefix("check-deploy:") || $0.hasPrefix("skip") }
        #expect(process.terminationStatus == 0, "scripts/check-deploy.py exited \(process.terminationStatus):\n\(failed.isEmpty ? text : failed.joined(separator: "\n"))")
        #expect(text.contains("check-deploy: 0 failed"), "\(text.suffix(2000))")
        // The essentials must have been checked, not skipped.
        for essential in ["completionMode Indexed", "--shard $(JOB_COMPLETION_INDEX)/N with N = completions",
                          "the Secret's .dockerconfigjson projected as config.json", "DOCKER_CONFIG is the Secret's mount directory",
                          "the results claim mounted", "verify's status 1 ends the pod with 0"] {
            #expect(text.contains("ok    job-verify.yaml: \(essential)") || text.contains("ok    wrapper: \(essential)"), "not checked: \(essential)")
        }
    }
}
