"""Reference values for GaussianProcessTests, from scikit-learn (an independent GP
implementation) and a direct numpy/scipy evaluation of the same formulas.

Run from the repository root:  python3 Tests/GaussianProcessTests/Fixtures/generate_gp_reference.py
(needs numpy, scipy, scikit-learn; written with scikit-learn 1.9.1, scipy 1.17.1, numpy 2.4).

The Swift model standardises targets (z = (y - mean) / std, unbiased std) and has a constant
mean m on that scale; scikit-learn has neither, so it is given z - m and its predictions are
mapped back: mean = (mu + m) * std + ybar, variance = var * std**2.
"""
import json
import os

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.spatial.distance import cdist
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, Matern

rng = np.random.default_rng(20261126)
n, d, m_test = 15, 3, 7
X = rng.uniform(size=(n, d))
y = np.sin(6 * X[:, 0]) + X[:, 1] ** 2 - 0.5 * X[:, 2] + 0.05 * rng.standard_normal(n)
y = 100 + 25 * y  # not standardised on purpose
Xs = rng.uniform(size=(m_test, d))
lengthscales = np.array([0.3, 0.7, 1.9])
signal, noise, mean = 1.7, 0.013, 0.2

ybar = y.mean()
std = y.std(ddof=1)
z = (y - ybar) / std

def numpy_lml(kernel_name):
    r = cdist(X / lengthscales, X / lengthscales)
    if kernel_name == "matern52":
        k = (1 + np.sqrt(5) * r + 5 * r**2 / 3) * np.exp(-np.sqrt(5) * r)
    elif kernel_name == "matern32":
        k = (1 + np.sqrt(3) * r) * np.exp(-np.sqrt(3) * r)
    else:
        k = np.exp(-0.5 * r**2)
    K = signal * k + noise * np.eye(n)
    c = cho_factor(K, lower=True)
    res = z - mean
    alpha = cho_solve(c, res)
    return float(-0.5 * res @ alpha - np.sum(np.log(np.diag(c[0]))) - 0.5 * n * np.log(2 * np.pi))

cases = []
for name, base in [
    ("matern52", Matern(length_scale=lengthscales, nu=2.5)),
    ("matern32", Matern(length_scale=lengthscales, nu=1.5)),
    ("squaredExponential", RBF(length_scale=lengthscales)),
]:
    kernel = ConstantKernel(signal) * base
    gpr = GaussianProcessRegressor(kernel=kernel, alpha=noise, optimizer=None, normalize_y=False)
    gpr.fit(X, z - mean)
    mu, sd = gpr.predict(Xs, return_std=True)
    lml, grad = gpr.log_marginal_likelihood(gpr.kernel_.theta, eval_gradient=True)
    # theta = [log signal, log l1, log l2, log l3]
    cases.append({
        "kernel": name,
        "posteriorMean": list((mu + mean) * std + ybar),
        "posteriorVariance": list(sd**2 * std**2),
        "logMarginalLikelihood": float(lml),
        "logMarginalLikelihoodNumpy": numpy_lml(name),
        "gradientLogSignal": float(grad[0]),
        "gradientLogLengthscales": list(map(float, grad[1:])),
    })

out = {
    "inputs": X.tolist(), "targets": y.tolist(), "testPoints": Xs.tolist(),
    "lengthscales": lengthscales.tolist(), "signalVariance": signal, "noiseVariance": noise, "mean": mean,
    "cases": cases,
}
with open(os.path.join(os.path.dirname(__file__), "gp_reference.json"), "w") as f:
    json.dump(out, f, indent=1)
