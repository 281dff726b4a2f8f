import Testing
@testable import Verifier

struct RegistryRewriteTests {
    @Test(arguments: [
        ("old.example.com/team1/app1:v1", "new.example.com:5000/team1/app1:v1"),
        ("old.example.com:443/team1/app1@sha256:" + String(repeating: "a", count: 64),
         "new.example.com:5000/team1/app1@sha256:" + String(repeating: "a", count: 64)),
        ("team1/app1:v1", "new.example.com:5000/team1/app1:v1"),
        ("nginx", "new.example.com:5000/nginx"),
        ("docker.io/library/nginx:1.25", "new.example.com:5000/library/nginx:1.25"),
        ("localhost/a/b/c:tag", "new.example.com:5000/a/b/c:tag"),
    ])
    func replacesOrAddsTheRegistry(_ input: String, _ expected: String) throws {
        let registry = try RegistryHost(parsing: "new.example.com:5000")
        #expect(try ImageReference(parsing: input).replacingRegistry(with: registry).description == expected)
    }

    @Test(arguments: ["127.0.0.1:5000", "registry", "[::1]:5000", "a-b.example.com"])
    func acceptsRegistryAddresses(_ text: String) throws {
        #expect(try RegistryHost(parsing: text).description == text)
    }

    @Test(arguments: ["http://registry.example.com", "registry.example.com/", "host:port", "-r", "", "reg istry", "a..b"])
    func rejectsWhatIsNotARegistryAddress(_ text: String) {
        #expect(throws: ReferenceError.self) { try RegistryHost(parsing: text) }
    }

    @Test func refusesARewriteThatMakesTheNameTooLong() throws {
        let path = String(repeating: "a/", count: 110) + "a"
        let registry = try RegistryHost(parsing: String(repeating: "r", count: 60) + ".example.com")
        #expect(throws: ReferenceError.self) { try ImageReference(parsing: path).replacingRegistry(with: registry) }
    }
}
