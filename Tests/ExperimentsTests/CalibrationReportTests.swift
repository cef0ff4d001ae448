import Experiments
import HyperPower
import Testing

/// The calibration report counts measurements outside the recorded intervals.
@Suite struct CalibrationReportTests {
    @Test func intervalsAreCheckedAgainstTheirMeasurement() {
        func trial(_ number: Int, predicted: Double, measured: Double, interval: (Double, Double, Double)?) -> Trial {
            Trial(number: number, configuration: Configuration([:]), outcome: .success(objective: 0),
                  predictions: ["latency": predicted], measurements: ["measured latency": measured],
                  predictionIntervals: interval.map {
                      ["latency": PredictionInterval(lower: $0.0, median: $0.1, upper: $0.2, violationProbability: 0.1,
                                                     measurement: "measured latency")]
                  } ?? [:])
        }
        let trials = [
            trial(0, predicted: 5, measured: 10, interval: nil),  // no interval: not counted
            trial(1, predicted: 5, measured: 10, interval: (8, 10, 12)),
            trial(2, predicted: 4, measured: 13, interval: (8, 10, 12)),  // above
            trial(3, predicted: 4, measured: 7, interval: (8, 10, 12)),  // below
            trial(4, predicted: 6, measured: 11, interval: (9, 11, 13)),
        ]
        let reports = Calibration.intervals(trials)
        #expect(reports.count == 1)
        let report = reports[0]
        #expect(report.name == "latency")
        #expect(report.count == 4)
        #expect(report.aboveUpper == 1)
        #expect(report.belowLower == 1)
        #expect(report.violationProbability == 0.1)
        // MAPE by hand: plain |5−10|/10, |4−13|/13, |4−7|/7, |6−11|/11; corrected 0, 3/13, 3/7, 0.
        let plain = (0.5 + 9.0 / 13 + 3.0 / 7 + 5.0 / 11) / 4
        let corrected = (0 + 3.0 / 13 + 3.0 / 7 + 0) / 4
        #expect(abs(report.plain.meanAbsolutePercentageError - plain) < 1e-12)
        #expect(abs(report.corrected.meanAbsolutePercentageError - corrected) < 1e-12)
    }
}
