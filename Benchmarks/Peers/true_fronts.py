#!/usr/bin/env python3
"""The true fronts of the two constrained multi-objective benchmark problems (issue #14),
computed here, independently of the library, by dense grids (numpy).

Constrained Branin-Currin (Daulton et al. 2020; the disk constraint of Gelbart et al. 2014):
x in [0,1]^2, minimise f1 = Branin(15 x1 - 5, 15 x2) and f2 = Currin(x), subject to
50 - (15 x1 - 5 - 2.5)^2 - (15 x2 - 7.5)^2 >= 0; reference point (80, 12).

C2-DTLZ2 (Deb & Jain 2014), two objectives, radius r = 0.2: minimise
f1 = (1 + g) cos(pi x1 / 2), f2 = (1 + g) sin(pi x1 / 2), g = sum_{i>=2} (x_i - 0.5)^2,
subject to min(min_i [(f_i - 1)^2 + f_j^2 - r^2], sum_i (f_i - 1/sqrt 2)^2 - 2 r^2) <= 0;
reference point (1.1, 1.1). The objectives depend on x1 and g only, so the grid is over (x1, g).

Prints the hypervolume of each true front and writes its nondominated points (a thinned
copy) for the tests: python3 Benchmarks/Peers/true_fronts.py
"""
import math
import numpy as np


def nondominated(points):
    order = np.lexsort((points[:, 1], points[:, 0]))
    points = points[order]
    keep, best = [], math.inf
    for p in points:
        if p[1] < best:
            keep.append(p)
            best = p[1]
    return np.array(keep)


def hypervolume(front, reference):
    front = front[(front[:, 0] < reference[0]) & (front[:, 1] < reference[1])]
    volume, previous = 0.0, reference[1]
    for f1, f2 in front:  # sorted by f1 ascending, f2 descending
        volume += (reference[0] - f1) * (previous - f2)
        previous = f2
    return volume


def branin_currin(n=3000):
    x1, x2 = np.meshgrid(np.linspace(0, 1, n), np.linspace(0, 1, n))
    x1, x2 = x1.ravel(), x2.ravel()
    u, v = 15 * x1 - 5, 15 * x2
    f1 = (v - 5.1 / (4 * math.pi ** 2) * u ** 2 + 5 / math.pi * u - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * np.cos(u) + 10
    with np.errstate(divide="ignore"):
        factor = 1 - np.exp(-1 / (2 * x2))  # 1 at x2 = 0
    f2 = factor * (2300 * x1 ** 3 + 1900 * x1 ** 2 + 2092 * x1 + 60) / (100 * x1 ** 3 + 500 * x1 ** 2 + 4 * x1 + 20)
    feasible = 50 - (u - 2.5) ** 2 - (v - 7.5) ** 2 >= 0
    return nondominated(np.stack([f1[feasible], f2[feasible]], axis=1)), (80.0, 12.0)


def c2dtlz2(n=4000, r=0.2):
    x1, g = np.meshgrid(np.linspace(0, 1, n), np.linspace(0, 0.6, n // 2))
    x1, g = x1.ravel(), g.ravel()
    f1, f2 = (1 + g) * np.cos(math.pi * x1 / 2), (1 + g) * np.sin(math.pi * x1 / 2)
    first = np.minimum((f1 - 1) ** 2 + f2 ** 2 - r ** 2, (f2 - 1) ** 2 + f1 ** 2 - r ** 2)
    second = (f1 - 1 / math.sqrt(2)) ** 2 + (f2 - 1 / math.sqrt(2)) ** 2 - 2 * r ** 2
    feasible = np.minimum(first, second) <= 0
    return nondominated(np.stack([f1[feasible], f2[feasible]], axis=1)), (1.1, 1.1)


if __name__ == "__main__":
    # Two grid sizes: a grid's front is inside the true one, so its hypervolume converges from below.
    for name, problem, sizes in [("branin-currin", branin_currin, (2000, 4000)), ("c2-dtlz2", c2dtlz2, (2000, 4000))]:
        for n in sizes:
            front, reference = problem(n)
            print(f"{name}, grid {n}: {len(front)} nondominated points, hypervolume {hypervolume(front, reference):.6f} up to {reference}")
