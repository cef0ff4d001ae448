import Foundation

/// NeuralPower's cost model (Cai et al., ACML 2017): a polynomial of degree up to K in the
/// features, made sparse by the Lasso, with K and the penalty λ chosen by k-fold
/// cross-validation (10 folds by default, as NeuralPower).
///
/// Terms are all monomials of total degree 1…K in the features (and, with `logFeatures`, in
/// the logarithms of the always-positive ones); a feature whose values are only 0 and 1 gets
/// no powers above 1 (x² = x). Terms are standardised on the training data before the Lasso,
/// so λ means the same for every term. A degree whose term count exceeds `maximumTerms` is
/// skipped. With `logTarget` the polynomial models `log y` and predicts `exp(·)`.
public struct SparsePolynomialCostModel: CostModel {
    public let featureNames: [String]
    public let fitReport: CostModelReport
    /// The chosen degree.
    public let degree: Int
    /// The chosen penalty.
    public let lambda: Double
    /// Non-zero terms, as readable products (`"x1^2·x3"`), with their coefficients on the
    /// standardised scale.
    public let activeTerms: [(name: String, coefficient: Double)]
    let expansion: PolynomialExpansion
    let means: [Double]
    let scales: [Double]
    let coefficients: [Double]
    let intercept: Double
    let logTarget: Bool

    public func predict(_ features: [Double]) -> Double {
        let terms = expansion.terms(features)
        var value = intercept
        for k in coefficients.indices where coefficients[k] != 0 {
            value += coefficients[k] * (terms[k] - means[k]) / scales[k]
        }
        return logTarget ? exp(value) : value
    }

    /// Fits the model, choosing the degree among `degrees` and λ on a 40-point log grid by
    /// `folds`-fold cross-validation of the squared error (of `log y` with `logTarget`).
    ///
    /// - Throws: ``HardwareModelError`` for fewer samples than folds (at least 4) or invalid targets.
    public static func fit(
        _ samples: ProfiledSamples, degrees: [Int] = [1, 2, 3], logFeatures: Bool = false, logTarget: Bool = false,
        folds: Int = 10, maximumTerms: Int = 2_000, seed: UInt64 = 0
    ) throws(HardwareModelError) -> SparsePolynomialCostModel {
        guard samples.count >= 4 else { throw .notEnoughSamples(needed: 4, given: samples.count) }
        let y = try LinearCostModel.targets(samples, logTarget: logTarget)
        let k = min(folds, samples.count)
        let assignment = foldAssignment(count: samples.count, folds: k, seed: seed)

        var best: (degree: Int, lambda: Double, error: Double, predictions: [Double], expansion: PolynomialExpansion)?
        for degree in degrees.sorted() where degree >= 1 {
            let expansion = PolynomialExpansion(samples: samples, degree: degree, logFeatures: logFeatures)
            guard expansion.count <= maximumTerms, expansion.count > 0 else { continue }
            let allTerms = samples.features.map(expansion.terms)
            // One λ grid for every fold, from the full data.
            let full = Standardized(rows: allTerms, targets: y)
            let lambdas = Lasso.grid(maximum: Lasso.maximumLambda(columns: full.columns, targets: full.centredTargets))
            var squaredErrors = [Double](repeating: 0, count: lambdas.count)
            var foldPredictions = [[Double]](repeating: [Double](repeating: 0, count: samples.count), count: lambdas.count)
            for fold in 0..<k {
                let train = (0..<samples.count).filter { assignment[$0] != fold }
                let test = (0..<samples.count).filter { assignment[$0] == fold }
                let standardized = Standardized(rows: train.map { allTerms[$0] }, targets: train.map { y[$0] })
                let path = Lasso.path(columns: standardized.columns, targets: standardized.centredTargets, lambdas: lambdas)
                for (l, beta) in path.enumerated() {
                    for i in test {
                        let prediction = standardized.predict(allTerms[i], beta)
                        foldPredictions[l][i] = prediction
                        squaredErrors[l] += (prediction - y[i]) * (prediction - y[i])
                    }
                }
            }
            let bestLambda = squaredErrors.indices.min { squaredErrors[$0] < squaredErrors[$1] }!
            if best == nil || squaredErrors[bestLambda] < best!.error {
                best = (degree, lambdas[bestLambda], squaredErrors[bestLambda], foldPredictions[bestLambda], expansion)
            }
        }
        guard let chosen = best else {
            throw .fitFailed(reason: "every degree in \(degrees) has more than \(maximumTerms) terms")
        }

        // Refit on all samples along the path down to the chosen λ.
        let allTerms = samples.features.map(chosen.expansion.terms)
        let standardized = Standardized(rows: allTerms, targets: y)
        let lambdas = Lasso.grid(maximum: Lasso.maximumLambda(columns: standardized.columns, targets: standardized.centredTargets))
            .filter { $0 >= chosen.lambda } + [chosen.lambda]
        let beta = Lasso.path(columns: standardized.columns, targets: standardized.centredTargets, lambdas: lambdas).last!
        let back: (Double) -> Double = { logTarget ? exp($0) : $0 }
        let trainingPredictions = allTerms.map { back(standardized.predict($0, beta)) }
        let active = beta.indices.filter { beta[$0] != 0 }.map { (chosen.expansion.name(of: $0), beta[$0]) }
        let report = CostModelReport(
            training: ErrorReport(predictions: trainingPredictions, measurements: samples.targets),
            crossValidation: ErrorReport(predictions: chosen.predictions.map(back), measurements: samples.targets),
            summary: "sparse polynomial, degree \(chosen.degree), λ \(String(format: "%.3g", chosen.lambda)), "
                + "\(active.count) of \(chosen.expansion.count) terms\(logTarget ? ", log target" : "")")
        return SparsePolynomialCostModel(
            featureNames: samples.featureNames, fitReport: report, degree: chosen.degree, lambda: chosen.lambda,
            activeTerms: active, expansion: chosen.expansion, means: standardized.means, scales: standardized.scales,
            coefficients: beta, intercept: standardized.targetMean, logTarget: logTarget)
    }
}

/// Standardised term columns and centred targets of a training set.
struct Standardized {
    let columns: [[Double]]
    let means: [Double]
    let scales: [Double]
    let targetMean: Double
    let centredTargets: [Double]

    init(rows: [[Double]], targets: [Double]) {
        let n = Double(rows.count)
        let m = rows.first?.count ?? 0
        var columns = [[Double]](repeating: [], count: m)
        var means = [Double](repeating: 0, count: m)
        var scales = [Double](repeating: 1, count: m)
        for j in 0..<m {
            let column = rows.map { $0[j] }
            let mean = column.reduce(0, +) / n
            let deviation = (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
            means[j] = mean
            // A constant column carries nothing: it stays all-zero and the Lasso skips it.
            scales[j] = deviation > 1e-12 * max(abs(mean), 1) ? deviation : 1
            columns[j] = deviation > 1e-12 * max(abs(mean), 1) ? column.map { ($0 - mean) / deviation } : [Double](repeating: 0, count: rows.count)
        }
        self.columns = columns
        self.means = means
        self.scales = scales
        let mean = targets.reduce(0, +) / n
        targetMean = mean
        centredTargets = targets.map { $0 - mean }
    }

    func predict(_ terms: [Double], _ beta: [Double]) -> Double {
        var value = targetMean
        for k in beta.indices where beta[k] != 0 { value += beta[k] * (terms[k] - means[k]) / scales[k] }
        return value
    }
}

/// The monomials of a polynomial model.
struct PolynomialExpansion: Sendable, Codable {
    /// Base variables: the features, then the logs of always-positive features.
    let baseNames: [String]
    let logOf: [Int?]
    /// Exponent vectors over the base variables.
    let exponents: [[Int]]

    var count: Int { exponents.count }

    init(samples: ProfiledSamples, degree: Int, logFeatures: Bool) {
        var names = samples.featureNames
        var logOf = [Int?](repeating: nil, count: names.count)
        var binary = (0..<names.count).map { j in samples.features.allSatisfy { $0[j] == 0 || $0[j] == 1 } }
        if logFeatures {
            for j in 0..<samples.featureNames.count where samples.features.allSatisfy({ $0[j] > 0 }) && !binary[j] {
                names.append("log(\(samples.featureNames[j]))")
                logOf.append(j)
                binary.append(false)
            }
        }
        self.baseNames = names
        self.logOf = logOf
        var exponents: [[Int]] = []
        var current = [Int](repeating: 0, count: names.count)
        func extend(from start: Int, remaining: Int) {
            for v in start..<names.count {
                guard !binary[v] || current[v] == 0 else { continue }
                current[v] += 1
                exponents.append(current)
                if remaining > 1 { extend(from: v, remaining: remaining - 1) }
                current[v] -= 1
            }
        }
        if degree >= 1 { extend(from: 0, remaining: degree) }
        self.exponents = exponents
    }

    func terms(_ features: [Double]) -> [Double] {
        let base = logOf.enumerated().map { index, source in source.map { log(features[$0]) } ?? features[index] }
        return exponents.map { exponent in
            var value = 1.0
            for (v, power) in exponent.enumerated() where power > 0 { value *= pow(base[v], Double(power)) }
            return value
        }
    }

    func name(of term: Int) -> String {
        exponents[term].enumerated().filter { $0.element > 0 }
            .map { $0.element == 1 ? baseNames[$0.offset] : "\(baseNames[$0.offset])^\($0.element)" }
            .joined(separator: "·")
    }
}
