"""Reference Lasso solutions for HardwareModelsTests, from scikit-learn (an independent
implementation of the same objective (1/2n)||y - Xb||^2 + alpha ||b||_1).

X is standardised (population std) and y centred here, and passed with fit_intercept=False,
exactly as the Swift code prepares its inputs. Run from the repository root:
    python3 Tests/HardwareModelsTests/Fixtures/generate_lasso_reference.py
(written with scikit-learn 1.9.1).
"""
import json
import os

import numpy as np
from sklearn.linear_model import Lasso

rng = np.random.default_rng(7)
n, p = 40, 8
X = rng.standard_normal((n, p))
X[:, 3] = 0.8 * X[:, 2] + 0.2 * rng.standard_normal(n)  # correlated pair
y = 2 * X[:, 0] - 1.5 * X[:, 2] + 0.5 * X[:, 5] + 0.3 * rng.standard_normal(n)
Xs = (X - X.mean(axis=0)) / X.std(axis=0)
yc = y - y.mean()
alpha_max = np.max(np.abs(Xs.T @ yc)) / n
alphas = [alpha_max * f for f in (0.9, 0.5, 0.1, 0.01, 0.001)]
solutions = []
for a in alphas:
    model = Lasso(alpha=a, fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(Xs, yc)
    solutions.append(model.coef_.tolist())
with open(os.path.join(os.path.dirname(__file__), "lasso_reference.json"), "w") as f:
    json.dump({"columns": Xs.T.tolist(), "targets": yc.tolist(), "alphaMax": alpha_max,
               "alphas": alphas, "coefficients": solutions}, f)
