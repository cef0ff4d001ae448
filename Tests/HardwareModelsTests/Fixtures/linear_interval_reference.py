"""Reference predictive standard deviations for LinearCostModel.predictiveDistribution
(LinearCostModelIntervalTests, in GaussianProcessCostModelTests.swift).

OLS with an intercept: s^2 = RSS / (n - p - 1), sd(x0) = s * sqrt(1 + x0' (X'X)^-1 x0) with X
including the intercept column. The one-hot case is rank deficient; its reference drops one
level per factor (a full-rank reparameterisation of the same model), so it checks that the
library's pseudo-inverse gives the parameterisation-free answer. numpy only.
"""
import numpy as np

# Full rank: y = 1 + 2a - b + 0.5c + noise, 12 samples.
A = np.array([[0.1, 0.5, 1.0], [0.4, 0.2, 0.0], [0.9, 0.7, 2.0], [0.3, 0.9, 1.5], [0.6, 0.1, 0.5], [0.8, 0.4, 1.0],
              [0.2, 0.6, 2.5], [0.7, 0.8, 0.2], [0.5, 0.3, 1.8], [0.05, 0.95, 0.7], [0.95, 0.05, 2.2], [0.45, 0.55, 1.1]])
noise = np.array([0.03, -0.02, 0.05, -0.04, 0.01, 0.02, -0.03, 0.04, -0.01, 0.02, -0.05, 0.0])
y = 1 + 2 * A[:, 0] - A[:, 1] + 0.5 * A[:, 2] + noise
X = np.hstack([np.ones((12, 1)), A])
beta = np.linalg.lstsq(X, y, rcond=None)[0]
s2 = np.sum((y - X @ beta) ** 2) / (12 - 4)
for x0 in ([0.5, 0.5, 1.0], [2.0, -1.0, 4.0]):
    v = np.array([1.0] + x0)
    print('full rank', x0, 'mean', repr(float(v @ beta)), 'sd', repr(float(np.sqrt(s2 * (1 + v @ np.linalg.solve(X.T @ X, v))))))

# One-hot: two factors with 3 levels each, 10 samples, log target.
levels = [(0, 0), (0, 1), (1, 2), (2, 0), (1, 1), (2, 2), (0, 2), (1, 0), (2, 1), (0, 0)]
t = np.array([1.0, 1.5, 2.6, 2.1, 2.0, 3.3, 1.9, 1.6, 2.8, 1.1])
Xr = np.array([[1, f == 1, f == 2, g == 1, g == 2] for f, g in levels], dtype=float)
beta = np.linalg.lstsq(Xr, np.log(t), rcond=None)[0]
s2 = np.sum((np.log(t) - Xr @ beta) ** 2) / (10 - 5)
for f, g in [(1, 2), (2, 2)]:
    v = np.array([1, f == 1, f == 2, g == 1, g == 2], dtype=float)
    print('one-hot', (f, g), 'log mean', repr(float(v @ beta)), 'sd', repr(float(np.sqrt(s2 * (1 + v @ np.linalg.solve(Xr.T @ Xr, v))))))
