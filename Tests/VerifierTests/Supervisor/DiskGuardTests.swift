import Testing
@testable import Verifier

/// `--min-free`: sizes as people write them, and when starts pause and resume.
struct DiskGuardTests {
    @Test(arguments: [("10G", UInt64(10) << 30), ("500M", 500 << 20), ("1.5T", 3 << 39), ("2048", 2048), ("4k", 4096),
                      ("10GiB", 10 << 30), ("10GB", 10 << 30), ("1024T", 1 << 50)])
    func sizesAreParsed(_ text: String, _ bytes: UInt64) {
        #expect(ByteSize(parsing: text)?.bytes == bytes)
    }

    @Test(arguments: ["", "G", "-1G", "ten", "1025T", "1e300", "nan", "inf"])
    func nonSizesAreRefused(_ text: String) {
        #expect(ByteSize(parsing: text) == nil)
    }

    @Test func sizesAreShownInTheLargestUnit() {
        #expect(ByteSize(bytes: 10 << 30).description == "10.0G")
        #expect(ByteSize(bytes: 1536 << 10).description == "1.5M")
        #expect(ByteSize(bytes: 100).description == "100B")
    }

    @Test func startsPauseBelowTheMinimumAndResumeWhenItRecovers() {
        var guard_ = DiskGuard(minimum: ByteSize(bytes: 100))
        #expect(guard_.observe(free: 150) == nil)
        #expect(guard_.observe(free: 99) == .paused)
        #expect(guard_.observe(free: 50) == nil, "said once")
        #expect(guard_.isPaused)
        #expect(guard_.observe(free: 100) == .resumed)
        #expect(!guard_.isPaused)
    }
}
