/// A registry as credentials and the challenge flow see it: where requests go, and the key its
/// credentials are filed under.
///
/// Docker Hub goes by many names (`docker.io`, `index.docker.io`, `registry-1.docker.io`, none at
/// all); requests go to `registry-1.docker.io`, and docker files its credentials under
/// `https://index.docker.io/v1/`. Any other registry is its `HOST[:PORT]`, lowercased, for both.
struct AuthRegistry: Hashable, Sendable, CustomStringConvertible {
    /// `HOST[:PORT]` that `/v2/` requests go to.
    let apiHost: String
    /// The key docker uses for this registry in `credHelpers`, the server address a credential
    /// helper is given, and the `auths` key looked up first.
    let serverAddress: String
    /// The name `auths` keys are compared with after ``normalizedKey(_:)``: `docker.io` for
    /// Docker Hub.
    let matchName: String

    /// The registry of a reference's domain part; `nil` means Docker Hub.
    init(domain: String?) {
        let host = (domain ?? Self.hub).lowercased()
        if Self.hubAliases.contains(host) {
            apiHost = "registry-1.docker.io"
            serverAddress = "https://index.docker.io/v1/"
            matchName = Self.hub
        } else {
            apiHost = host
            serverAddress = host
            matchName = host
        }
    }

    var description: String { apiHost }

    /// Whether this is Docker Hub.
    var isDockerHub: Bool { matchName == Self.hub }

    /// The registry an `auths` key (or `credHelpers` key) names, as docker reads legacy keys:
    /// a scheme (`http://`, `https://`) is dropped, and so is everything from the first `/`
    /// (`https://host/v2/` and `host/v1/` are `host`); the host is lowercased, and Docker Hub's
    /// names become `docker.io`.
    static func normalizedKey(_ key: String) -> String {
        var rest = Substring(key.lowercased())
        for scheme in ["https://", "http://"] where rest.hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
        }
        let host = String(rest.prefix { $0 != "/" })
        return hubAliases.contains(host) ? hub : host
    }

    private static let hub = "docker.io"
    private static let hubAliases: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]
}
