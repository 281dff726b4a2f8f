import Testing
@testable import Verifier

struct CredentialHelperTests {
    static let request = CredentialHelperRequest(helperName: "ecr-login", registry: AuthRegistry(domain: "123456789012.dkr.ecr.eu-west-1.amazonaws.com"),
                                                 configuredIn: "/home/me/.docker/config.json")

    @Test func anAnswerGivesUserAndPassword() throws {
        let meaning = CredentialHelperOutcome.exited(status: 0, stdout: try AuthFixtures.bytes("helper-output/found.json"), stderr: []).meaning(for: Self.request)
        guard case .found(let credential) = meaning, case .password(let user, let password) = credential.kind else {
            Issue.record("not found: \(meaning)")
            return
        }
        #expect(user.revealed == "AWS")
        #expect(password.revealed == "PLANTED-ecr-password")
        #expect(credential.source == "docker-credential-ecr-login")
    }

    @Test func theUserTokenMeansAnIdentityToken() throws {
        let meaning = CredentialHelperOutcome.exited(status: 0, stdout: try AuthFixtures.bytes("helper-output/identity-token.json"), stderr: []).meaning(for: Self.request)
        guard case .found(let credential) = meaning, case .identityToken(let user, let token) = credential.kind else {
            Issue.record("no identity token: \(meaning)")
            return
        }
        #expect(user.revealed == "")
        #expect(token.revealed == "PLANTED-helper-identity-token")
    }

    @Test func notFoundInTheKeychainIsAnonymous() throws {
        let message = try AuthFixtures.bytes("helper-output/not-found.txt")
        #expect(CredentialHelperOutcome.exited(status: 1, stdout: message, stderr: []).meaning(for: Self.request) == .notFound)
        #expect(CredentialHelperOutcome.exited(status: 1, stdout: [], stderr: message).meaning(for: Self.request) == .notFound)
    }

    @Test func aFailureQuotesTheHelpersMessageOnOneLine() {
        let meaning = CredentialHelperOutcome.exited(status: 1, stdout: [], stderr: Array("error getting credentials\n\tno AWS profile\n".utf8)).meaning(for: Self.request)
        #expect(meaning == .failed(.helperFailed(helper: "docker-credential-ecr-login", registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
                                                 message: "error getting credentials no AWS profile")))
        #expect(CredentialHelperOutcome.couldNotRun(reason: "not found on PATH").meaning(for: Self.request)
                == .failed(.helperFailed(helper: "docker-credential-ecr-login", registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", message: "not found on PATH")))
    }

    @Test func aMalformedAnswerIsNotQuoted() {
        let meaning = CredentialHelperOutcome.exited(status: 0, stdout: Array("Username=AWS Secret=PLANTED-x".utf8), stderr: []).meaning(for: Self.request)
        #expect(meaning == .failed(.helperAnswerMalformed(helper: "docker-credential-ecr-login", registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com")))
        guard case .failed(let failure) = meaning else { return }
        #expect(!failure.description.contains(AuthFixtures.planted))
    }

    @Test func helperNamesCannotBePaths() {
        #expect(CredentialHelperRequest.isValidName("ecr-login"))
        #expect(CredentialHelperRequest.isValidName("acr_env.2"))
        #expect(!CredentialHelperRequest.isValidName(""))
        #expect(!CredentialHelperRequest.isValidName("../sh"))
        #expect(!CredentialHelperRequest.isValidName("a b"))
    }
}
