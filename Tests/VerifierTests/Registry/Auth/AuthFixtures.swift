import Foundation
@testable import Verifier

/// The files in Fixtures/registry-auth.
enum AuthFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/registry-auth").path

    static func path(_ name: String) -> String { directory + "/" + name }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    /// The header values of a www-authenticate fixture, one a line.
    static func headers(_ name: String) throws -> [String] {
        try text("www-authenticate/" + name).split(separator: "\n").map(String.init)
    }

    /// Every secret planted in the fixtures starts with this.
    static let planted = "PLANTED"

    static func registry(_ domain: String?) -> AuthRegistry { AuthRegistry(domain: domain) }

    /// The credentials files read with this environment (no home directory).
    static func files(_ environment: [String: String], home: String? = nil) throws -> CredentialFiles {
        try CredentialFiles.load(environment: environment, home: home)
    }
}
