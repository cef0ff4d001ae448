"""Problems outside `Sources/BenchmarkProblems`, for checking defaults on classes the suite was
not tuned on (see outside_suite.py). Each: bounds, budget, optimum (None when not known in closed
form), a function of the coordinates returning (value, {constraint: value}), and the observed
constraints as (name, upper bound). A bound is (low, high) for a real parameter,
("categorical", n) for one of n unordered choices, whose coordinate is the choice's index, or
("log", low, high), ("integer", low, high), ("powerOfTwo", low, high)."""
import math
import random


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


def rastrigin(x):
    return 10 * len(x) + sum(v * v - 10 * math.cos(2 * math.pi * v) for v in x)


def griewank(x):
    return 1 + sum(v * v for v in x) / 4000 - math.prod(math.cos(v / math.sqrt(i + 1)) for i, v in enumerate(x))


def shekel(x, m=10):
    beta = [1, 2, 2, 4, 4, 6, 3, 7, 5, 5]
    c = [[4, 1, 8, 6, 3, 2, 5, 8, 6, 7], [4, 1, 8, 6, 7, 9, 3, 1, 2, 3.6],
         [4, 1, 8, 6, 3, 2, 5, 8, 6, 7], [4, 1, 8, 6, 7, 9, 3, 1, 2, 3.6]]
    return -sum(1 / (sum((x[j] - c[j][i]) ** 2 for j in range(4)) + beta[i] / 10) for i in range(m))


def dixon_price(x):
    return (x[0] - 1) ** 2 + sum((i + 1) * (2 * x[i] ** 2 - x[i - 1]) ** 2 for i in range(1, len(x)))


def hartmann3(x):
    alpha = [1.0, 1.2, 3.0, 3.2]
    a = [[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]]
    p = [[0.3689, 0.1170, 0.2673], [0.4699, 0.4387, 0.7470], [0.1091, 0.8732, 0.5547], [0.0381, 0.5743, 0.8828]]
    return -sum(alpha[i] * math.exp(-sum(a[i][j] * (x[j] - p[i][j]) ** 2 for j in range(3))) for i in range(4))


def hartmann6(x):
    alpha = [1.0, 1.2, 3.0, 3.2]
    a = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
    p = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
         [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]
    return -sum(alpha[i] * math.exp(-sum(a[i][j] * (x[j] - p[i][j]) ** 2 for j in range(6))) for i in range(4))


def noisy(function, sd):
    """`function` plus Gaussian noise of standard deviation `sd`, drawn from a generator seeded by
    the point (the same configuration gets the same noise in every method's run); the noiseless
    value is reported as the measurement "true", which no method is told to use: the suite judges a
    run by the true value of the configuration it would return, its best observed one."""
    def measured(x):
        value = function(x)
        return value + random.Random(repr([round(v, 12) for v in x])).gauss(0, sd), {"true": value}
    return measured


def with_outliers(function, rate, size):
    """`function` with, at a share `rate` of the points (drawn from a generator seeded by the
    point, as in `noisy`), `size` added: a training run that diverged or was preempted and reports
    a useless loss. The clean value is the measurement "true", what a run is judged by."""
    def measured(x):
        value = function(x)
        hit = random.Random("outlier" + repr([round(v, 12) for v in x])).random() < rate
        return value + (size if hit else 0), {"true": value}
    return measured


def branin(x):
    a, b, c, r, s, t = 1, 5.1 / (4 * math.pi ** 2), 5 / math.pi, 6, 10, 1 / (8 * math.pi)
    return a * (x[1] - b * x[0] ** 2 + c * x[0] - r) ** 2 + s * (1 - t) * math.cos(x[0]) + s


def ackley(x):
    d = len(x)
    return (-20 * math.exp(-0.2 * math.sqrt(sum(v * v for v in x) / d))
            - math.exp(sum(math.cos(2 * math.pi * v) for v in x) / d) + 20 + math.e)


def cocabo_rosenbrock(x):
    """CoCaBO's scaled Rosenbrock (Ru et al. 2020, syntheticFunctions.py): /300."""
    return (100 * (x[1] - x[0] ** 2) ** 2 + (x[0] - 1) ** 2) / 300


def cocabo_six_hump(x):
    """Six-hump camel /10 (min −0.103163 at (0.0898, −0.7126) and its mirror)."""
    return ((4 - 2.1 * x[0] ** 2 + x[0] ** 4 / 3) * x[0] ** 2 + x[0] * x[1] + (-4 + 4 * x[1] ** 2) * x[1] ** 2) / 10


def cocabo_beale(x):
    """Beale /50 (min 0 at (3, 0.5), outside [−2, 2]²)."""
    return ((1.5 - x[0] + x[0] * x[1]) ** 2 + (2.25 - x[0] + x[0] * x[1] ** 2) ** 2
            + (2.625 - x[0] + x[0] * x[1] ** 3) ** 2) / 50


def func2c(v):
    """CoCaBO's Func2C: two categoricals (3 and 5 choices) pick the terms, x ∈ [−1, 1]² (scaled by 2).
    Without the original's 1e-6 uniform noise."""
    h1, h2, x = v[0], v[1], [2 * v[2], 2 * v[3]]
    terms = [cocabo_rosenbrock, cocabo_six_hump, cocabo_beale]
    return terms[h1](x) + terms[min(h2, 2)](x)


def func3c(v):
    """CoCaBO's Func3C: three categoricals (3, 5 and 4 choices), x ∈ [−1, 1]² (scaled by 2)."""
    h3, x = v[2], [2 * v[3], 2 * v[4]]
    third = 5 * cocabo_six_hump(x) if h3 == 0 else 2 * cocabo_rosenbrock(x) if h3 == 1 else h3 * cocabo_beale(x)
    return func2c([v[0], v[1], v[3], v[4]]) + third


def ackley_cc(v):
    """Ackley-cC (CoCaBO, CASMOPOLITAN): five categoricals of 17 choices h, read as h/8 − 1, and five
    reals in [−1, 1]; Ackley of all ten, divided by 3 (f* = 0 at h = 8, x = 0). The choices are
    unordered to the optimisers, so the smooth structure in h is theirs to learn."""
    z = [h * 0.125 - 1 for h in v[:5]] + list(v[5:])
    return ackley(z) / 3


def mlp_surrogate(v):
    """A hyper-parameter search's shape (synthetic, not measured): learning rate (log), batch size
    (a power of two), layers (integer), activation (relu, gelu, tanh), dropout, weight decay (log)
    and optimiser (sgd, adam). The best learning rate depends on the optimiser and grows as √batch;
    tanh wants fewer layers; a learning rate too large for the batch diverges (NaN: a failed run).
    Optimum 0.07: gelu, 4 layers, dropout 0.2, weight decay 1e-4, the optimiser's best rate."""
    lr, batch, layers, activation, dropout, decay, optimiser = v
    if lr * 64 / batch > 0.5:
        return float("nan")
    best = (0.05 if optimiser == 0 else 0.002) * math.sqrt(batch / 64)
    loss = 0.08 + 0.15 * (math.log10(lr) - math.log10(best)) ** 2 + [0.0, -0.01, 0.03][activation]
    loss += 0.02 * (layers - (2 if activation == 2 else 4)) ** 2 / 4
    return loss + 0.3 * (dropout - 0.2) ** 2 + 0.02 * abs(math.log10(decay) + 4)


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
    # Rastrigin, 5-D: a regular grid of local minima on a shallow bowl (f* = 0 at 0).
    "rastrigin5": ([(-5.12, 5.12)] * 5, 60, 0.0, lambda x: (rastrigin(x), {}), []),
    # Griewank, 8-D on [−50, 50]: a wide bowl with small ripples (f* = 0 at 0).
    "griewank8": ([(-50, 50)] * 8, 80, 0.0, lambda x: (griewank(x), {}), []),
    # Shekel-10, 4-D: ten narrow wells of different depths (f* = −10.5364).
    "shekel4": ([(0, 10)] * 4, 60, -10.536443, lambda x: (shekel(x), {}), []),
    # Dixon–Price, 10-D: a curved valley, smooth, ten dimensions (f* = 0).
    "dixonprice10": ([(-10, 10)] * 10, 100, 0.0, lambda x: (dixon_price(x), {}), []),
    # Hartmann-3 with an observed ball around its optimum's far side cut off: ‖x − (0.5,0.5,0.5)‖ ≤ 0.45.
    "hartmann3-ball": ([(0, 1)] * 3, 40, None,
                       lambda x: (hartmann3(x), {"ball": math.sqrt(sum((v - 0.5) ** 2 for v in x))}), [("ball", 0.45)]),
    # Hartmann-6 observed through noise of standard deviation 0.1 (a training run's seed noise; f* = −3.32237).
    "hartmann6-noisy": ([(0, 1)] * 6, 60, -3.32237, noisy(hartmann6, 0.1), []),
    # Hartmann-6 where one evaluation in ten reports +10 (a diverged run; f* = −3.32237, judged by
    # the true value of the configuration with the best observed value).
    "hartmann6-outliers": ([(0, 1)] * 6, 60, -3.32237, with_outliers(hartmann6, 0.1, 10.0), []),
    # Hartmann-6 and Branin without constraints or noise, the classic smooth cases (f* = −3.32237, 0.397887).
    "hartmann6": ([(0, 1)] * 6, 60, -3.32237, lambda x: (hartmann6(x), {}), []),
    "branin": ([(-5, 10), (0, 15)], 30, 0.397887, lambda x: (branin(x), {}), []),
    # Ackley, 20-D on [−5, 10] (TuRBO's domain), unconstrained: high dimension, a rugged funnel (f* = 0).
    "ackley20": ([(-5, 10)] * 20, 100, 0.0, lambda x: (ackley(x), {}), []),
    # Mixed categorical and real spaces (Ru et al. 2020, CoCaBO; Wan et al. 2021, CASMOPOLITAN):
    # ("categorical", n) is a parameter of n unordered choices, its value the choice's index.
    # Func2C's optimum is six-hump camel's minimum (−1.0316285/10) twice, Func3C's seven times.
    "func2c": ([("categorical", 3), ("categorical", 5), (-1, 1), (-1, 1)], 60, -0.2063257,
               lambda x: (func2c(x), {}), []),
    "func3c": ([("categorical", 3), ("categorical", 5), ("categorical", 4), (-1, 1), (-1, 1)], 60, -0.7221399,
               lambda x: (func3c(x), {}), []),
    "ackley-cc": ([("categorical", 17)] * 5 + [(-1, 1)] * 5, 100, 0.0, lambda x: (ackley_cc(x), {}), []),
    # A typed hyper-parameter space ("log", "integer", "powerOfTwo" parameters too) with a region
    # where runs diverge (the command exits 1; Optuna's objective returns NaN).
    "mlp-surrogate": ([("log", 1e-5, 1.0), ("powerOfTwo", 16, 512), ("integer", 1, 8), ("categorical", 3), (0, 0.8),
                       ("log", 1e-6, 1e-2), ("categorical", 2)], 40, 0.07, lambda x: (mlp_surrogate(x), {}), []),
}

# Where the optima above are attained: `python3 problems.py` checks each stated optimum.
OPTIMIZERS = {
    "rosenbrock4": [1.0] * 4, "levy6": [1.0] * 6, "styblinski8": [-2.903534] * 8,
    "michalewicz5": [2.20290552, 1.57079633, 1.28499157, 1.92305847, 1.72046977], "rosenbrock-disk": [1.0, 1.0], "rastrigin5": [0.0] * 5, "griewank8": [0.0] * 8,
    "shekel4": [4.00074687, 3.99950949, 4.00074687, 3.99950948], "dixonprice10": [2 ** (-(2 ** i - 2) / 2 ** i) for i in range(1, 11)],
    "hartmann6": [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573], "branin": [math.pi, 2.275],
    "ackley20": [0.0] * 20,
    "func2c": [1, 1, 0.0898420 / 2, -0.7126564 / 2], "func3c": [1, 1, 0, 0.0898420 / 2, -0.7126564 / 2],
    "ackley-cc": [8] * 5 + [0.0] * 5,
    "mlp-surrogate": [0.002, 64, 4, 1, 0.2, 1e-4, 1],
}

if __name__ == "__main__":
    for name, x in OPTIMIZERS.items():
        value = PROBLEMS[name][3](x)[0]
        assert abs(value - PROBLEMS[name][2]) <= 1e-4 * max(1, abs(PROBLEMS[name][2])), (name, value)
        print(f"{name}: f = {value:.6g} at the stated optimizer (optimum {PROBLEMS[name][2]:.6g})")
