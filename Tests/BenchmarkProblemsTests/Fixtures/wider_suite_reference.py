"""Reference values of the wider benchmark suite (BenchmarkProblems/WiderProblems.swift,
NASProblems.swift), computed independently with numpy/scipy. Run from the repository root:

    python3 Tests/BenchmarkProblemsTests/Fixtures/wider_suite_reference.py

Printed (2026-12-01, numpy 2.4.6, scipy 1.17.1):
  speed reducer f* = 2996.3481649685295 at x6 = 3.350214666096447, x7 = 5.286683229757916
  speed reducer feasible share ~ 0.0018 (100,000 uniform samples, x3 rounded)
  g7 f(x*) = 24.30620906817991, max g(x*) = 5.7e-14; SLSQP from x* does not improve it
  g7 feasible share 0 of 200,000; linear constraints alone 0.210
  ackley10 feasible share 1.9e-05 (1,000,000 samples)
  hartmann6-sum feasible share 0.4995
  nas-fpga (<= 3 ms): 4500 feasible cells, best test accuracy 93.397 at ops 0 3 1 1 1 2
  nas-pixel3 (<= 10 ms): 7207 feasible cells, best test accuracy 93.625 at ops 2 2 3 1 0 2
  nas-raspi4 (<= 25 ms): 7170 feasible cells, best test accuracy 93.51 at ops 1 3 0 2 1 2
"""
import csv
import numpy as np
from scipy.optimize import minimize

rng = np.random.default_rng(0)

def speed_reducer(x):
    x1, x2, x3, x4, x5, x6, x7 = x
    f = (0.7854 * x1 * x2**2 * (3.3333 * x3**2 + 14.9334 * x3 - 43.0934) - 1.508 * x1 * (x6**2 + x7**2)
         + 7.4777 * (x6**3 + x7**3) + 0.7854 * (x4 * x6**2 + x5 * x7**2))
    g = [27 / (x1 * x2**2 * x3) - 1, 397.5 / (x1 * x2**2 * x3**2) - 1, 1.93 * x4**3 / (x2 * x3 * x6**4) - 1,
         1.93 * x5**3 / (x2 * x3 * x7**4) - 1, np.sqrt((745 * x4 / (x2 * x3))**2 + 16.9e6) / (110 * x6**3) - 1,
         np.sqrt((745 * x5 / (x2 * x3))**2 + 157.5e6) / (85 * x7**3) - 1, x2 * x3 / 40 - 1, 5 * x2 / x1 - 1,
         x1 / (12 * x2) - 1, (1.5 * x6 + 1.9) / x4 - 1, (1.1 * x7 + 1.9) / x5 - 1]
    return f, np.array(g)

# At the optimum x1..x5 sit on their bounds / g8, and g5, g6 are active: solve them for x6, x7.
x6 = (np.sqrt((745 * 7.3 / (0.7 * 17))**2 + 16.9e6) / 110)**(1 / 3)
x7 = (np.sqrt((745 * 7.8 / (0.7 * 17))**2 + 157.5e6) / 85)**(1 / 3)
f, g = speed_reducer(np.array([3.5, 0.7, 17, 7.3, 7.8, x6, x7]))
print("speed reducer f* =", repr(f), "at x6 =", repr(x6), "x7 =", repr(x7), "max g =", g.max())
lo = np.array([2.6, 0.7, 17, 7.3, 7.8, 2.9, 5.0]); hi = np.array([3.6, 0.8, 28, 8.3, 8.3, 3.9, 5.5])
X = lo + (hi - lo) * rng.random((100000, 7)); X[:, 2] = np.round(X[:, 2])
print("speed reducer feasible share", np.mean([np.all(speed_reducer(x)[1] <= 0) for x in X]))

def g7(x):
    f = (x[0]**2 + x[1]**2 + x[0] * x[1] - 14 * x[0] - 16 * x[1] + (x[2] - 10)**2 + 4 * (x[3] - 5)**2 + (x[4] - 3)**2
         + 2 * (x[5] - 1)**2 + 5 * x[6]**2 + 7 * (x[7] - 11)**2 + 2 * (x[8] - 10)**2 + (x[9] - 7)**2 + 45)
    g = [-105 + 4 * x[0] + 5 * x[1] - 3 * x[6] + 9 * x[7], 10 * x[0] - 8 * x[1] - 17 * x[6] + 2 * x[7],
         -8 * x[0] + 2 * x[1] + 5 * x[8] - 2 * x[9] - 12, 3 * (x[0] - 2)**2 + 4 * (x[1] - 3)**2 + 2 * x[2]**2 - 7 * x[3] - 120,
         5 * x[0]**2 + 8 * x[1] + (x[2] - 6)**2 - 2 * x[3] - 40, x[0]**2 + 2 * (x[1] - 2)**2 - 2 * x[0] * x[1] + 14 * x[4] - 6 * x[5],
         0.5 * (x[0] - 8)**2 + 2 * (x[1] - 4)**2 + 3 * x[4]**2 - x[5] - 30, -3 * x[0] + 6 * x[1] + 12 * (x[8] - 8)**2 - 7 * x[9]]
    return f, np.array(g)

xs = np.array([2.17199634142692, 2.3636830416034, 8.77392573913157, 5.09598443745173, 0.990654756560493,
               1.43057392853463, 1.32164415364306, 9.82872576524495, 8.2800915887356, 8.3759266477347])
print("g7 f(x*) =", repr(g7(xs)[0]), "max g =", g7(xs)[1].max())
r = minimize(lambda x: g7(x)[0], xs, bounds=[(-10, 10)] * 10, constraints={'type': 'ineq', 'fun': lambda x: -g7(x)[1]},
             method='SLSQP', options={'ftol': 1e-15, 'maxiter': 1000})
print("g7 SLSQP from x*:", repr(r.fun))
X = -10 + 20 * rng.random((200000, 10))
G = np.array([g7(x)[1] for x in X])
print("g7 feasible share", np.mean(np.all(G <= 0, axis=1)), "linear only", np.mean(np.all(G[:, :3] <= 0, axis=1)))
X = -5 + 15 * rng.random((1000000, 10))
print("ackley10 feasible share", np.mean((X.sum(1) <= 0) & (np.linalg.norm(X, axis=1) <= 5)))
print("hartmann6-sum feasible share", np.mean(rng.random((1000000, 6)).sum(1) <= 3))

rows = list(csv.DictReader(open('Sources/HardwareModels/Resources/nb201.csv')))
for device, budget in [('fpga', 3), ('pixel3', 10), ('raspi4', 25)]:
    feasible = [r for r in rows if float(r['lat_%s_ms' % device]) <= budget]
    best = max(feasible, key=lambda r: float(r['cifar10_test_acc']))
    print(device, budget, len(feasible), best['cifar10_test_acc'],
          [best[e] for e in ['e1_0', 'e2_0', 'e2_1', 'e3_0', 'e3_1', 'e3_2']])
