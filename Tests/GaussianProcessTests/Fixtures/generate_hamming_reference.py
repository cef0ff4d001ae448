"""Reference values for HammingKernel (KernelTests): the log marginal likelihood and the
posterior of an exact GP with the categorical (overlap) kernel of BoTorch's CategoricalKernel,

    k(x, x') = σ² exp(−mean_k(δ_k / ℓ_k)),   δ_k = [x_k ≠ x'_k],

fixed hyper-parameters on the standardised scale (targets shifted by their mean and divided by
their unbiased standard deviation), constant mean m:
    log p = −½ (z − m)ᵀ K⁻¹ (z − m) − ½ log|K| − (n/2) log 2π,   K = k(X, X) + σn² I
    mean  = (m + K*ᵀ K⁻¹ (z − m)) · s + shift,   variance = s² (σ² − diag(K*ᵀ K⁻¹ K*))
computed with numpy.linalg.solve and slogdet (no Cholesky), independently of the Swift code.
Run: python3 generate_hamming_reference.py > hamming_reference.json
"""
import json
import numpy as np

# Three categorical columns, codes 0, 1, 2 (column 2 has two categories).
X = np.array([[0, 0, 0], [1, 0, 1], [2, 1, 0], [0, 2, 1], [1, 1, 1], [2, 2, 0], [0, 1, 0], [1, 2, 1]], dtype=float)
y = np.array([1.2, -0.3, 2.1, 0.4, -1.0, 1.7, 0.9, -0.6])
T = np.array([[0, 0, 1], [2, 1, 0], [1, 0, 0], [2, 0, 1]], dtype=float)
lengthscales = np.array([0.5, 1.5, 3.0])
signal, noise, m = 1.3, 0.01, 0.2

def hamming(A, B):
    mismatch = (A[:, None, :] != B[None, :, :]).astype(float)
    return signal * np.exp(-(mismatch / lengthscales).mean(-1))

shift, scale = y.mean(), y.std(ddof=1)
z = (y - shift) / scale
K = hamming(X, X) + noise * np.eye(len(X))
r = z - m
_, logdet = np.linalg.slogdet(K)
log_likelihood = -0.5 * r @ np.linalg.solve(K, r) - 0.5 * logdet - 0.5 * len(X) * np.log(2 * np.pi)
Ks = hamming(X, T)
mean = (m + Ks.T @ np.linalg.solve(K, r)) * scale + shift
variance = scale ** 2 * (signal - np.einsum("ij,ij->j", Ks, np.linalg.solve(K, Ks)))
print(json.dumps({
    "inputs": X.tolist(), "targets": y.tolist(), "points": T.tolist(),
    "lengthscales": lengthscales.tolist(), "signalVariance": signal, "noiseVariance": noise, "mean": m,
    "logMarginalLikelihood": log_likelihood, "posteriorMean": mean.tolist(), "posteriorVariance": variance.tolist(),
}, indent=1))
