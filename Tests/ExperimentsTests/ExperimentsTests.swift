import BenchmarkProblems
@testable import Experiments
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HyperPower
import Testing

@Suite struct ExperimentsTests {
    @Test func quantilesAreNumpys() {
        // numpy.quantile([3, 1, 4, 1, 5, 9, 2, 6], q) for q = 0.5, 0.25, 0.75, 0.1 (method="linear").
        let values = [3.0, 1, 4, 1, 5, 9, 2, 6]
        #expect(Statistics.median(values) == 3.5)
        #expect(Statistics.quantile(values, 0.25) == 1.75)
        #expect(Statistics.quantile(values, 0.75) == 5.25)
        #expect(Statistics.quantile(values, 0.1) == 1.0)
        #expect(Statistics.median([]) == nil)
        #expect(Statistics.interquartileRange(values).map { [$0.lower, $0.upper] } == [1.75, 5.25])
    }

    @Test func bestSoFarFollowsTheDirection() {
        let values: [Double?] = [nil, 3, 5, nil, 2, 4]
        #expect(Trajectory.bestSoFar(values) == [nil, 3, 3, 3, 2, 2])
        #expect(Trajectory.bestSoFar(values, direction: .maximize) == [nil, 3, 5, 5, 5, 5])
        #expect(Trajectory.evaluationsToReach(2, in: Trajectory.bestSoFar(values)) == 5)
        #expect(Trajectory.evaluationsToReach(1, in: Trajectory.bestSoFar(values)) == nil)
        #expect(Trajectory.evaluationsToReach(5, in: Trajectory.bestSoFar(values, direction: .maximize), direction: .maximize) == 3)
    }

    @Test func trialTrajectoriesSkipInfeasibleTrials() {
        let configuration = Configuration(["x": .real(0.5)])
        let trials = [
            Trial(number: 1, configuration: configuration, outcome: .success(objective: 1), violatedConstraints: ["cost"]),
            Trial(number: 0, configuration: configuration, outcome: .success(objective: 4)),
            Trial(number: 2, configuration: configuration, outcome: .failed(message: "crash")),
            Trial(number: 3, configuration: configuration, outcome: .success(objective: 2)),
        ]
        #expect(Trajectory.bestSoFar(trials) == [4, 4, 4, 2])
    }

    @Test func calibrationComparesPredictionsWithMeasurements() {
        let configuration = Configuration(["x": .real(0.5)])
        let trials = [(10.0, 8.0), (20.0, 25.0)].enumerated().map { index, pair in
            Trial(number: index, configuration: configuration, outcome: .success(objective: 0),
                  predictions: ["latency": pair.0], measurements: ["latency": pair.1, "other": 1])
        }
        let report = Calibration.predictedAgainstMeasured(trials)
        #expect(Set(report.keys) == ["latency"])
        // Relative errors 2/8 = 0.25 and −5/25 = −0.2: RMSPE √((0.0625 + 0.04)/2).
        #expect(abs(report["latency"]!.rootMeanSquaredPercentageError - ((0.0625 + 0.04) / 2).squareRoot()) < 1e-12)
    }

    @Test func aLinePlotIsWellFormedSVGWithOneLinePerSeries() throws {
        let plot = LinePlot(title: "a < b", yLabel: "error", series: [
            LinePlot.Series(name: "one", values: [nil, 3, 2]),
            LinePlot.Series(name: "two & three", values: [5, 4, 1]),
        ])
        let svg = plot.svg
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.contains("a &lt; b") && svg.contains("two &amp; three"))
        // Well-formed XML: the parser reads it to the end and finds the svg root.
        final class Root: NSObject, XMLParserDelegate {
            var first: String?
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                        attributes: [String: String] = [:]) { if first == nil { first = name } }
        }
        let parser = XMLParser(data: Data(svg.utf8))
        let root = Root()
        parser.delegate = root
        #expect(parser.parse())
        #expect(root.first == "svg")
    }

    /// Ticks fall on 1, 2 or 5 × 10ᵏ inside the range, labelled with the step's decimals.
    @Test func axisTicksAreRoundNumbersInsideTheRange() {
        let time = AxisTicks(low: -0.433, high: 15.7)
        #expect(time.values == [0, 5, 10, 15])
        #expect(time.labels == ["0", "5", "10", "15"])
        let error = AxisTicks(low: 0.0189, high: 0.0323)
        #expect(error.labels == ["0.020", "0.022", "0.024", "0.026", "0.028", "0.030", "0.032"])
        let tenths = AxisTicks(low: 0, high: 1)
        #expect(tenths.labels == ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let negative = AxisTicks(low: -7, high: 3)
        #expect(negative.values == [-6, -4, -2, 0, 2])
        let evaluations = AxisTicks(low: 1, high: 3, integers: true)
        #expect(evaluations.values == [1, 2, 3])
        #expect(AxisTicks(low: 2, high: 2).values == [2])
        #expect(AxisTicks(low: .nan, high: 1).values.isEmpty)
    }

    /// A stepped best-so-far line holds each value until the next evaluation changes it.
    @Test func aSteppedLineHoldsItsValueUntilTheNextEvaluation() throws {
        let values: [Double?] = [nil, 3, 2, 2]
        let plain = LinePlot(title: "t", yLabel: "y", series: [LinePlot.Series(name: "s", values: values)]).svg
        let stepped = LinePlot(title: "t", yLabel: "y", series: [LinePlot.Series(name: "s", values: values)], stepped: true).svg
        func pointCount(_ svg: String) throws -> Int {
            let attribute = try #require(svg.components(separatedBy: "<polyline").last?.components(separatedBy: "points=\"").last)
            return attribute.prefix { $0 != "\"" }.split(separator: " ").count
        }
        #expect(try pointCount(plain) == 3)
        #expect(try pointCount(stepped) == 5)  // two corners added before the second and third values
    }

    @Test func aBenchmarkSeedIsJudgedByTheProblem() async throws {
        let problem = try #require(BenchmarkProblem.named("gramacy"))
        let report = try await BenchmarkExperiment(problem: problem, method: .random, budget: 12, seeds: [0, 1]).run()
        #expect(report.seeds.map(\.evaluations) == [12, 12])
        for seed in report.seeds {
            if let best = seed.bestFeasible {
                #expect(seed.regret == max(best - problem.optimum, 0))
                #expect(best >= problem.optimum - 1e-9)
            }
            #expect(seed.knownConstraintViolations <= seed.constraintViolations)
        }
        #expect(report.summary.runsWithoutFeasiblePoint == report.seeds.filter { $0.regret == nil }.count)
    }
}
