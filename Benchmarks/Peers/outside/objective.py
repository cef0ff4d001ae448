"""The command `hyperpower run` calls: `objective.py --problem NAME --x1 V --x2 V …`. Prints the
JSON result and appends it, at full precision, to the file $OUTSIDE_LOG."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from problems import PROBLEMS  # noqa: E402

args = sys.argv[1:]
name = args[args.index("--problem") + 1]
bounds = PROBLEMS[name][0]
raw = [args[args.index(f"--x{i + 1}") + 1] for i in range(len(bounds))]
# A categorical's choice arrives as its name, "c<index>".
x = [int(v[1:]) if b[0] == "categorical" else int(float(v)) if b[0] in ("integer", "powerOfTwo") else float(v)
     for v, b in zip(raw, bounds)]
value, constraints = PROBLEMS[name][3](x)
if value != value:  # NaN: a diverged run, which fails (exit status 1) as a real trainer's would
    sys.exit(1)
with open(os.environ["OUTSIDE_LOG"], "a") as log:
    log.write(json.dumps({"x": x, "value": value, "constraints": constraints}) + "\n")
print(json.dumps({"value": value, **constraints}))
