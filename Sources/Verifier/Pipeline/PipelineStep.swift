/// The client commands that verify one image, in order.
enum PipelineStep: String, Codable, Sendable {
    /// `docker pull REF`
    case pull
    /// `docker image inspect --format '{{json .RepoDigests}}' REF`
    case inspect
    /// `docker rmi REF`
    case rmi

    /// The command as a person would name it in a message.
    var commandName: String {
        switch self {
        case .pull: "docker pull"
        case .inspect: "docker image inspect"
        case .rmi: "docker rmi"
        }
    }

    /// The client's arguments for this step on `reference` (which never starts with `-`).
    func arguments(for reference: String) -> [String] {
        switch self {
        case .pull: ["pull", reference]
        case .inspect: ["image", "inspect", "--format", "{{json .RepoDigests}}", reference]
        case .rmi: ["rmi", reference]
        }
    }
}
