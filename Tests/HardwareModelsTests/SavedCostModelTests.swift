import Foundation
import HardwareModels
import Testing

/// Profile tables with text columns, categorical features, and saved models that predict
/// exactly what the fitted ones did.
@Suite struct SavedCostModelTests {
    /// latency = 1 + 0.5·filters + (3 for a 5×5 kernel type, 1 for 3×3), with a text column.
    static let csv: String = {
        var lines = ["arch,filters,kernel,device,latency"]
        for (i, filters) in [8.0, 16, 32, 8, 16, 32, 64, 64, 24, 48, 12, 40].enumerated() {
            let kernel = i % 2 == 0 ? "k5" : "k3"
            let latency = 1 + 0.5 * filters + (kernel == "k5" ? 3 : 1) + 0.01 * Double(i % 3)
            lines.append("net-\(i),\(filters),\(kernel),pixel,\(latency)")
        }
        return lines.joined(separator: "\n")
    }()

    @Test func textColumnsAreIgnoredAndCategoriesOneHotEncoded() throws {
        let table = try NumericTable(csv: Self.csv)
        let (samples, inputs) = try table.samples(numeric: ["filters"], categorical: ["kernel"], target: "latency")
        #expect(samples.featureNames == ["filters", "kernel=k3", "kernel=k5"])
        #expect(inputs == [.numeric(name: "filters"), .categorical(name: "kernel", values: ["k3", "k5"])])
        #expect(samples.features[0] == [8, 0, 1])
        // A text column used as a number names its line.
        #expect(throws: HardwareModelError.malformedTable(reason: "line 2, column 'arch': 'net-0' is not a number")) {
            try table.column("arch")
        }
    }

    @Test(arguments: ["linear", "polynomial", "gp"])
    func aSavedModelPredictsWhatTheFittedOneDid(kind: String) throws {
        let table = try NumericTable(csv: Self.csv)
        let (samples, inputs) = try table.samples(numeric: ["filters"], categorical: ["kernel"], target: "latency")
        let model: any CostModel
        switch kind {
        case "linear": model = try LinearCostModel.fit(samples)
        case "polynomial": model = try SparsePolynomialCostModel.fit(samples, folds: 4)
        default: model = try GaussianProcessCostModel.fit(samples, crossValidationFolds: nil)
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cost-model-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try SavedCostModel(model, target: "latency", inputs: inputs).write(to: url)
        let loaded = try SavedCostModel.load(from: url)
        #expect(loaded.target == "latency")
        #expect(loaded.featureNames == samples.featureNames)
        for features in samples.features + [[20, 1, 0], [50, 0, 1]] {
            #expect(abs(loaded.predict(features) - model.predict(features)) <= 1e-12 * max(1, abs(model.predict(features))))
        }
        let row = try loaded.predict(row: ["filters": "20", "kernel": "k5", "arch": "ignored"])
        #expect(abs(row - model.predict([20, 0, 1])) < 1e-9)
        #expect(throws: HardwareModelError.malformedTable(reason: "input 'kernel': 'k7' was not seen in training (k3, k5)")) {
            try loaded.predict(row: ["filters": "20", "kernel": "k7"])
        }
        #expect(throws: HardwareModelError.unknownFeature("filters")) { try loaded.predict(row: ["kernel": "k3"]) }
    }

    @Test func aDamagedFileIsAClearError() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cost-model-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("{\"format\": 1}".utf8).write(to: url)
        #expect {
            try SavedCostModel.load(from: url)
        } throws: { error in
            "\(error)".contains("is not a saved cost model")
        }
    }
}
