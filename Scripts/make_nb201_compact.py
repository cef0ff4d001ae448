"""Writes Sources/HardwareModels/Resources/nb201.csv, the compact NAS-Bench-201 table the
project ships: architecture index, the 6 edge operations, iso class, CIFAR-10 accuracies
(200-epoch test; 12-epoch test and validation), params, FLOPs and the batch-1 latencies of 17
devices, values to 5 significant digits.

Source: the team's shared data folder, nb201_hw/nb201_hw.csv (see its README for provenance
and licences; the notices are in Sources/HardwareModels/Resources/NB201-NOTICE.md).
Run: python3 Scripts/make_nb201_compact.py [path/to/nb201_hw.csv]
"""
import csv
import os
import sys

source = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "shared", "data", "nb201_hw", "nb201_hw.csv")
rows = list(csv.DictReader(open(source)))
latencies = [c for c in rows[0] if c.startswith("lat_") and not c.endswith(("b32_ms", "b256_ms"))]
columns = ["arch_index", "e1_0", "e2_0", "e2_1", "e3_0", "e3_1", "e3_2", "iso_class", "cifar10_test_acc",
           "cifar10_test_acc_12ep", "cifar10_valid_acc_12ep", "params", "flops"] + latencies


def compact(value):
    number = float(value)
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return "%.5g" % number


out = os.path.join(os.path.dirname(__file__), "..", "Sources", "HardwareModels", "Resources", "nb201.csv")
with open(out, "w") as f:
    f.write(",".join(columns) + "\n")
    for row in rows:
        f.write(",".join(compact(row[c]) for c in columns) + "\n")
print("wrote", out, len(rows), "rows,", len(columns), "columns")
