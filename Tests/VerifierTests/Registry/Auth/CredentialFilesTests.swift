import Testing
@testable import Verifier

struct CredentialFilesTests {
    static func password(_ candidate: CredentialCandidate?) -> (String, String)? {
        guard case .stored(let credential) = candidate, case .password(let user, let password) = credential.kind else { return nil }
        return (user.revealed, password.revealed)
    }

    static func helper(_ candidate: CredentialCandidate?) -> String? {
        guard case .helper(let request) = candidate else { return nil }
        return request.helperName
    }

    @Test func theFilesAndTheirOrder() {
        let home = "/home/me"
        #expect(CredentialFiles.paths(environment: [:], home: home).map(\.path) == ["/home/me/.docker/config.json"])
        #expect(CredentialFiles.paths(environment: ["DOCKER_CONFIG": "/etc/dc", "XDG_RUNTIME_DIR": "/run/user/1000"], home: home).map(\.path)
                == ["/etc/dc/config.json", "/run/user/1000/containers/auth.json"])
        #expect(CredentialFiles.paths(environment: ["REGISTRY_AUTH_FILE": "/ci/auth.json", "XDG_RUNTIME_DIR": "/run/user/1000"], home: home).map(\.path)
                == ["/ci/auth.json", "/home/me/.docker/config.json"])
        #expect(CredentialFiles.paths(environment: ["DOCKER_CONFIG": "", "REGISTRY_AUTH_FILE": ""], home: nil).isEmpty)
    }

    @Test func dockerHubsCredentialsAreUnderTheIndexURL() throws {
        let files = try AuthFixtures.files(["DOCKER_CONFIG": AuthFixtures.path("docker-plain")])
        for domain in [nil, "docker.io", "index.docker.io", "registry-1.docker.io"] as [String?] {
            let candidates = files.candidates(for: AuthFixtures.registry(domain))
            #expect(Self.password(candidates.first)! == ("hubuser", "PLANTED-hub-password"))
        }
        #expect(AuthFixtures.registry(nil).apiHost == "registry-1.docker.io")
    }

    @Test func authsKeysAreNormalisedLikeDockerDoes() throws {
        let files = try AuthFixtures.files(["DOCKER_CONFIG": AuthFixtures.path("docker-plain")])
        #expect(Self.password(files.candidates(for: AuthFixtures.registry("registry.example.com")).first)! == ("alice", "PLANTED-alice:password-with-colon"))
        #expect(Self.password(files.candidates(for: AuthFixtures.registry("Legacy.Example.com")).first)! == ("bob", "PLANTED-bob-password"))
        #expect(Self.password(files.candidates(for: AuthFixtures.registry("split.example.com:5000")).first)! == ("dave", "PLANTED-dave-password"))
        #expect(files.candidates(for: AuthFixtures.registry("split.example.com")).isEmpty)
        #expect(files.candidates(for: AuthFixtures.registry("empty.example.com")).isEmpty)
        #expect(files.candidates(for: AuthFixtures.registry("other.example.com")).isEmpty)
        #expect(AuthRegistry.normalizedKey("http://host.example.com:5000/v2/") == "host.example.com:5000")
        #expect(AuthRegistry.normalizedKey("https://index.docker.io/v1/") == "docker.io")
    }

    @Test func anIdentityTokenIsKeptWithItsUser() throws {
        let files = try AuthFixtures.files(["DOCKER_CONFIG": AuthFixtures.path("docker-plain")])
        guard case .stored(let credential) = files.candidates(for: AuthFixtures.registry("idtoken.example.com")).first,
              case .identityToken(let user, let token) = credential.kind else {
            Issue.record("no identity token")
            return
        }
        #expect(user.revealed == "carol")
        #expect(token.revealed == "PLANTED-identity-token")
    }

    @Test func helpersComeBeforeTheFileAsInDocker() throws {
        let files = try AuthFixtures.files(["DOCKER_CONFIG": AuthFixtures.path("docker-helpers")])
        let ecr = files.candidates(for: AuthFixtures.registry("123456789012.dkr.ecr.eu-west-1.amazonaws.com"))
        #expect(ecr.map(Self.helper) == ["ecr-login", "pass"])
        let hub = files.candidates(for: AuthFixtures.registry("docker.io"))
        #expect(hub.map(Self.helper) == ["desktop", "pass"])
        guard case .helper(let request) = hub[0] else { return }
        #expect(request.program == "docker-credential-desktop")
        #expect(request.arguments == ["get"])
        #expect(request.standardInput == Array("https://index.docker.io/v1/".utf8))
        let example = files.candidates(for: AuthFixtures.registry("registry.example.com"))
        #expect(Self.helper(example[0]) == "pass")
        #expect(Self.password(example[1])! == ("alice", "PLANTED-alice-from-file"))
    }

    @Test func registryAuthFileComesFirstThenDocker() throws {
        let files = try AuthFixtures.files([
            "REGISTRY_AUTH_FILE": AuthFixtures.path("registry-auth-file/auth.json"),
            "DOCKER_CONFIG": AuthFixtures.path("docker-plain"),
            "XDG_RUNTIME_DIR": AuthFixtures.path("nowhere"),
        ])
        let candidates = files.candidates(for: AuthFixtures.registry("registry.example.com"))
        #expect(candidates.map { Self.password($0)!.0 } == ["ci", "alice"])
        #expect(files.searched == [AuthFixtures.path("registry-auth-file/auth.json"), AuthFixtures.path("docker-plain") + "/config.json"])
    }

    @Test func podmansAuthFileComesAfterDockers() throws {
        let runtime = AuthFixtures.path("runtime")
        let files = try CredentialFiles.load(environment: ["DOCKER_CONFIG": AuthFixtures.path("docker-plain"), "XDG_RUNTIME_DIR": runtime], home: nil) { path throws(AuthFileError) in
            path == runtime + "/containers/auth.json" ? try AuthFileReader.read(AuthFixtures.path("podman/auth.json")) : try AuthFileReader.read(path)
        }
        #expect(files.candidates(for: AuthFixtures.registry("registry.example.com")).map { Self.password($0)!.0 } == ["alice", "podalice"])
        #expect(files.candidates(for: AuthFixtures.registry(nil)).map { Self.password($0)!.0 } == ["hubuser", "podhub"])
        #expect(files.candidates(for: AuthFixtures.registry("podman.example.com")).map { Self.password($0)!.0 } == ["pat"])
        // A namespace key is for part of the registry only: not used for all of it.
        #expect(files.candidates(for: AuthFixtures.registry("quay.io")).isEmpty)
    }

    @Test func aMissingFileIsNoError() throws {
        let files = try AuthFixtures.files(["DOCKER_CONFIG": AuthFixtures.path("none")], home: AuthFixtures.path("none"))
        #expect(files.files.isEmpty)
        #expect(files.candidates(for: AuthFixtures.registry("registry.example.com")).isEmpty)
    }

    @Test(arguments: [
        ("docker-malformed-auth", "auths.\"registry.example.com\".auth is not base64 of user:password"),
        ("docker-not-json", "not valid JSON"),
    ])
    func aMalformedFileIsAnErrorNamingItAndNoSecret(_ directory: String, _ reason: String) throws {
        let path = AuthFixtures.path(directory) + "/config.json"
        #expect(throws: AuthFileError.malformed(path: path, reason: reason)) {
            try AuthFixtures.files(["DOCKER_CONFIG": AuthFixtures.path(directory)])
        }
        let message = AuthFileError.malformed(path: path, reason: reason).description
        #expect(message.contains(path))
        #expect(!message.contains(AuthFixtures.planted))
        #expect(!message.contains("\n"))
    }

    @Test func wrongTypesAndBadHelperNamesAreMalformed() {
        #expect(throws: AuthFileError.malformed(path: "f", reason: "expected an object at auths")) {
            try AuthFile(path: "f", flavor: .docker, bytes: Array(#"{"auths": "x"}"#.utf8))
        }
        #expect(throws: AuthFileError.malformed(path: "f", reason: "expected a string at auths.r.example.com.auth")) {
            try AuthFile(path: "f", flavor: .docker, bytes: Array(#"{"auths": {"r.example.com": {"auth": 5}}}"#.utf8))
        }
        #expect(throws: AuthFileError.malformed(path: "f", reason: "credsStore is not a helper name (expected letters, digits, '.', '_' or '-')")) {
            try AuthFile(path: "f", flavor: .docker, bytes: Array(#"{"credsStore": "../../bin/sh"}"#.utf8))
        }
    }

    @Test func anUnreadableOrHugeFileIsAnError() throws {
        #expect(throws: AuthFileError.unreadable(path: "/", reason: "not a regular file")) { try AuthFileReader.read("/") }
        #expect(try AuthFileReader.read("/nonexistent/config.json") == nil)
        let big = "/tmp/verify-auth-test-\(getpid()).json"
        FileManagerShim.write(big, count: AuthFileReader.limit + 1)
        defer { unlink(big) }
        #expect(throws: AuthFileError.tooLarge(path: big, limit: AuthFileReader.limit)) { try AuthFileReader.read(big) }
    }
}

import Foundation

/// Writes `count` spaces to `path`.
enum FileManagerShim {
    static func write(_ path: String, count: Int) {
        #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x20, count: count)))
    }
}
