import Foundation
import Testing

/// deploy/: the Kubernetes manifests, their kustomizations and the Dockerfile, checked by
/// scripts/check-deploy.py (PyYAML; `kubectl kustomize` when kubectl is installed; the Jobs' shell
/// scripts run with a stand-in verify); and the image built for real and the Jobs' pods run as
/// containers against the sandbox's registry, by scripts/check-image.py. No cluster, and not the
/// Dockerfile's swift build stage (its base image cannot be pulled here): the image's binary is
/// built on the host and taken through the Dockerfile's host stage.
struct DeployTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// python3, found on PATH as the script's `#!/usr/bin/env python3` would find it.
    static let python: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .map { $0 + "/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs a script of scripts/ with python3; its status and its output (stdout and stderr).
    static func runScript(_ name: String, _ arguments: [String] = [], environment: [String: String] = [:]) throws -> (status: Int32, text: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python!)
        process.arguments = [Self.packageRoot.appendingPathComponent("scripts/\(name)").path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test(.enabled(if: python != nil, "python3 is not installed (apt-get install python3 python3-yaml; scripts/install-deps.sh does)"))
    func theDeployManifestsPassTheirCheck() throws {
        let (status, text) = try Self.runScript("check-deploy.py")
        let failed = text.split(separator: "\n").filter { $0.hasPrefix("FAIL") || $0.hasPrefix("check-deploy:") || $0.hasPrefix("skip") }
        #expect(status == 0, "scripts/check-deploy.py exited \(status):\n\(failed.isEmpty ? text : failed.joined(separator: "\n"))")
        #expect(text.contains("check-deploy: 0 failed"), "\(text.suffix(2000))")
        // The essentials must have been checked, not skipped.
        for essential in ["completionMode Indexed", "--shard $(JOB_COMPLETION_INDEX)/N with N = completions",
                          "the Secret's .dockerconfigjson projected as config.json", "DOCKER_CONFIG is the Secret's mount directory",
                          "the results claim mounted", "verify's status 1 ends the pod with 0"] {
            #expect(text.contains("ok    job-verify.yaml: \(essential)") || text.contains("ok    wrapper: \(essential)"), "not checked: \(essential)")
        }
    }

    /// Debian 12's kubernetes-client (kubectl 1.20, which scripts/install-deps.sh installs) embeds
    /// kustomize v2.0.3, which knows neither `patches` with a target nor `replacements`: with it
    /// first on PATH, the rendered checks are skipped with the reason, not failed, and the rest
    /// (kubectl's dry run of the files as written) still runs.
    @Test(.enabled(if: python != nil, "python3 is not installed (apt-get install python3 python3-yaml; scripts/install-deps.sh does)"))
    func aKubectlWhoseKustomizeIsTooOldSkipsTheRenderedChecks() throws {
        let directory = VerifyRun.scratch()
        let fake = directory + "/kubectl"
        let real = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { $0 + "/kubectl" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        try """
            #!/bin/sh
            case "$1" in
              version) echo '{"clientVersion": {"major": "1", "minor": "20", "gitVersion": "v1.20.2"}}' ;;
              kustomize) echo 'Error: json: cannot unmarshal object into Go struct field Kustomization.patchesStrategicMerge of type patch.StrategicMerge' >&2; exit 1 ;;
              *) [ -n "$REAL_KUBECTL" ] && exec "$REAL_KUBECTL" "$@"; echo "error: no kubectl to run $1" >&2; exit 1 ;;
            esac

            """.write(toFile: fake, atomically: true, encoding: .utf8)
        #expect(chmod(fake, 0o755) == 0)
        let path = directory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .filter { !FileManager.default.isExecutableFile(atPath: $0 + "/kustomize") }.joined(separator: ":")
        let (status, text) = try Self.runScript("check-deploy.py", environment: ["PATH": path, "REAL_KUBECTL": real ?? ""])
        #expect(text.contains("skip  the rendered kustomizations: kubectl v1.20.2"), "\(text.suffix(2000))")
        #expect(!text.contains("FAIL  kubectl kustomize"), "\(text.suffix(2000))")
        if real != nil { #expect(status == 0, "\(text.suffix(2000))") }
    }

    /// The image built from deploy/Dockerfile (its runtime stage on a debootstrapped bookworm, the
    /// binary built on the host through its host stage), then the check Job's N pods, a retried
    /// pod, a pod with other options and the merge Job's pod run as `docker run --network host`
    /// containers, as `kubectl kustomize` renders them, against the sandbox's registry with Basic
    /// credentials from the mounted Secret, by deploy/kubernetes/simulate.py (what simulate.sh
    /// runs); then the check Job's container once without --shard, whose results the merged ones
    /// must equal. The sandbox brings up the Docker engine: without it, no Docker is reachable,
    /// and the test is skipped.
    @Test(.enabled(if: python != nil && Sandbox.environment != nil,
                   "needs python3 and scripts/sandbox.sh up, which brings up a Docker engine (scripts/test.sh runs it)"))
    func theImageIsBuiltAndRunsTheJobsPodsAgainstTheSandbox() throws {
        let envFile = try #require(ProcessInfo.processInfo.environment["VERIFY_E2E_ENV"])
        let (status, text) = try Self.runScript("check-image.py", [envFile])
        let notOK = text.split(separator: "\n").filter { !$0.hasPrefix("ok") }
        #expect(status == 0, "scripts/check-image.py exited \(status):\n\(notOK.suffix(60).joined(separator: "\n"))")
        #expect(text.contains("check-image: 0 failed"), "\(text.suffix(3000))")
        // What a user relies on must have been checked, not skipped for want of something.
        let passed = text.split(separator: "\n").filter { $0.hasPrefix("ok    ") }
        for essential in ["docker build -f deploy/Dockerfile --build-arg BINARY_STAGE=host", "docker run IMAGE: --help, exit 0",
                          "the image's user is uid 65532, gid 65532", "every library verify links is in the image (ldd)",
                          "exit 0, the index complete", "results.jsonl has exactly its shard's lines, once each",
                          "pod 0 retried: exit 0, nothing verified again", "pod 1 with another --registry: exit 2",
                          "shards merged", "merged results.jsonl: every line of the list exactly once",
                          "merged: every image good or failed as the sandbox planted it", "every file on the results volume owned by uid 65532",
                          "merged and unsharded results.jsonl: the same references, once each",
                          "merged and unsharded records: status, category, digest and pulled the same for each reference",
                          "merged and unsharded good_image.txt, error_image.txt and timeout_image.txt: the same lines"] {
            #expect(passed.contains { $0.contains(essential) }, "not checked: \(essential)")
        }
    }
}
