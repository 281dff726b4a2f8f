// swift-tools-version:6.0
// verify is Linux-only: it is built on libuv, posix_spawn, pidfds, prctl and /proc.
import PackageDescription

let package = Package(
    name: "verify",
    products: [
        .executable(name: "verify", targets: ["verify"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The HTML report's template engine (logic-less, HTML-escaping by default, no dependencies).
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibUV",
            pkgConfig: "libuv",
            providers: [.apt(["libuv1-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "CVerifyLinux"
        ),
        .target(
            name: "Verifier",
            dependencies: ["CLibUV", "CCurl", "COpenSSL", "CVerifyLinux", .product(name: "Mustache", package: "swift-mustache")]
        ),
        .executableTarget(
            name: "verify",
            dependencies: [
                "Verifier",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fixture servers both test targets start (Tests/TestSupport).
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "VerifierTests",
            dependencies: ["Verifier", "TestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["Verifier", "verify", "TestSupport"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
