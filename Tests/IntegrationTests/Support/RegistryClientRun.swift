import Foundation

/// A run of `verify --client registry --insecure` on a list written into a scratch directory, with
/// the credentials of `scratch/docker/config.json` (none unless a test writes it there).
enum RegistryClientRun {
    /// Writes `list` to `scratch/images.txt` and verifies it into `scratch/out` with `arguments`.
    static func run(_ list: String, in scratch: String, arguments: [String],
                    environment: [String: String] = [:]) throws -> (status: Int32, stderr: String) {
        try list.write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        return try execute(VerifyRun.executable, [scratch + "/images.txt", "-o", scratch + "/out", "--client", "registry", "--insecure"] + arguments,
                           environment: ["DOCKER_CONFIG": scratch + "/docker"].merging(environment) { $1 })
    }
}
