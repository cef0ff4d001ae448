import HardwareModels
import Testing

/// Kendall's τ-b against SciPy and a brute-force count; gate accuracy by hand.
@Suite struct ErrorReportTests {
    @Test func kendallTauMatchesSciPyWithTies() {
        // scipy.stats.kendalltau(x, y).statistic (scipy 1.x): 0.8549499226759615.
        let x: [Double] = [1, 2, 2, 3, 4, 5, 5, 5, 9, 0.5, 7, 7]
        let y: [Double] = [2, 1, 3, 3, 5, 4, 4, 6, 8, 1, 7, 6.5]
        #expect(abs(ErrorReport.kendallTau(x, y) - 0.8549499226759615) < 1e-12)
        #expect(abs(ErrorReport.kendallTau([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]) + 1) < 1e-12)
        #expect(ErrorReport.kendallTau([1, 1, 1], [1, 2, 3]).isNaN)  // a constant side
        #expect(ErrorReport.kendallTau([1], [1]).isNaN)
    }

    @Test func kendallTauMatchesTheQuadraticCount() {
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double((state >> 33) % 20)  // many ties
        }
        for size in [2, 3, 17, 64, 301] {
            let x = (0..<size).map { _ in next() }
            let y = (0..<size).map { _ in next() }
            var (concordant, discordant, tiesX, tiesY) = (0, 0, 0, 0)
            for i in 0..<size {
                for j in (i + 1)..<size {
                    let product = (x[i] - x[j]) * (y[i] - y[j])
                    if product > 0 { concordant += 1 } else if product < 0 { discordant += 1 }
                    if x[i] == x[j] && y[i] != y[j] { tiesX += 1 }
                    if y[i] == y[j] && x[i] != x[j] { tiesY += 1 }
                }
            }
            let denominator = (Double(concordant + discordant + tiesX) * Double(concordant + discordant + tiesY)).squareRoot()
            let expected = denominator > 0 ? Double(concordant - discordant) / denominator : Double.nan
            let tau = ErrorReport.kendallTau(x, y)
            #expect(expected.isNaN ? tau.isNaN : abs(tau - expected) < 1e-12, "n = \(size)")
        }
    }

    @Test func gateAccuracyCountsBothKindsOfMistake() {
        let measured: [Double] = [1, 2, 3, 4, 5, 6, 7, 8]
        let predicted: [Double] = [1, 2, 6, 4, 3, 9, 5, 8]
        let gate = GateAccuracy(predictions: predicted, measurements: measured, budget: 4.5)
        // Truly feasible: measured 1, 2, 3, 4. Admitted (predicted ≤ 4.5): measured 1, 2, 4, 5:
        // measured 5 wrongly admitted, measured 3 (predicted 6) wrongly rejected.
        #expect(gate.trulyFeasible == 4)
        #expect(gate.wronglyFeasible == 1)
        #expect(gate.wronglyInfeasible == 1)
        #expect(gate.accuracy == 0.75)
        #expect(gate.falseFeasibleRate == 0.25)
        #expect(gate.falseInfeasibleRate == 0.25)
        let report = ErrorReport(predictions: predicted, measurements: measured)
        #expect(report.kendallTau > 0 && report.kendallTau < 1)
    }
}
