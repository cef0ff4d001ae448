"""Builds the held-out RMSPE table of Docs/HardwareModels.md by running
`hyperpower cost-model` (release build) for each device, training size and model.

Run from the repository root after `swift build -c release --product hyperpower`:
    python3 Scripts/hardware_models_table.py > /tmp/table.md
Each cell is the median over 3 random splits (seeds 0, 1, 2) of the held-out RMSPE on every
other connected NAS-Bench-201 cell (15,284 − N rows).
"""
import json
import subprocess

DEVICES = [("Pixel 3", "lat_pixel3_ms"), ("Raspberry Pi 4", "lat_raspi4_ms"), ("Samsung A50", "lat_samsung_a50_ms"),
           ("FPGA (ZC706, estimated)", "lat_fpga_ms"), ("Eyeriss (estimated)", "lat_eyeriss_asic_ms"),
           ("Xeon Gold 6226", "lat_cpu_xeon_gold6226_ms"), ("Titan X, batch 1", "lat_gpu_titanx_b1_ms")]
MODELS = [("linear", ["--model", "linear"]), ("sparse polynomial", ["--model", "polynomial"]),
          ("linear + effective", ["--model", "linear", "--effective"]),
          ("polynomial + effective", ["--model", "polynomial", "--effective"])]
SIZES = [50, 100, 200]

print("| device | model | " + " | ".join(f"N = {n}" for n in SIZES) + " |")
print("|---|---|" + "---:|" * len(SIZES))
for device, column in DEVICES:
    for name, flags in MODELS:
        cells = []
        for n in SIZES:
            out = subprocess.run([".build/release/hyperpower", "cost-model", "--nb201", "--target", column, "--train", str(n),
                                  "--seeds", "3", "--json"] + flags, capture_output=True, text=True, check=True).stdout
            cells.append("%.1f%%" % (100 * json.loads(out)["medianHeldOutRMSPE"]))
        print(f"| {device} | {name} | " + " | ".join(cells) + " |")
