import Foundation
import Testing

@testable import HeraldCore

/// `Timestamp.iso8601` writes its digits by hand (it is on the alert hot path); it must agree with the formatted
/// form it replaced.
@Suite("Timestamps")
struct TimestampTests {
    static func formatted(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(milliseconds % 1000))
    }

    @Test("hand-written digits match the formatted form")
    func digits() {
        for seconds in [0, 1.5, 1_700_000_000.5, 1_800_000_000.007, 951_782_400.999, 4_102_444_799.0, 86_399.01] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.iso8601(date) == Self.formatted(date), "\(seconds)")
        }
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 1_700_000_000.5)) == "2023-11-14T22:13:20.500Z")
    }
}
