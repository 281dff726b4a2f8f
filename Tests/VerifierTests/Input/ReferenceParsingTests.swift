import Testing
@testable import Verifier

/// The cases of distribution/reference's own tests (reference_test.go, normalize_test.go), judged
/// the way `docker pull` judges them (`ParseNormalizedNamed`), plus verify's one stricter rule:
/// digests are sha256 only.
struct ReferenceParsingTests {
    struct Valid: CustomTestStringConvertible, Sendable {
        let input: String
        let domain: String?
        let path: String
        var tag: String? = nil
        var digest: String? = nil
        var testDescription: String { input }
    }

    static let hex64 = String(repeating: "f", count: 64)

    static let valid: [Valid] = [
        Valid(input: "test_com", domain: nil, path: "test_com"),
        Valid(input: "test.com:tag", domain: nil, path: "test.com", tag: "tag"),
        Valid(input: "test.com:5000", domain: nil, path: "test.com", tag: "5000"),
        Valid(input: "test.com/repo:tag", domain: "test.com", path: "repo", tag: "tag"),
        Valid(input: "test:5000/repo", domain: "test:5000", path: "repo"),
        Valid(input: "test:5000/repo:tag", domain: "test:5000", path: "repo", tag: "tag"),
        Valid(input: "test:5000/repo@sha256:\(hex64)", domain: "test:5000", path: "repo", digest: "sha256:\(hex64)"),
        Valid(input: "test:5000/repo:tag@sha256:\(hex64)", domain: "test:5000", path: "repo", tag: "tag", digest: "sha256:\(hex64)"),
        Valid(input: "lowercase:Uppercase", domain: nil, path: "lowercase", tag: "Uppercase"),
        Valid(input: "sub-dom1.foo.com/bar/baz/quux", domain: "sub-dom1.foo.com", path: "bar/baz/quux"),
        Valid(input: "sub-dom1.foo.com/bar/baz/quux:some-long-tag", domain: "sub-dom1.foo.com", path: "bar/baz/quux", tag: "some-long-tag"),
        Valid(input: "b.gcr.io/test.example.com/my-app:test.example.com", domain: "b.gcr.io", path: "test.example.com/my-app", tag: "test.example.com"),
        Valid(input: "xn--n3h.com/myimage:xn--n3h.com", domain: "xn--n3h.com", path: "myimage", tag: "xn--n3h.com"),
        Valid(input: "foo_bar.com:8080", domain: nil, path: "foo_bar.com", tag: "8080"),
        Valid(input: "foo/foo_bar.com:8080", domain: nil, path: "foo/foo_bar.com", tag: "8080"),
        Valid(input: "192.168.1.1", domain: nil, path: "192.168.1.1"),
        Valid(input: "192.168.1.1:tag", domain: nil, path: "192.168.1.1", tag: "tag"),
        Valid(input: "192.168.1.1:5000", domain: nil, path: "192.168.1.1", tag: "5000"),
        Valid(input: "192.168.1.1/repo", domain: "192.168.1.1", path: "repo"),
        Valid(input: "192.168.1.1:5000/repo", domain: "192.168.1.1:5000", path: "repo"),
        Valid(input: "192.168.1.1:5000/repo:5050", domain: "192.168.1.1:5000", path: "repo", tag: "5050"),
        Valid(input: "[2001:db8::1]/repo", domain: "[2001:db8::1]", path: "repo"),
        Valid(input: "[2001:db8:1:2:3:4:5:6]/repo:tag", domain: "[2001:db8:1:2:3:4:5:6]", path: "repo", tag: "tag"),
        Valid(input: "[2001:db8::1]:5000/repo", domain: "[2001:db8::1]:5000", path: "repo"),
        Valid(input: "[2001:db8::1]:5000/repo:tag@sha256:\(hex64)", domain: "[2001:db8::1]:5000", path: "repo", tag: "tag", digest: "sha256:\(hex64)"),
        Valid(input: "[::1]:5000/repo", domain: "[::1]:5000", path: "repo"),
        Valid(input: "docker/docker", domain: nil, path: "docker/docker"),
        Valid(input: "docker.io/library/debian", domain: "docker.io", path: "library/debian"),
        Valid(input: "index.docker.io/debian", domain: "index.docker.io", path: "debian"),
        Valid(input: "127.0.0.1:5000/library/debian", domain: "127.0.0.1:5000", path: "library/debian"),
        Valid(input: "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", domain: nil, path: "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev"),
        Valid(input: "docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", domain: "docker.io", path: "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"),
        Valid(input: "Docker/docker", domain: "Docker", path: "docker"),
        Valid(input: "DOCKER/docker", domain: "DOCKER", path: "docker"),
        Valid(input: "docker-rules/docker", domain: nil, path: "docker-rules/docker"),
        Valid(input: "docker---rules/docker", domain: nil, path: "docker---rules/docker"),
        Valid(input: "d/docker", domain: nil, path: "d/docker"),
        Valid(input: "jess/t", domain: nil, path: "jess/t"),
        Valid(input: "dock__er/docker", domain: nil, path: "dock__er/docker"),
        Valid(input: "localhost/repo", domain: "localhost", path: "repo"),
        Valid(input: "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa", domain: nil, path: "busybox", tag: "latest", digest: "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa"),
        Valid(input: String(repeating: "a/", count: 117) + "a:tag", domain: nil, path: String(repeating: "a/", count: 117) + "a", tag: "tag"),
        Valid(input: "index.docker.io/" + String(repeating: "a/", count: 122) + "a:" + String(repeating: "t", count: 128) + "@sha256:\(hex64)",
              domain: "index.docker.io", path: String(repeating: "a/", count: 122) + "a", tag: String(repeating: "t", count: 128),
              digest: "sha256:\(hex64)"),
    ]

    @Test(arguments: valid)
    func acceptsValidReference(_ expected: Valid) throws {
        let reference = try ImageReference(parsing: expected.input)
        #expect(reference.domain == expected.domain)
        #expect(reference.path == expected.path)
        #expect(reference.tag == expected.tag)
        #expect(reference.digest == expected.digest)
        #expect(reference.description == expected.input)
    }

    static let invalid: [(input: String, reason: String)] = [
        ("", "reference is empty"),
        (":justtag", "reference has no repository name"),
        ("@sha256:\(hex64)", "reference has no repository name"),
        ("repo@sha256:ffffffffffffffffffffffffffffffffff", "invalid digest"),
        ("validname@invaliddigest:\(hex64)", "invalid digest"),
        ("xn--7o8h.com/myimage:xn--7o8h.com@sha512:\(hex64)\(hex64)", "invalid digest"),
        ("repo@sha256:\(hex64.uppercased())", "invalid digest"),
        ("Uppercase:tag", "repository name must be lowercase"),
        ("test:5000/Uppercase/lowercase:tag", "repository name must be lowercase"),
        ("docker/Docker", "repository name must be lowercase"),
        ("docker.io/docker/Docker", "repository name must be lowercase"),
        ("Team/App:v1", "repository name must be lowercase"),
        (String(repeating: "a/", count: 128) + "a:tag", "repository name is"),
        (String(repeating: "a/", count: 127) + "a:tag-puts-this-over-max", "repository name is"),
        ("aa/asdf$$^/aa", "invalid repository name component"),
        ("[2001:db8::1]", "invalid tag"),
        ("[2001:db8::1]:5000", "invalid repository name component"),
        ("[2001:db8::1]:tag", "invalid repository name component"),
        ("[fe80::1%eth0]:5000/repo", "invalid registry host"),
        ("[fe80::1%@invalidzone]:5000/repo", "invalid digest"),
        ("https://github.com/docker/docker", "invalid registry host"),
        ("-docker", "must not start with \"-\""),
        ("-docker/docker", "must not start with \"-\""),
        ("--help", "must not start with \"-\""),
        ("docker///docker", "empty path component"),
        ("docker.io/docker///docker", "empty path component"),
        ("[fc00::1]", "invalid tag"),
        ("[fc00::1]:5000", "invalid repository name component"),
        ("fc00::1:5000/debian", "invalid registry host"),
        ("[2001:db8:3:4::192.0.2.33]:5000/debian", "invalid registry host"),
        ("1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", "image ID"),
        ("docker-/docker", "invalid repository name component"),
        ("-docker-/docker", "must not start with \"-\""),
        ("____/____", "invalid repository name component"),
        ("_docker/_docker", "invalid repository name component"),
        ("dock..er/docker", "invalid registry host"),
        ("dock_.er/docker", "invalid registry host"),
        ("dock-.er/docker", "invalid registry host"),
        ("docker/", "empty path component"),
        ("busybox:-foo", "invalid tag"),
        ("busybox:" + String(repeating: "t", count: 129), "invalid tag"),
        ("nginx latest", "white space \" \" at character 6"),
        ("nginx\u{7}", "a control character \"\\x07\" at character 6"),
        ("team/app\tnot-found\tfake", "white space \"\\t\" at character 9"),
        ("team/app:v1\u{b}x", "white space \"\\x0b\""),
        ("team/app:v1\u{c}x", "white space \"\\x0c\""),
        ("team/app:v1\u{85}x", "white space \"\\u{85}\""),
        ("team/app:v1\u{2028}x", "white space \"\\u{2028}\""),
        ("team/app:v1\u{2029}x", "white space \"\\u{2029}\""),
        ("team/app:v1\u{a0}x", "white space \"\\u{a0}\""),
        ("team/app:v1\rx", "white space \"\\r\""),
        ("team/\u{1b}]0;pwned\u{7}app", "a control character \"\\x1b\" at character 6"),
        ("team/app\u{0}", "a control character \"\\x00\""),
        ("team/app\u{7f}", "a control character \"\\x7f\""),
        ("team/app\u{9b}31m", "a control character \"\\u{9b}\""),
        ("team/app\u{202e}", "an invisible character \"\\u{202e}\""),
        ("team/app\u{200b}", "an invisible character \"\\u{200b}\""),
        (String(repeating: "a", count: 513), "reference is 513 bytes long; no valid reference is longer than 512"),
        ("team/app:" + String(repeating: "t", count: 300), "invalid tag \"" + String(repeating: "t", count: 100 - "… (300 bytes)".count) + "… (300 bytes)\""),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidReference(_ input: String, _ reason: String) {
        #expect(throws: ReferenceError.self) { try ImageReference(parsing: input) }
        do {
            _ = try ImageReference(parsing: input)
        } catch {
            #expect(error.reason.contains(reason), "\(input): \(error.reason)")
        }
    }

    @Test func tableIsAtLeastForty() {
        #expect(Self.valid.count + Self.invalid.count >= 40)
    }

    @Test(arguments: [
        ("debian", "docker.io/library/debian"),
        ("library/debian", "docker.io/library/debian"),
        ("docker.io/debian", "docker.io/library/debian"),
        ("index.docker.io/library/debian:12", "docker.io/library/debian"),
        ("docker/docker", "docker.io/docker/docker"),
        ("127.0.0.1:5000/debian", "127.0.0.1:5000/debian"),
        ("example.com/private/moonbase", "example.com/private/moonbase"),
        ("library/foo/bar", "docker.io/library/foo/bar"),
    ])
    func normalisesRepository(_ input: String, _ normalized: String) throws {
        #expect(try ImageReference(parsing: input).normalizedRepository == normalized)
    }
}
