#!/bin/sh
# Checks HardwareProfiling's meters on a machine with an NVIDIA GPU that has no Swift toolchain:
# build a static binary here, copy it there with this script, run it there.
#
#   swiftc -O -static-stdlib -parse-as-library -module-name MeterCheck \
#       Sources/HardwareProfiling/*.swift Scripts/device_meter_check.swift -o devcheck/metercheck
#   strip devcheck/metercheck
#   (on the GPU machine) sh Scripts/device_meter_check.sh
#
# It prints nvidia-smi's own output in the query format the meter uses, then the meter's
# 1-second measurement (idle), then the same under a PyTorch 8192² matmul load if torch exists.
nvidia-smi --query-gpu=power.draw,memory.used --format=csv,noheader,nounits
echo "--- meter, idle"
./devcheck/metercheck
if python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
  cat > /tmp/hyperpower_load.py <<'PY'
import time, torch
a = torch.randn(8192, 8192, device="cuda"); b = torch.randn(8192, 8192, device="cuda")
c = a @ b; torch.cuda.synchronize()
open("/tmp/hyperpower_load_started", "w").write("1")
t = time.time()
while time.time() - t < 6:
    c = a @ b
torch.cuda.synchronize()
PY
  rm -f /tmp/hyperpower_load_started
  python3 /tmp/hyperpower_load.py & while [ ! -f /tmp/hyperpower_load_started ]; do sleep 0.2; done; sleep 0.5
  echo "--- meter, under load"
  ./devcheck/metercheck | head -3
  wait
fi
