import Foundation
@testable import HardwareProfiling
import Testing

@Suite struct ProfilerTests {
    /// A temporary directory removed at the end of the test.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hyperpower-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func latencyProfilerSummarisesItsSamples() throws {
        var calls = 0
        let measurement = try LatencyProfiler(warmUp: 2, repetitions: 5).measure {
            calls += 1
            usleep(2_000)
        }
        #expect(calls == 7)
        #expect(measurement.samples.count == 5)
        #expect(measurement.minimum >= 0.002 && measurement.median >= measurement.minimum && measurement.p90 >= measurement.median)
        let summary = LatencyProfiler.summary([5, 1, 3, 2, 4])
        #expect(summary.median == 3 && summary.minimum == 1 && summary.mean == 3)
        #expect(abs(summary.p90 - 4.6) < 1e-12)
        #expect(throws: ProfilerError.self) { try LatencyProfiler(repetitions: 0).measure {} }
    }

    @Test func peakMemorySeesAnAllocation() throws {
        let profiler = PeakMemoryProfiler()
        let measurement = try profiler.measure {
            // Touch 64 MiB.
            var block = [UInt8](repeating: 1, count: 64 << 20)
            block[block.count - 1] = 2
            #expect(block.last == 2)
        }
        #expect(measurement.peakResidentBytes >= measurement.residentBeforeBytes)
        // The block was resident during the closure (other tests may free memory meanwhile, so
        // the growth over the starting RSS is not a safe measure).
        #expect(measurement.peakResidentBytes >= 64 << 20)
        let missing = PeakMemoryProfiler(procDirectory: URL(fileURLWithPath: "/nonexistent"))
        #expect(throws: ProfilerError.self) { try missing.measure {} }
    }

    @Test func nvidiaSMIIsReadFromAFakeWithTheRealFormat() throws {
        // A stand-in that prints what `nvidia-smi --query-gpu=power.draw,memory.used
        // --format=csv,noheader,nounits --loop-ms=N` prints: "power, memory" every N ms.
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("nvidia-smi")
        try """
            #!/bin/sh
            interval=50
            for argument in "$@"; do
              case "$argument" in --loop-ms=*) interval="${argument#--loop-ms=}";; esac
            done
            i=0
            while true; do
              echo "$((100 + 2 * (i % 2))).00, $((1000 + i))"
              i=$((i + 1))
              sleep "$(awk "BEGIN { print $interval / 1000 }")"
            done
            """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let meter = NvidiaSMIMeter(intervalMilliseconds: 20, environment: ["PATH": directory.path + ":/usr/bin:/bin"])
        let measurement = try meter.measure { usleep(300_000) }
        #expect(measurement.samples.count >= 3)
        #expect(measurement.seconds >= 0.3)
        // Power alternates 100 and 102 W: the average lies between them.
        #expect(measurement.averageWatts >= 100 && measurement.averageWatts <= 102)
        #expect(abs(measurement.energyJoules - measurement.averageWatts * measurement.seconds) < 1e-9)
        #expect(measurement.peakWatts == 102 && measurement.peakMemoryMiB >= 1004)
    }

    @Test func energyIsTheIntegralOfPower() {
        let samples = [
            NvidiaSMIMeter.Sample(time: 0, watts: 100, memoryMiB: 1),
            NvidiaSMIMeter.Sample(time: 1, watts: 200, memoryMiB: 1),
            NvidiaSMIMeter.Sample(time: 2, watts: 200, memoryMiB: 1),
        ]
        // ∫₀² = 150 + 200; from 0.5 to 1.5: 0.5·(150 + 200)/2 + 0.5·200 = 187.5.
        #expect(abs(NvidiaSMIMeter.integrate(samples, from: 0, to: 2) - 350) < 1e-12)
        #expect(abs(NvidiaSMIMeter.integrate(samples, from: 0.5, to: 1.5) - 187.5) < 1e-12)
        // Held constant outside the samples.
        #expect(abs(NvidiaSMIMeter.integrate(samples, from: -1, to: 0) - 100) < 1e-12)
        #expect(NvidiaSMIMeter.parse("85.32, 1234")! == (85.32, 1234))
        #expect(NvidiaSMIMeter.parse("[N/A], 1234") == nil)
    }

    @Test func absentMetersSaySo() throws {
        let empty = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        let meter = NvidiaSMIMeter(environment: ["PATH": empty.path])
        #expect(throws: ProfilerError.unavailable(meter: "nvidia-smi", reason: "'nvidia-smi' is not on PATH (no NVIDIA driver here?)")) {
            try meter.measure {}
        }
        let rapl = RAPLMeter(root: empty)
        #expect(throws: ProfilerError.unavailable(meter: "RAPL", reason: "no intel-rapl:N domain under \(empty.path)")) {
            try rapl.measure {}
        }
    }

    @Test func raplCounterWrapsAround() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let domain = root.appendingPathComponent("intel-rapl:0")
        let subdomain = root.appendingPathComponent("intel-rapl:0:0")  // a sub-domain: not summed
        for directory in [domain, subdomain] { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        try "1000000\n".write(to: domain.appendingPathComponent("max_energy_range_uj"), atomically: true, encoding: .utf8)
        try "900000\n".write(to: domain.appendingPathComponent("energy_uj"), atomically: true, encoding: .utf8)
        let measurement = try RAPLMeter(root: root).measure {
            // The counter passes its range during the closure: 900000 → (wrap) → 150000.
            try? "150000\n".write(to: domain.appendingPathComponent("energy_uj"), atomically: true, encoding: .utf8)
        }
        #expect(measurement.domains == ["intel-rapl:0"])
        #expect(abs(measurement.energyJoules - 0.25) < 1e-12)
        #expect(RAPLMeter.delta(before: 10, after: 30, range: 100) == 20)
    }
}
