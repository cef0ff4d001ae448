"""Side-by-side peers for `hyperpower benchmark` (issue #16): Optuna's GPSampler, TPE and random
search on the same suite problems, seeds and budgets, judged the same way (median regret of
the best truly feasible value, runs without a feasible point, evaluations that break a
constraint, CPU seconds per suggestion). Never part of `make test`.

    make peers                                  # sets up Benchmarks/Peers/.venv, runs everything
    Benchmarks/Peers/.venv/bin/python Benchmarks/Peers/peers.py --problems g7,ackley10 --samplers tpe --seeds 10

Peers get every constraint as Optuna's `constraints_func` (values ≤ 0 are feasible), read
after each trial: Optuna has no constraint known before a run, so `known` constraints are
observed for them. The NAS-Bench-201 problems read the shipped table and judge the latency by
the table, as the library's benchmark does. Problem definitions mirror
Sources/BenchmarkProblems (the reference values are in
Tests/BenchmarkProblemsTests/Fixtures/wider_suite_reference.py).
"""
import argparse
import csv
import json
import math
import os
import statistics
import sys
import time

import numpy as np
import optuna

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "outside"))
from problems import branin, hartmann6  # noqa: E402  (one definition, shared with the outside suite)


def welded(x):
    h, l, t, b = x
    p, length, e, g = 6000.0, 14.0, 30e6, 12e6
    tau1 = p / (math.sqrt(2) * h * l)
    m = p * (length + l / 2)
    r = math.sqrt(l * l / 4 + ((h + t) / 2) ** 2)
    j = 2 * (math.sqrt(2) * h * l * (l * l / 12 + ((h + t) / 2) ** 2))
    tau2 = m * r / j
    tau = math.sqrt(tau1 ** 2 + 2 * tau1 * tau2 * l / (2 * r) + tau2 ** 2)
    sigma = 6 * p * length / (b * t * t)
    delta = 4 * p * length ** 3 / (e * t ** 3 * b)
    crit = 4.013 * e * t * b ** 3 / (6 * length ** 2) * (1 - t * math.sqrt(e / g) / (4 * length))
    f = 1.10471 * h * h * l + 0.04811 * t * b * (14 + l)
    return f, [tau - 13600, sigma - 30000, h - b, 0.10471 * h * h + 0.04811 * t * b * (14 + l) - 5, 0.125 - h,
               delta - 0.25, p - crit]


def speed_reducer(x):
    x1, x2, x3, x4, x5, x6, x7 = x
    f = (0.7854 * x1 * x2 ** 2 * (3.3333 * x3 ** 2 + 14.9334 * x3 - 43.0934) - 1.508 * x1 * (x6 ** 2 + x7 ** 2)
         + 7.4777 * (x6 ** 3 + x7 ** 3) + 0.7854 * (x4 * x6 ** 2 + x5 * x7 ** 2))
    g = [27 / (x1 * x2 ** 2 * x3) - 1, 397.5 / (x1 * x2 ** 2 * x3 ** 2) - 1, 1.93 * x4 ** 3 / (x2 * x3 * x6 ** 4) - 1,
         1.93 * x5 ** 3 / (x2 * x3 * x7 ** 4) - 1, math.sqrt((745 * x4 / (x2 * x3)) ** 2 + 16.9e6) / (110 * x6 ** 3) - 1,
         math.sqrt((745 * x5 / (x2 * x3)) ** 2 + 157.5e6) / (85 * x7 ** 3) - 1, x2 * x3 / 40 - 1, 5 * x2 / x1 - 1,
         x1 / (12 * x2) - 1, (1.5 * x6 + 1.9) / x4 - 1, (1.1 * x7 + 1.9) / x5 - 1]
    return f, g


def g7(x):
    f = (x[0] ** 2 + x[1] ** 2 + x[0] * x[1] - 14 * x[0] - 16 * x[1] + (x[2] - 10) ** 2 + 4 * (x[3] - 5) ** 2
         + (x[4] - 3) ** 2 + 2 * (x[5] - 1) ** 2 + 5 * x[6] ** 2 + 7 * (x[7] - 11) ** 2 + 2 * (x[8] - 10) ** 2
         + (x[9] - 7) ** 2 + 45)
    g = [-105 + 4 * x[0] + 5 * x[1] - 3 * x[6] + 9 * x[7], 10 * x[0] - 8 * x[1] - 17 * x[6] + 2 * x[7],
         -8 * x[0] + 2 * x[1] + 5 * x[8] - 2 * x[9] - 12,
         3 * (x[0] - 2) ** 2 + 4 * (x[1] - 3) ** 2 + 2 * x[2] ** 2 - 7 * x[3] - 120,
         5 * x[0] ** 2 + 8 * x[1] + (x[2] - 6) ** 2 - 2 * x[3] - 40,
         x[0] ** 2 + 2 * (x[1] - 2) ** 2 - 2 * x[0] * x[1] + 14 * x[4] - 6 * x[5],
         0.5 * (x[0] - 8) ** 2 + 2 * (x[1] - 4) ** 2 + 3 * x[4] ** 2 - x[5] - 30,
         -3 * x[0] + 6 * x[1] + 12 * (x[8] - 8) ** 2 - 7 * x[9]]
    return f, g


def ackley10(x):
    d = len(x)
    s = sum(v * v for v in x)
    f = -20 * math.exp(-0.2 * math.sqrt(s / d)) - math.exp(sum(math.cos(2 * math.pi * v) for v in x) / d) + 20 + math.e
    return max(f, 0), [sum(x), math.sqrt(s) - 5]


def real(name, lo, hi):
    return (name, 'real', lo, hi)


def integer(name, lo, hi):
    return (name, 'int', lo, hi)


# name: (parameters, f(x) -> (objective, [constraint values, feasible at <= 0]), optimum, budget)
PROBLEMS = {
    'gramacy': ([real('x1', 0, 1), real('x2', 0, 1)], lambda x: (x[0] + x[1], [
        1.5 - x[0] - 2 * x[1] - 0.5 * math.sin(2 * math.pi * (x[0] ** 2 - 2 * x[1])), x[0] ** 2 + x[1] ** 2 - 1.5]),
        0.599788, 40),
    'gardner1': ([real('x1', 0, 6), real('x2', 0, 6)], lambda x: (math.cos(2 * x[0]) * math.cos(x[1]) + math.sin(x[0]), [
        math.cos(x[0]) * math.cos(x[1]) - math.sin(x[0]) * math.sin(x[1]) - 0.5]), -2, 40),
    'gardner2': ([real('x1', 0, 6), real('x2', 0, 6)], lambda x: (math.sin(x[0]) + x[1], [
        math.sin(x[0]) * math.sin(x[1]) + 0.95]), 0.253236, 40),
    'branin-disk': ([real('x1', -5, 10), real('x2', 0, 15)], lambda x: (branin(x), [
        (x[0] - 2.5) ** 2 + (x[1] - 7.5) ** 2 - 50]), 0.397887, 40),
    'hartmann6': ([real('x%d' % (k + 1), 0, 1) for k in range(6)], lambda x: (hartmann6(x), [
        math.sqrt(sum(v * v for v in x)) - 1]), -3.32237, 60),
    'pressure-vessel': ([integer('x1', 1, 99), integer('x2', 1, 99), real('x3', 10, 200), real('x4', 10, 200)],
                        lambda x: (lambda a, b, c, d: (
                            0.6224 * a * c * d + 1.7781 * b * c * c + 3.1661 * a * a * d + 19.84 * a * a * c,
                            [-a + 0.0193 * c, -b + 0.00954 * c,
                             -math.pi * c * c * d - 4 / 3 * math.pi * c ** 3 + 1296000]))(0.0625 * x[0], 0.0625 * x[1], x[2], x[3]),
                        6059.714, 60),
    'spring': ([real('x1', 0.05, 2), real('x2', 0.25, 1.3), real('x3', 2, 15)], lambda x: ((x[2] + 2) * x[1] * x[0] ** 2, [
        1 - x[1] ** 3 * x[2] / (71785 * x[0] ** 4),
        (4 * x[1] ** 2 - x[0] * x[1]) / (12566 * (x[1] * x[0] ** 3 - x[0] ** 4)) + 1 / (5108 * x[0] ** 2) - 1,
        1 - 140.45 * x[0] / (x[1] ** 2 * x[2]), (x[0] + x[1]) / 1.5 - 1]), 0.0126652, 60),
    'welded-beam': ([real('x1', 0.1, 2), real('x2', 0.1, 10), real('x3', 0.1, 10), real('x4', 0.1, 2)], welded, 1.724852, 60),
    'hartmann6-sum': ([real('x%d' % (k + 1), 0, 1) for k in range(6)], lambda x: (hartmann6(x), [sum(x) - 3]), -3.32237, 40),
    'ackley10': ([real('x%d' % (k + 1), -5, 10) for k in range(10)], ackley10, 0, 100),
    'g7': ([real('x%d' % (k + 1), -10, 10) for k in range(10)], g7, 24.3062091, 100),
    'speed-reducer': ([real('x1', 2.6, 3.6), real('x2', 0.7, 0.8), integer('x3', 17, 28), real('x4', 7.3, 8.3),
                       real('x5', 7.8, 8.3), real('x6', 2.9, 3.9), real('x7', 5.0, 5.5)], speed_reducer, 2996.34816, 60),
}

EDGES = ['e1_0', 'e2_0', 'e2_1', 'e3_0', 'e3_1', 'e3_2']
OPERATIONS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']


def add_nas_problems():
    rows = list(csv.DictReader(open(os.path.join(ROOT, 'Sources/HardwareModels/Resources/nb201.csv'))))
    table = {tuple(int(r[e]) for e in EDGES): (float(r['cifar10_test_acc']), r) for r in rows}
    for name, device, budget in [('nas-fpga', 'fpga', 3.0), ('nas-pixel3', 'pixel3', 10.0), ('nas-raspi4', 'raspi4', 25.0)]:
        best = max(acc for acc, r in table.values() if float(r['lat_%s_ms' % device]) <= budget)

        def f(x, device=device, budget=budget):
            acc, r = table[tuple(OPERATIONS.index(v) for v in x)]
            return 100 - acc, [float(r['lat_%s_ms' % device]) - budget]
        PROBLEMS[name] = ([(e, 'cat', OPERATIONS, None) for e in EDGES], f, 100 - best, 100)


def run(problem, sampler_name, seed):
    parameters, function, optimum, budget = PROBLEMS[problem]
    # Optuna 5 reads constraints set on the trial (Trial.set_constraint); older versions take a
    # constraints_func reading them back from user attributes.
    modern = hasattr(optuna.trial.Trial, 'set_constraint')
    extra = {} if modern else {'constraints_func': lambda trial: trial.user_attrs['constraints']}
    if sampler_name == 'gp':
        sampler = optuna.samplers.GPSampler(seed=seed, n_startup_trials=10, **extra)
    elif sampler_name == 'tpe':
        sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=10, **extra)
    else:
        sampler = optuna.samplers.RandomSampler(seed=seed)
    study = optuna.create_study(sampler=sampler, direction='minimize')
    distributions = {}
    for name, kind, lo, hi in parameters:
        if kind == 'real':
            distributions[name] = optuna.distributions.FloatDistribution(lo, hi)
        elif kind == 'int':
            distributions[name] = optuna.distributions.IntDistribution(lo, hi)
        else:
            distributions[name] = optuna.distributions.CategoricalDistribution(lo)
    best, violations, seconds, on_bounds, coordinates = None, 0, [], 0, 0
    for _ in range(budget):
        start = time.process_time()
        trial = study.ask(distributions)
        seconds.append(time.process_time() - start)
        x = [trial.params[p[0]] for p in parameters]
        for (name, kind, lo, hi), v in zip(parameters, x):
            if kind == 'real':
                coordinates += 1
                on_bounds += (v == lo or v == hi)
        value, g = function(x)
        if modern:
            for k, c in enumerate(g):
                trial.set_constraint('c%d' % k, c)
        else:
            trial.set_user_attr('constraints', list(g))
        study.tell(trial, value)
        if all(c <= 0 for c in g):
            best = value if best is None else min(best, value)
        else:
            violations += 1
    regret = None if best is None else max(best - optimum, 0)
    return {'regret': regret, 'violations': violations, 'medianSuggestionSeconds': statistics.median(seconds),
            'shareOnBounds': on_bounds / coordinates if coordinates else 0}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--problems', default='all')
    parser.add_argument('--samplers', default='gp,tpe,random')
    parser.add_argument('--seeds', type=int, default=10)
    parser.add_argument('--json', help='also write the raw results here')
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    add_nas_problems()
    problems = list(PROBLEMS) if args.problems == 'all' else args.problems.split(',')
    results = []
    print('| problem (budget) | sampler | median regret | IQR | runs without a feasible point | median violations | '
          'median CPU ms per suggestion | share of real coordinates on a bound |')
    print('|---|---|---|---|---|---|---|---|')
    for problem in problems:
        for sampler in args.samplers.split(','):
            runs = [run(problem, sampler, seed) for seed in range(args.seeds)]
            regrets = [r['regret'] for r in runs if r['regret'] is not None]
            median = statistics.median(regrets) if regrets else None
            q = np.percentile(regrets, [25, 75]) if regrets else None
            row = {'problem': problem, 'sampler': sampler, 'medianRegret': median,
                   'interquartileRange': None if q is None else [float(q[0]), float(q[1])],
                   'runsWithoutFeasiblePoint': sum(r['regret'] is None for r in runs),
                   'medianViolations': statistics.median(r['violations'] for r in runs),
                   'medianSuggestionSeconds': statistics.median(r['medianSuggestionSeconds'] for r in runs),
                   'shareOnBounds': statistics.mean(r['shareOnBounds'] for r in runs), 'runs': runs}
            results.append(row)
            print('| %s (%d) | optuna-%s | %s | %s | %d | %g | %.1f | %.2f |' % (
                problem, PROBLEMS[problem][3], sampler, '—' if median is None else '%.3g' % median,
                '—' if q is None else '%.3g–%.3g' % (q[0], q[1]), row['runsWithoutFeasiblePoint'],
                row['medianViolations'], 1000 * row['medianSuggestionSeconds'], row['shareOnBounds']), flush=True)
    if args.json:
        json.dump(results, open(args.json, 'w'), indent=1)


if __name__ == '__main__':
    main()
