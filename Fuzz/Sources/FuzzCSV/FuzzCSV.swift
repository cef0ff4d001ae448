import Foundation
import FuzzSupport
import HardwareModels

// Fuzzes the CSV reader of the cost models (`hyperpower cost-model --csv`): any input must give
// a table or a HardwareModelError. A table's columns all have the row count; when it has a
// target and a feature column, fitting a linear model must give a model or an error, never a
// crash, and a fitted model's prediction at a row of finite features is not NaN unless the
// table holds a non-finite value.

@_cdecl("FuzzCSV_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzCSV(data!, size) }
}

func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let table = try? NumericTable(csv: text) else { return 0 }
    require(table.columns.count == table.columnNames.count, "columns and names differ")
    require(table.columns.allSatisfy { $0.count == table.rowCount }, "ragged columns")
    guard table.columnNames.count >= 2, table.rowCount >= 1 else { return 0 }
    let target = table.columnNames[0]
    let features = Array(table.columnNames.dropFirst().prefix(3))
    guard let samples = try? table.samples(features: features, target: target),
          let model = try? LinearCostModel.fit(samples, crossValidationFolds: 3) else { return 0 }
    let allFinite = table.columns.allSatisfy { $0.allSatisfy(\.isFinite) }
    if allFinite, samples.features.allSatisfy({ $0.allSatisfy { abs($0) < 1e100 } }),
       samples.targets.allSatisfy({ abs($0) < 1e100 }) {
        let prediction = model.predict(samples.features[0])
        require(!prediction.isNaN, "NaN prediction from a finite table")
    }
    return 0
}
