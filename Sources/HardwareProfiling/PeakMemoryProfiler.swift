import Foundation

/// Peak resident memory (RSS) of this process while a closure runs, on Linux.
///
/// How: the kernel's high-water mark `VmHWM` in `/proc/self/status`. Before the closure the
/// mark is reset by writing `5` to `/proc/self/clear_refs` (Linux ≥ 4.0); if that is not
/// permitted the reported peak is the process's peak since it started, and
/// ``Measurement/sinceProcessStart`` says so. Limits: resident memory only (not swapped or
/// mapped-but-untouched pages, not GPU memory), the whole process (other threads count), and
/// page granularity; the allocator may keep freed memory resident, so a second run can show
/// little growth.
public struct PeakMemoryProfiler: Profiler {
    /// The `/proc/self` directory to read (settable for tests).
    public var procDirectory: URL

    public init(procDirectory: URL = URL(fileURLWithPath: "/proc/self")) {
        self.procDirectory = procDirectory
    }

    public struct Measurement: Sendable, Equatable, Codable {
        /// Peak resident set size during the closure, bytes.
        public var peakResidentBytes: Int
        /// Resident set size before the closure, bytes.
        public var residentBeforeBytes: Int
        /// True when the high-water mark could not be reset: the peak is since process start.
        public var sinceProcessStart: Bool
    }

    public func measure(_ body: () throws -> Void) throws -> Measurement {
        let before = try read()
        var reset = false
        do {
            try "5".write(to: procDirectory.appendingPathComponent("clear_refs"), atomically: false, encoding: .utf8)
            reset = true
        } catch {
            reset = false
        }
        try body()
        let after = try read()
        return Measurement(peakResidentBytes: after.peak, residentBeforeBytes: before.resident, sinceProcessStart: !reset)
    }

    /// `VmHWM` and `VmRSS` in bytes.
    func read() throws -> (peak: Int, resident: Int) {
        let url = procDirectory.appendingPathComponent("status")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw ProfilerError.unavailable(meter: "peak resident memory", reason: "\(url.path) cannot be read (not Linux?)")
        }
        func field(_ name: String) throws -> Int {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
                let kilobytes = Int(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
                    .replacingOccurrences(of: " kB", with: ""))
            else { throw ProfilerError.unreadable(meter: "peak resident memory", output: text) }
            return kilobytes * 1024
        }
        return (try field("VmHWM"), try field("VmRSS"))
    }
}
