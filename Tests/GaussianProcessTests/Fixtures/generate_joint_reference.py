"""Reference joint posterior for GaussianProcess.jointPosterior (JointPosteriorTests).

Exact GP, Matérn-5/2 ARD, fixed hyper-parameters on the standardised scale (targets shifted by
their mean and divided by their unbiased standard deviation), constant mean m:
    mean = (m + K*ᵀ (K + σn² I)⁻¹ (z − m)) · s + shift
    cov  = s² (K** − K*ᵀ (K + σn² I)⁻¹ K*)
computed with numpy.linalg.solve (no Cholesky), independently of the Swift code.
Run: python3 generate_joint_reference.py > joint_reference.json
"""
import json
import numpy as np

X = np.array([[0.1, 0.2], [0.4, 0.9], [0.8, 0.3], [0.55, 0.5], [0.95, 0.85]])
y = np.array([0.3, -1.2, 2.5, 0.7, -0.4])
T = np.array([[0.2, 0.25], [0.5, 0.55], [0.52, 0.5], [0.9, 0.1]])
lengthscales = np.array([0.3, 0.6])
signal, noise, m = 1.7, 1e-3, 0.2

def matern52(A, B):
    d = (A[:, None, :] - B[None, :, :]) / lengthscales
    r = np.sqrt((d ** 2).sum(-1))
    return signal * (1 + np.sqrt(5) * r + 5 * r ** 2 / 3) * np.exp(-np.sqrt(5) * r)

shift, scale = y.mean(), y.std(ddof=1)
z = (y - shift) / scale
K = matern52(X, X) + noise * np.eye(len(X))
Ks = matern52(X, T)
Kss = matern52(T, T)
mean = (m + Ks.T @ np.linalg.solve(K, z - m)) * scale + shift
cov = scale ** 2 * (Kss - Ks.T @ np.linalg.solve(K, Ks))
print(json.dumps({
    "inputs": X.tolist(), "targets": y.tolist(), "points": T.tolist(),
    "lengthscales": lengthscales.tolist(), "signalVariance": signal, "noiseVariance": noise, "mean": m,
    "posteriorMean": mean.tolist(), "posteriorCovariance": cov.tolist(),
}, indent=1))
