"""Defaults checked on problems the suite does not contain (Benchmarks/Peers/outside/problems.py:
Rosenbrock, Levy, Styblinski–Tang, Michalewicz, Rastrigin, Griewank, Shekel, Dixon–Price, Ackley-20,
Hartmann-6 and Branin, Hartmann-6 through noise, three with an observed constraint, three mixed
categorical–real spaces from CoCaBO), through the
public path a user takes — `hyperpower run` with a study file and a Python command — beside
Optuna's GPSampler, TPE and random search on the same budgets and seeds (10 initial trials for
Optuna's GP). Prints the median best feasible value per method. Never part of `make test`.

    swift build -c release --product hyperpower
    Benchmarks/Peers/.venv/bin/python Benchmarks/Peers/outside_suite.py --seeds 5 --methods hyperpower,gp,random
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "outside"))
from problems import PROBLEMS  # noqa: E402


def best_feasible(rows, constraints):
    """The best observed feasible value; on a noisy problem (rows measuring "true"), the true value
    of the configuration with the best observed value — what the run would return."""
    feasible = [r for r in rows if all(r["constraints"][n] <= b for n, b in constraints)]
    if not feasible:
        return float("inf")
    best = min(feasible, key=lambda r: r["value"])
    return best["constraints"].get("true", best["value"])


def run_hyperpower(binary, name, seed, work, initial_design=None):
    bounds, budget, _, _, constraints = PROBLEMS[name]
    log = os.path.join(work, f"{name}-{seed}.jsonl")
    study = os.path.join(work, f"{name}-{seed}.yaml")
    def declared(i, b):
        kind = b[0] if isinstance(b[0], str) else "real"
        if kind == "categorical":
            return f"  - {{name: x{i + 1}, type: categorical, choices: [{', '.join(f'c{k}' for k in range(b[1]))}]}}"
        if kind == "log":
            return f"  - {{name: x{i + 1}, type: real, low: {b[1]}, high: {b[2]}, log: true}}"
        if kind in ("integer", "powerOfTwo"):
            return f"  - {{name: x{i + 1}, type: {kind}, low: {b[1]}, high: {b[2]}}}"
        return f"  - {{name: x{i + 1}, type: real, low: {b[0]}, high: {b[1]}}}"
    parameters = "\n".join(declared(i, b) for i, b in enumerate(bounds))
    text = f"objective:\n  name: value\n  direction: minimize\nparameters:\n{parameters}\n"
    if constraints:
        text += "constraints:\n" + "\n".join(f"  - {{name: {n}, atMost: {b}}}" for n, b in constraints) + "\n"
    with open(study, "w") as f:
        f.write(text + f"budget: {budget}\nseed: {seed}\n" + (f"initialDesign: {initial_design}\n" if initial_design else ""))
    command = [binary, "run", study, "--", sys.executable, os.path.join(HERE, "outside", "objective.py"), "--problem", name]
    command += sum([[f"--x{i + 1}", f"{{x{i + 1}}}"] for i in range(len(bounds))], [])
    subprocess.run(command, env={**os.environ, "OUTSIDE_LOG": log, "OPENBLAS_NUM_THREADS": "1"},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    with open(log) as f:
        rows = [json.loads(line) for line in f]
    return best_feasible(rows, constraints)


def run_optuna(name, seed, method):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    bounds, budget, _, function, constraints = PROBLEMS[name]
    rows = []

    def objective(trial):
        def suggested(i, b):
            name = f"x{i + 1}"
            if b[0] == "categorical":
                return trial.suggest_categorical(name, list(range(b[1])))
            if b[0] == "log":
                return trial.suggest_float(name, b[1], b[2], log=True)
            if b[0] == "integer":
                return trial.suggest_int(name, b[1], b[2])
            if b[0] == "powerOfTwo":
                return 2 ** trial.suggest_int(name, b[1].bit_length() - 1, b[2].bit_length() - 1)
            return trial.suggest_float(name, b[0], b[1])
        x = [suggested(i, b) for i, b in enumerate(bounds)]
        value, measured = function(x)
        if value != value:  # a diverged run: Optuna records NaN as a failed trial
            return value
        rows.append({"value": value, "constraints": measured})
        trial.set_user_attr("c", [measured[n] - b for n, b in constraints])
        return value

    constraints_func = (lambda t: t.user_attrs["c"]) if constraints else None
    if method == "gp":
        sampler = optuna.samplers.GPSampler(seed=seed, constraints_func=constraints_func, n_startup_trials=10)
    elif method == "tpe":
        sampler = optuna.samplers.TPESampler(seed=seed, constraints_func=constraints_func)
    else:
        sampler = optuna.samplers.RandomSampler(seed=seed)
    optuna.create_study(sampler=sampler).optimize(objective, n_trials=budget)
    return best_feasible(rows, constraints)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problems", default=",".join(PROBLEMS))
    parser.add_argument("--methods", default="hyperpower,gp,random")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--initial-design", type=int, default=None,
                        help="the library's initial design size (default: its own default)")
    parser.add_argument("--binary", default=os.path.join(HERE, "..", "..", ".build", "release", "hyperpower"))
    options = parser.parse_args()
    methods = options.methods.split(",")
    print("| problem (budget) | optimum | " + " | ".join(f"{m} median (min–max)" for m in methods) + " |")
    print("|---|---:|" + "---:|" * len(methods))
    with tempfile.TemporaryDirectory() as work:
        for name in options.problems.split(","):
            bounds, budget, optimum, _, _ = PROBLEMS[name]
            cells = []
            for method in methods:
                values = [run_hyperpower(options.binary, name, s, work, options.initial_design) if method == "hyperpower" else run_optuna(name, s, method)
                          for s in range(options.seeds)]
                cells.append(f"{statistics.median(values):.4g} ({min(values):.3g}–{max(values):.3g})")
            print(f"| {name} ({budget}) | {'—' if optimum is None else f'{optimum:.4g}'} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
