// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "verify",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "verify", targets: ["verify"]),
        .library(name: "Verifier", targets: ["Verifier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibUV",
            pkgConfig: "libuv",
            providers: [.apt(["libuv1-dev"])]
        ),
        .target(
            name: "Verifier",
            dependencies: ["CLibUV"]
        ),
        .executableTarget(
            name: "verify",
            dependencies: [
                "Verifier",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "VerifierTests",
            dependencies: ["Verifier"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["Verifier", "verify"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
