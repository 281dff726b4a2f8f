import Foundation

extension HTTPResponse {
    /// Every value of the header `name` (any case), in the order received: a registry may send
    /// several `WWW-Authenticate` headers.
    func values(of name: String) -> [String] {
        let wanted = name.lowercased()
        return headers.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// The answer as ``RegistryCheck`` reads it; `content` is what streaming a blob computed, and
    /// `connectionsBefore` the connections authentication opened that no answer counted yet.
    func registryAnswer(content: RegistryAnswer.StreamedContent?, connectionsBefore: Int = 0) -> RegistryAnswer {
        let byName = Dictionary(headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        return RegistryAnswer(status: status, headers: byName, body: Array(body ?? Data()), content: content, receivedAt: Date(),
                              httpVersion: httpVersion, newConnections: newConnections + connectionsBefore)
    }

    /// The response with `secrets` cut out of its headers and, unless it is a success (whose body
    /// is a manifest to hash), of its body: what the server echoed of the request.
    func removing(_ secrets: EchoedSecrets) -> HTTPResponse {
        let isSuccess = (200..<300).contains(status)
        return HTTPResponse(status: status, headers: headers.map { ($0.name, secrets.scrub($0.value)) },
                            body: isSuccess ? body : body.map { Data(secrets.scrub(Array($0))) },
                            bytesReceived: bytesReceived, primaryIP: primaryIP, httpVersion: httpVersion, newConnections: newConnections)
    }
}
