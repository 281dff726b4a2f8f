/// A credential helper to run, as docker runs it: the program `docker-credential-NAME` (found on
/// `PATH`) with the single argument `get`, the registry's server address on standard input, and
/// the answer on standard output.
///
/// verify does not run it here: the driver runs ``program`` with ``arguments`` through the
/// engine's spawn path (never a shell), writes ``standardInput``, closes it, and hands back what
/// came out with ``AuthSession/credentialsAnswered(_:_:now:)``.
struct CredentialHelperRequest: Sendable, Hashable, CustomStringConvertible {
    /// NAME in `docker-credential-NAME`, as written in `credHelpers` or `credsStore`.
    let helperName: String
    /// The registry whose credentials are asked for.
    let registry: AuthRegistry
    /// What the helper is asked about: `https://index.docker.io/v1/` for Docker Hub, else
    /// `HOST[:PORT]`.
    var serverAddress: String { registry.serverAddress }
    /// The file whose `credHelpers` or `credsStore` named the helper.
    let configuredIn: String

    /// The program to run, looked up on `PATH`.
    var program: String { "docker-credential-" + helperName }
    /// Its arguments.
    var arguments: [String] { ["get"] }
    /// What to write to its standard input (docker writes the bare address, no newline).
    var standardInput: [UInt8] { Array(serverAddress.utf8) }

    var description: String { "\(program) get (for \(serverAddress), set in \(configuredIn))" }

    /// Whether `name` can be a helper's name: letters, digits, `.`, `_` and `-` only, so that
    /// `docker-credential-NAME` cannot be a path elsewhere.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
    }
}
