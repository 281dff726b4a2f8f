/// `seconds` in whole milliseconds, as libuv timers take them; negative values become 0.
func milliseconds(_ seconds: Double) -> UInt64 {
    UInt64(max(0, (seconds * 1000).rounded()))
}
