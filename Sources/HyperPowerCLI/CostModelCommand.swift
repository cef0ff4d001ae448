import ArgumentParser
import Experiments
import Foundation
import HardwareModels

/// `hyperpower cost-model`: fit a hardware cost model on N random rows of a table and judge it
/// on the rest.
struct CostModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost-model",
        abstract: "Fit a cost model on N random rows of a CSV table; report held-out RMSPE, MAPE, R², Kendall τ and the CV report.",
        discussion: """
            --features names numeric columns, --categorical text (or numeric) columns to one-hot \
            encode over their values; other columns, text ones included, are ignored. --budget B \
            adds the gate accuracy at cost ≤ B; --save FILE fits the model on every row afterwards \
            and writes it with its inputs declared (SavedCostModel.load(from:) in the library).
            With --nb201 the features are the NAS-Bench-201 cell's one-hot edge operations (30), \
            read from the columns e1_0 … e3_2 (add --effective for the 5 effective-cell operation \
            counts), and --csv defaults to the table that ships with HyperPower. Its 341 cells whose \
            output does not depend on the input are left out unless --keep-disconnected: some \
            devices time them at ~0 ms, which makes percentage errors meaningless.
            Example: hyperpower cost-model --nb201 --target lat_pixel3_ms --model polynomial --train 200
            """)

    enum Model: String, ExpressibleByArgument, CaseIterable { case linear, polynomial, gp }

    @Option(help: "CSV file with a header row (default with --nb201: the shipped NAS-Bench-201 table).")
    var csv: String?

    @Option(help: "Column to predict, e.g. lat_pixel3_ms.")
    var target: String

    @Option(help: "Comma-separated numeric feature columns (other columns, text ones included, are ignored).")
    var features: String?

    @Option(help: "Comma-separated categorical feature columns, one-hot encoded over their values.")
    var categorical: String?

    @Option(help: "After the report, fit the model on every usable row and write it (JSON) to this file; load it with SavedCostModel.load(from:).")
    var save: String?

    @Flag(help: "Use NAS-Bench-201 one-hot cell features from the columns e1_0 … e3_2.")
    var nb201 = false

    @Flag(help: "With --nb201: add the effective-cell operation counts.")
    var effective = false

    @Flag(help: "With --nb201: keep the 341 disconnected cells.")
    var keepDisconnected = false

    @Option(help: "linear (least squares), polynomial (sparse, Lasso, degree and λ by 10-fold CV) or gp (Matérn-5/2 ARD Gaussian process on the log cost, 5-fold CV).")
    var model: Model = .linear

    @Flag(help: "Fit the logarithm of the target.")
    var logTarget = false

    @Option(parsing: .unconditional, help: "Training rows (random); the rest are held out.")
    var train: Int

    /// Seeds of the random split (and of the CV folds); with several, the median held-out errors.
    @OptionGroup var seeds: SeedOptions

    @Option(name: .customLong("budget"), parsing: .singleValue,
            help: "A budget (cost ≤ B) at which to report the held-out gate accuracy; repeat for several.")
    var budgets: [Double] = []

    @Flag(help: "Write JSON.")
    var json = false

    func validate() throws {
        guard nb201 || features != nil || categorical != nil else {
            throw ValidationError("give --features A,B,… (numeric), --categorical C,D,…, or --nb201")
        }
        guard !(nb201 && (features != nil || categorical != nil)) else {
            throw ValidationError("give either --features/--categorical or --nb201, not both")
        }
        if let save { try CommandSupport.checkWritableFile(save) }
        guard csv != nil || nb201 else { throw ValidationError("--csv FILE is required without --nb201") }
        guard budgets.allSatisfy(\.isFinite) else { throw ValidationError("--budget must be a finite number") }
        guard train >= 2 else { throw ValidationError("--train must be at least 2 (got \(train))") }
        if effective && !nb201 { throw ValidationError("--effective needs --nb201") }
    }

    struct SeedResult: Codable {
        var seed: UInt64
        var heldOut: ErrorReport
        /// The held-out gate accuracy at each --budget.
        var gates: [GateAccuracy]
        /// Share of held-out measurements inside the model's central 90% prediction interval
        /// (linear and GP models).
        var heldOutCoverage90: Double?
        var crossValidation: ErrorReport?
        var training: ErrorReport
        var summary: String
    }

    struct Output: Codable {
        var target: String
        var model: String
        var features: [String]
        var trainingRows: Int
        var heldOutRows: Int
        var runs: [SeedResult]
        var medianHeldOutRMSPE: Double
        var medianHeldOutMAPE: Double
        var medianHeldOutR2: Double
        var medianHeldOutKendallTau: Double
    }

    func run() throws {
        let table: NumericTable
        if let csv {
            table = try NumericTable(contentsOf: URL(fileURLWithPath: csv))
        } else {
            guard let url = NASBench201.shippedTableURL else {
                throw ValidationError("the shipped NAS-Bench-201 table was not found; pass --csv")
            }
            table = try NumericTable(contentsOf: url)
        }
        let (samples, inputs) = try makeSamples(table)
        guard train < samples.count else {
            throw ValidationError("--train \(train) leaves no held-out rows (the table has \(samples.count) usable rows)")
        }
        var runs: [SeedResult] = []
        for seed in seeds.values {
            var generator = SplitShuffle(seed: seed)
            let order = generator.shuffled(Array(0..<samples.count))
            let trainingSet = samples.subset(Array(order.prefix(train)))
            let heldOutSet = samples.subset(Array(order.dropFirst(train)))
            let fitted = try fit(trainingSet, seed: seed)
            let predictions = fitted.predict(heldOutSet)
            let z90 = 1.6448536269514722  // Φ⁻¹(0.95)
            let intervals: [(lower: Double, median: Double, upper: Double)?] = heldOutSet.features.map { features in
                if let linear = fitted as? LinearCostModel { return linear.predictionInterval(features, z: z90) }
                if let gp = fitted as? GaussianProcessCostModel { return gp.predictionInterval(features, z: z90) }
                return nil
            }
            let coverage: Double? = intervals.contains { $0 == nil } || intervals.isEmpty ? nil
                : Double(zip(intervals, heldOutSet.targets).filter { $0!.lower <= $1 && $1 <= $0!.upper }.count) / Double(intervals.count)
            runs.append(SeedResult(
                seed: seed, heldOut: fitted.evaluate(on: heldOutSet),
                gates: budgets.map { GateAccuracy(predictions: predictions, measurements: heldOutSet.targets, budget: $0) },
                heldOutCoverage90: coverage,
                crossValidation: fitted.fitReport.crossValidation,
                training: fitted.fitReport.training, summary: fitted.fitReport.summary))
        }
        let output = Output(
            target: target, model: model.rawValue, features: samples.featureNames, trainingRows: train,
            heldOutRows: samples.count - train, runs: runs,
            medianHeldOutRMSPE: Statistics.median(runs.map(\.heldOut.rootMeanSquaredPercentageError))!,
            medianHeldOutMAPE: Statistics.median(runs.map(\.heldOut.meanAbsolutePercentageError))!,
            medianHeldOutR2: Statistics.median(runs.map(\.heldOut.coefficientOfDetermination))!,
            medianHeldOutKendallTau: Statistics.median(runs.map(\.heldOut.kendallTau)) ?? .nan)
        var saved: SavedCostModel?
        if let save {
            saved = try SavedCostModel(fit(samples, seed: seeds.values[0]), target: target, inputs: inputs)
            try saved!.write(to: URL(fileURLWithPath: save))
        }
        if json {
            try CommandSupport.printJSON(output)
            return
        }
        defer {
            if let save, let saved {
                print("Wrote \(save): \(model.rawValue) model on all \(samples.count) rows, \(saved.featureNames.count) features from \(inputs.count) inputs")
            }
        }
        print("\(target): \(model.rawValue) model on \(samples.featureNames.count) features, \(train) training rows, \(samples.count - train) held out")
        for run in runs {
            print("  seed \(run.seed): held-out \(run.heldOut)")
            for gate in run.gates { print("          gate \(gate)") }
            if let coverage = run.heldOutCoverage90 {
                print(String(format: "          %.1f%% of held-out measurements inside the central 90%% prediction interval", 100 * coverage))
            }
            if let cv = run.crossValidation { print("          cross-validated on the training rows: \(cv)") }
            print("          \(run.summary)")
        }
        print(String(format: "median held-out RMSPE %.2f%%, MAPE %.2f%%, R² %.4f, Kendall τ %.3f", 100 * output.medianHeldOutRMSPE,
                     100 * output.medianHeldOutMAPE, output.medianHeldOutR2, output.medianHeldOutKendallTau))
        for (index, budget) in budgets.enumerated() {
            let gates = runs.map { $0.gates[index] }
            print(String(format: "median held-out gate at ≤ %g: accuracy %.1f%%, %.1f%% of admitted break it, %.1f%% of the truly feasible rejected",
                         budget, 100 * Statistics.median(gates.map(\.accuracy))!,
                         100 * (Statistics.median(gates.map(\.falseFeasibleRate)) ?? .nan),
                         100 * (Statistics.median(gates.map(\.falseInfeasibleRate)) ?? .nan)))
        }
    }

    func fit(_ samples: ProfiledSamples, seed: UInt64) throws -> any CostModel {
        switch model {
        case .linear: return try LinearCostModel.fit(samples, logTarget: logTarget, seed: seed)
        case .polynomial: return try SparsePolynomialCostModel.fit(samples, logTarget: logTarget, seed: seed)
        case .gp:
            // Costs are positive: the GP models their logarithm unless a target is not.
            return try GaussianProcessCostModel.fit(samples, logTarget: samples.targets.allSatisfy { $0 > 0 }, seed: seed)
        }
    }

    static func names(_ list: String?) -> [String] {
        (list ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The samples and the inputs a saved model declares (with --nb201, its computed features).
    func makeSamples(_ table: NumericTable) throws -> (ProfiledSamples, [SavedCostModel.Input]) {
        if !nb201 {
            return try table.samples(numeric: Self.names(features), categorical: Self.names(categorical), target: target)
        }
        var edgeColumns: [[Double]] = []
        for edge in NASBench201.edgeNames { edgeColumns.append(try table.column(edge)) }
        let targets = try table.column(target)
        let set: NASBench201.FeatureSet = effective ? .oneHotAndEffective : .oneHot
        var rows: [[Double]] = []
        var kept: [Double] = []
        for i in 0..<table.rowCount {
            let operations = edgeColumns.map { Int($0[i]) }
            if !keepDisconnected && !NASBench201.isConnected(operations) { continue }
            rows.append(NASBench201.features(operations, set))
            kept.append(targets[i])
        }
        let samples = try ProfiledSamples(featureNames: NASBench201.featureNames(set), features: rows, targets: kept)
        return (samples, samples.featureNames.map { .numeric(name: $0) })
    }
}
