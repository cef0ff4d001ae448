#!/usr/bin/env python3
"""Optuna's multi-objective samplers on the constrained multi-objective problems of
`hyperpower benchmark` (issue #14: branin-currin, c2-dtlz2, and dtlz2-3 with three objectives), judged as the library judges itself: the hypervolume of
the truly feasible trials up to the problem's reference point, and log10(true - found) against
the true front of Benchmarks/Peers/true_fronts.py.

    python3 -m venv .venv && .venv/bin/pip install optuna==5.0.0
    .venv/bin/python Benchmarks/Peers/multiobjective_peers.py --seeds 10 [--samplers nsga2,tpe,random,gp]

`gp` (Optuna's GPSampler) needs torch and scipy in the environment. Constraints go to each
sampler through `constraints_func` (feasible at <= 0), as Optuna documents.

`--problems nas-pixel3` (or nas-fpga, nas-raspi4): NAS-Bench-201 from the table the library
ships (Sources/HardwareModels/Resources/nb201.csv), six categorical edges of five operations,
CIFAR-10 accuracy maximised against the device's latency minimised, the latency budget of
`hyperpower demo nas --objectives accuracy,latency` as a constraint learned from the measured
latency (Optuna has no known constraints), 100 evaluations, judged like the demo: the
hypervolume of the evaluated cells that truly meet the budget, over the true front's, with the
reference (80% accuracy, the budget).
"""
import csv
import os
import argparse
import math
import statistics

import optuna

TRUE = {"branin-currin": 609.081062, "c2-dtlz2": 0.399924, "dtlz2-3": 1.1 ** 3 - math.pi / 6}
REFERENCE = {"branin-currin": (80.0, 12.0), "c2-dtlz2": (1.1, 1.1), "dtlz2-3": (1.1, 1.1, 1.1)}
BUDGET = {"branin-currin": 40, "c2-dtlz2": 60, "dtlz2-3": 80}
DIMENSION = {"branin-currin": 2, "c2-dtlz2": 4, "dtlz2-3": 6}


def branin_currin(x):
    u, v = 15 * x[0] - 5, 15 * x[1]
    f1 = (v - 5.1 / (4 * math.pi ** 2) * u ** 2 + 5 / math.pi * u - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(u) + 10
    factor = 1 - math.exp(-1 / (2 * x[1])) if x[1] > 0 else 1.0
    f2 = factor * (2300 * x[0] ** 3 + 1900 * x[0] ** 2 + 2092 * x[0] + 60) / (100 * x[0] ** 3 + 500 * x[0] ** 2 + 4 * x[0] + 20)
    violation = -(50 - (u - 2.5) ** 2 - (v - 7.5) ** 2)  # <= 0 feasible
    return (f1, f2), violation


def c2dtlz2(x, r=0.2):
    g = sum((t - 0.5) ** 2 for t in x[1:])
    f1, f2 = (1 + g) * math.cos(math.pi * x[0] / 2), (1 + g) * math.sin(math.pi * x[0] / 2)
    first = min((f1 - 1) ** 2 + f2 ** 2 - r * r, (f2 - 1) ** 2 + f1 ** 2 - r * r)
    second = (f1 - 1 / math.sqrt(2)) ** 2 + (f2 - 1 / math.sqrt(2)) ** 2 - 2 * r * r
    return (f1, f2), min(first, second)


def dtlz2_three(x):
    """DTLZ2 with three objectives; the observed constraint sum |x_i - 1/2| <= 1/2 over the
    four distance inputs is inactive on the front (the unit sphere's octant), so the true
    hypervolume up to (1.1, 1.1, 1.1) is 1.1^3 - pi/6."""
    g = sum((t - 0.5) ** 2 for t in x[2:])
    a, b = math.pi * x[0] / 2, math.pi * x[1] / 2
    values = ((1 + g) * math.cos(a) * math.cos(b), (1 + g) * math.cos(a) * math.sin(b), (1 + g) * math.sin(a))
    return values, sum(abs(t - 0.5) for t in x[2:]) - 0.5


FUNCTIONS = {"branin-currin": branin_currin, "c2-dtlz2": c2dtlz2, "dtlz2-3": dtlz2_three}

NAS_DEVICES = {"nas-pixel3": ("lat_pixel3_ms", 10.0), "nas-fpga": ("lat_fpga_ms", 3.0), "nas-raspi4": ("lat_raspi4_ms", 25.0)}
OPERATIONS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
EDGES = ["e1_0", "e2_0", "e2_1", "e3_0", "e3_1", "e3_2"]


def nas_table(column):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../Sources/HardwareModels/Resources/nb201.csv")
    table = {}
    with open(path) as handle:
        for row in csv.DictReader(handle):
            key = tuple(int(row[edge]) for edge in EDGES)
            table[key] = (float(row["cifar10_test_acc"]), float(row[column]))
    return table


def run_nas(problem, name, seed, evaluations=100):
    column, budget = NAS_DEVICES[problem]
    table = nas_table(column)
    reference = (-80.0, budget)  # minimised: (-accuracy, latency)
    truth = [(-a, l) for a, l in table.values() if l <= budget]
    true_volume = hypervolume(truth, reference)

    def objective(trial):
        key = tuple(OPERATIONS.index(trial.suggest_categorical(edge, OPERATIONS)) for edge in EDGES)
        accuracy, latency = table[key]
        trial.set_user_attr("violation", latency - budget)
        return accuracy, latency

    study = optuna.create_study(directions=["maximize", "minimize"],
                                sampler=sampler(name, seed, lambda t: (t.user_attrs["violation"],)))
    study.optimize(objective, n_trials=evaluations)
    points = [(-t.values[0], t.values[1]) for t in study.trials if t.values is not None and t.values[1] <= budget]
    breaches = sum(1 for t in study.trials if t.values is not None and t.values[1] > budget)
    return hypervolume(points, reference) / true_volume, breaches


def hypervolume(points, reference):
    if len(reference) == 3:  # slices along the third objective, each a 2-D sweep
        points = sorted(p for p in points if all(p[k] < reference[k] for k in range(3)))
        points.sort(key=lambda p: p[2])
        volume = 0.0
        for i, p in enumerate(points):
            top = points[i + 1][2] if i + 1 < len(points) else reference[2]
            volume += hypervolume([q[:2] for q in points[:i + 1]], reference[:2]) * (top - p[2])
        return volume
    points = sorted(p for p in points if p[0] < reference[0] and p[1] < reference[1])
    volume, best = 0.0, reference[1]
    for f1, f2 in points:
        if f2 < best:
            volume += (reference[0] - f1) * (best - f2)
            best = f2
    return volume


def sampler(name, seed, constraints):
    if name == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed, constraints_func=constraints)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed, constraints_func=constraints)
    if name == "gp":
        return optuna.samplers.GPSampler(seed=seed, constraints_func=constraints)
    return optuna.samplers.RandomSampler(seed=seed)


def run(problem, name, seed):
    function = FUNCTIONS[problem]

    def objective(trial):
        x = [trial.suggest_float(f"x{i + 1}", 0, 1) for i in range(DIMENSION[problem])]
        values, violation = function(x)
        trial.set_user_attr("violation", violation)
        return values

    study = optuna.create_study(directions=["minimize"] * len(REFERENCE[problem]),
                                sampler=sampler(name, seed, lambda t: (t.user_attrs["violation"],)))
    study.optimize(objective, n_trials=BUDGET[problem])
    feasible = [t.values for t in study.trials if t.values is not None and t.user_attrs["violation"] <= 0]
    found = hypervolume(feasible, REFERENCE[problem])
    return found, math.log10(max(TRUE[problem] - found, 1e-12 * TRUE[problem]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--samplers", default="nsga2,tpe,random")
    parser.add_argument("--problems", default="branin-currin,c2-dtlz2")
    arguments = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    for problem in arguments.problems.split(","):
        if problem in NAS_DEVICES:
            for name in arguments.samplers.split(","):
                results = [run_nas(problem, name, seed) for seed in range(arguments.seeds)]
                print(f"{problem:14s} {name:7s} median hypervolume {100 * statistics.median(r[0] for r in results):.1f}% of the "
                      f"true front's, broke the budget {statistics.median(r[1] for r in results):.0f} times")
            continue
        for name in arguments.samplers.split(","):
            results = [run(problem, name, seed) for seed in range(arguments.seeds)]
            volumes = [r[0] for r in results]
            print(f"{problem:14s} {name:7s} median hypervolume {statistics.median(volumes):.6g} "
                  f"({100 * statistics.median(volumes) / TRUE[problem]:.2f}% of the true front's), "
                  f"median log10 difference {statistics.median(r[1] for r in results):.2f}")


if __name__ == "__main__":
    main()
