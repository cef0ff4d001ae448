import Foundation

@main
struct MeterCheck {
    static func main() throws {
        let meter = NvidiaSMIMeter(intervalMilliseconds: 50)
        do {
            let measurement = try meter.measure { usleep(1_000_000) }
            print("samples \(measurement.samples.count), seconds \(String(format: "%.3f", measurement.seconds))")
            print("average W \(String(format: "%.2f", measurement.averageWatts)), peak W \(measurement.peakWatts), energy J \(String(format: "%.3f", measurement.energyJoules)), peak MiB \(measurement.peakMemoryMiB)")
            print("first samples: \(measurement.samples.prefix(3).map { "\(String(format: "%.3f", $0.time)) s: \($0.watts) W, \($0.memoryMiB) MiB" })")
        } catch {
            print("error: \(error)")
        }
        do {
            let rapl = try RAPLMeter().measure { usleep(200_000) }
            print("RAPL: \(rapl)")
        } catch {
            print("RAPL: \(error)")
        }
        let memory = try PeakMemoryProfiler().measure { var b = [UInt8](repeating: 1, count: 32 << 20); b[0] = 2; _ = b }
        print("peak memory: \(memory)")
    }
}
