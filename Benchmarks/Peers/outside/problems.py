"""Problems outside `Sources/BenchmarkProblems`, for checking defaults on classes the suite was
not tuned on (see outside_suite.py). Each: bounds, budget, optimum (None when not known in closed
form), a function of the coordinates returning (value, {constraint: value}), and the observed
constraints as (name, upper bound)."""
import math


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def levy(x):
    w = [1 + (v - 1) / 4 for v in x]
    total = math.sin(math.pi * w[0]) ** 2
    for i in range(len(x) - 1):
        total += (w[i] - 1) ** 2 * (1 + 10 * math.sin(math.pi * w[i] + 1) ** 2)
    return total + (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)


def styblinski_tang(x):
    return sum(v ** 4 - 16 * v ** 2 + 5 * v for v in x) / 2


def michalewicz(x, m=10):
    return -sum(math.sin(v) * math.sin((i + 1) * v * v / math.pi) ** (2 * m) for i, v in enumerate(x))


PROBLEMS = {
    # Rosenbrock's valley, unconstrained, 4-D (f* = 0 at 1).
    "rosenbrock4": ([(-5, 10)] * 4, 60, 0.0, lambda x: (rosenbrock(x), {}), []),
    # Levy, 6-D, many local minima on a bowl (f* = 0 at 1).
    "levy6": ([(-10, 10)] * 6, 60, 0.0, lambda x: (levy(x), {}), []),
    # Styblinski–Tang, 8-D (f* = −39.16617·8).
    "styblinski8": ([(-5, 5)] * 8, 80, -39.16616570377142 * 8, lambda x: (styblinski_tang(x), {}), []),
    # Michalewicz, 5-D, steep narrow ridges (f* = −4.687658).
    "michalewicz5": ([(0, math.pi)] * 5, 60, -4.687658, lambda x: (michalewicz(x), {}), []),
    # Rosenbrock 2-D with its optimum (1, 1) on an observed disk x² + y² ≤ 2 (f* = 0).
    "rosenbrock-disk": ([(-1.5, 1.5)] * 2, 40, 0.0, lambda x: (rosenbrock(x), {"disk": x[0] ** 2 + x[1] ** 2}), [("disk", 2.0)]),
    # Levy-6 with an observed half-space Σx ≤ −10 that cuts off its optimum.
    "levy6-sum": ([(-10, 10)] * 6, 60, None, lambda x: (levy(x), {"sum": sum(x)}), [("sum", -10.0)]),
}
