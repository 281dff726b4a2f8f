/// `seconds` in whole milliseconds, as libuv timers take them: negative values and NaN become 0,
/// and values too large for a timer become a timer that never fires in practice (about 292
/// million years). The conversion is checked, so no input traps.
func milliseconds(_ seconds: Double) -> UInt64 {
    let value = (seconds * 1000).rounded()
    guard value > 0 else { return 0 }
    guard value < 0x1p63 else { return 1 << 63 }
    return UInt64(value)
}
