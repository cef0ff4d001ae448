"""Builds the gate-accuracy table of Docs/HardwareModels.md by running
`hyperpower cost-model --budget B` (release build) for each device, training size and model.

Run from the repository root after `swift build -c release --product hyperpower`:
    python3 Scripts/gate_accuracy_table.py > /tmp/gates.md
Each cell is the median over 3 random splits (seeds 0, 1, 2), held out on every other connected
NAS-Bench-201 cell. "Admitted that break it": of the cells the model predicts within the
budget, the share measured over it; "feasible rejected": of the cells measured within it, the
share the model predicts over it.
"""
import json
import statistics
import subprocess

DEVICES = [("Pixel 3", "lat_pixel3_ms", 10), ("Raspberry Pi 4", "lat_raspi4_ms", 25),
           ("Samsung A50", "lat_samsung_a50_ms", 40), ("FPGA", "lat_fpga_ms", 3)]
MODELS = [("linear", ["--model", "linear"]), ("polynomial + effective", ["--model", "polynomial", "--effective"]),
          ("Gaussian process", ["--model", "gp"])]

print("| device, budget | model | N | RMSPE | MAPE | Kendall τ | gate accuracy | admitted that break it | feasible rejected |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for device, column, budget in DEVICES:
    for n in (50, 200):
        for name, flags in MODELS:
            out = subprocess.run([".build/release/hyperpower", "cost-model", "--nb201", "--target", column, "--train", str(n),
                                  "--seeds", "3", "--budget", str(budget), "--json"] + flags,
                                 capture_output=True, text=True, check=True).stdout
            result = json.loads(out)
            gates = [run["gates"][0] for run in result["runs"]]
            accuracy = statistics.median(1 - (g["wronglyFeasible"] + g["wronglyInfeasible"]) / g["count"] for g in gates)
            admitted = [g["trulyFeasible"] - g["wronglyInfeasible"] + g["wronglyFeasible"] for g in gates]
            breaking = statistics.median(g["wronglyFeasible"] / a for g, a in zip(gates, admitted))
            rejected = statistics.median(g["wronglyInfeasible"] / g["trulyFeasible"] for g in gates)
            print(f"| {device} ≤ {budget} ms | {name} | {n} | {100 * result['medianHeldOutRMSPE']:.1f}% | "
                  f"{100 * result['medianHeldOutMAPE']:.1f}% | {result['medianHeldOutKendallTau']:.3f} | {100 * accuracy:.1f}% | "
                  f"{100 * breaking:.1f}% | {100 * rejected:.1f}% |")
