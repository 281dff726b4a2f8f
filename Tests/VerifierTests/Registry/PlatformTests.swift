import Testing
@testable import Verifier

struct PlatformTests {
    @Test(arguments: [
        ("linux/amd64", "linux/amd64"), ("linux/arm64/v8", "linux/arm64/v8"), ("Linux/X86_64", "linux/amd64"),
        ("linux/aarch64", "linux/arm64"), ("windows/amd64", "windows/amd64"), ("linux/arm/v7", "linux/arm/v7"),
    ])
    func parsesOSArchAndVariant(_ text: String, _ shown: String) throws {
        #expect(try Platform(parsing: text).description == shown)
    }

    @Test(arguments: [
        ("linux", "expected OS/ARCH or OS/ARCH/VARIANT, like linux/amd64 or linux/arm64/v8"),
        ("linux/arm/v7/extra", "expected OS/ARCH or OS/ARCH/VARIANT, like linux/amd64 or linux/arm64/v8"),
        ("/amd64", "the OS is empty"),
        ("linux/", "the architecture is empty"),
        ("linux/arm/", "the variant is empty"),
        ("linux/amd 64", "the architecture may hold only letters, digits, _, - and ."),
    ])
    func refusesOtherValuesSayingWhy(_ text: String, _ reason: String) {
        let error = #expect(throws: PlatformError.self) { try Platform(parsing: text) }
        #expect(error?.reason == reason)
        #expect(error?.description == "invalid platform \"\(text)\": \(reason)")
    }

    @Test func matchesAsContainerdDoes() throws {
        let entry = { (os: String, arch: String, variant: String?) in Platform(os: os, architecture: arch, variant: variant) }
        #expect(try Platform(parsing: "linux/arm").matches(entry("linux", "arm", "v7")))
        #expect(try Platform(parsing: "linux/arm/v7").matches(entry("linux", "arm", "v7")))
        #expect(try !Platform(parsing: "linux/arm/v6").matches(entry("linux", "arm", "v7")))
        #expect(try !Platform(parsing: "linux/arm/v7").matches(entry("linux", "arm", nil)))
        #expect(try Platform(parsing: "linux/arm64/v8").matches(entry("linux", "arm64", nil)))
        #expect(try Platform(parsing: "linux/arm64").matches(entry("linux", "arm64", "v8")))
        #expect(try !Platform(parsing: "linux/amd64").matches(entry("windows", "amd64", nil)))
        #expect(try !Platform(parsing: "linux/amd64").matches(entry("linux", "arm64", nil)))
    }
}
