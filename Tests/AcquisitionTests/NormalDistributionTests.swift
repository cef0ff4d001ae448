import Acquisition
import Foundation
import Testing

/// erfcx, log Φ and log h against SciPy and mpmath (Fixtures/generate_acquisition_reference.py).
@Suite struct NormalDistributionTests {
    struct Reference: Decodable {
        let erfcx: [[Double]]
        let logNormalCDF: [[Double]]
        let logH: [[Double]]
    }

    static let reference: Reference = {
        let url = Bundle.module.url(forResource: "acquisition_reference", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    static func close(_ a: Double, _ b: Double, relative: Double) -> Bool {
        abs(a - b) <= relative * max(abs(b), 1e-300)
    }

    @Test func erfcxMatchesScipy() {
        for pair in Self.reference.erfcx {
            let value = erfcx(pair[0])
            #expect(Self.close(value, pair[1], relative: 1e-14), "erfcx(\(pair[0])) = \(value), SciPy \(pair[1])")
        }
        #expect(erfcx(-30) == .infinity)
        #expect(erfcx(.nan).isNaN)
    }

    @Test func logNormalCDFMatchesScipyDownToMinus1000() {
        #expect(Self.reference.logNormalCDF.contains { $0[0] == -1000 })
        for pair in Self.reference.logNormalCDF {
            let value = logNormalCDF(pair[0]).value
            #expect(Self.close(value, pair[1], relative: 1e-13), "log Φ(\(pair[0])) = \(value), SciPy \(pair[1])")
        }
    }

    @Test func logHMatchesMpmathDownToMinus1000() {
        for pair in Self.reference.logH {
            let value = logH(pair[0]).value
            #expect(Self.close(value, pair[1], relative: 1e-12), "log h(\(pair[0])) = \(value), mpmath \(pair[1])")
        }
        // The far branch (z below −1/√ε) continues the middle one.
        let edge = -1 / Double.ulpOfOne.squareRoot()
        #expect(Self.close(logH(edge * 1.0000001).value, logH(edge * 0.9999999).value, relative: 1e-6))
    }

    @Test(arguments: [-1000.0, -300, -40, -5, -1.0000001, -1, -0.9999999, -0.3, 0, 0.7, 3, 9])
    func derivativesMatchFiniteDifferences(z: Double) {
        let h = 1e-6 * max(1, abs(z))
        let cdfNumeric = (logNormalCDF(z + h).value - logNormalCDF(z - h).value) / (2 * h)
        #expect(Self.close(logNormalCDF(z).derivative, cdfNumeric, relative: 1e-6))
        let hNumeric = (logH(z + h).value - logH(z - h).value) / (2 * h)
        #expect(Self.close(logH(z).derivative, hNumeric, relative: 1e-6))
    }
}

/// Φ⁻¹ against SciPy's `norm.ppf` (scipy 1.x, printed with repr):
/// `python -c "from scipy.stats import norm; print([repr(norm.ppf(p)) for p in ps])"`.
@Suite struct NormalQuantileTests {
    static let reference: [(Double, Double)] = [
        (1e-10, -6.361340902404056), (0.001, -3.090232306167813), (0.02, -2.053748910631823),
        (0.1, -1.2815515655446004), (0.5, 0), (0.9, 1.2815515655446004), (0.95, 1.6448536269514722),
        (0.975, 1.959963984540054), (0.99, 2.3263478740408408), (0.999999, 4.753424308817087),
    ]

    @Test func matchesSciPy() {
        for (p, expected) in Self.reference {
            #expect(abs(normalQuantile(p) - expected) <= 1e-12 * max(1, abs(expected)), "p = \(p)")
        }
    }

    @Test func invertsTheDistributionFunctionAndHandlesTheEnds() {
        for z in stride(from: -8.0, through: 8.0, by: 0.37) {
            let p = normalCDF(z)
            guard p > 0, p < 1 else { continue }
            // p itself is rounded to a double: z can be no closer than that rounding over φ(z).
            let representable = 2.3e-16 * p / normalPDF(z)
            #expect(abs(normalQuantile(p) - z) <= 1e-9 * max(1, abs(z)) + representable, "z = \(z)")
        }
        #expect(normalQuantile(0) == -.infinity)
        #expect(normalQuantile(1) == .infinity)
        #expect(normalQuantile(-0.1).isNaN)
        #expect(normalQuantile(.nan).isNaN)
    }
}
