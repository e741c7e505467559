import Foundation

/// What the benchmark measures about its own process. CPU time rather than wall time, because the machine is shared
/// with builds: other processes slow the wall clock down, not the CPU seconds one thread spends.
enum ProcessStats {
    /// CPU seconds used by this process so far (one thread does all the work, so this is one core's time).
    static func cpuSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Resident memory in MiB, from `VmRSS` in /proc/self/status; 0 where there is no /proc.
    static func residentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
            return kilobytes / 1024
        }
        return 0
    }
}
