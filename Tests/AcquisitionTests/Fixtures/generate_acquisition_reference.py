"""Reference values for AcquisitionTests, from mpmath at 60 significant digits: erfcx(x),
log Φ(z) and log h(z) = log(φ(z) + zΦ(z)). SciPy's erfcx and log_ndtr are printed beside them
for comparison (they agree to ~6e-14 and ~4e-13 relative; mpmath is the reference).

Run from the repository root:
    python3 Tests/AcquisitionTests/Fixtures/generate_acquisition_reference.py
(written with scipy 1.17.1, mpmath 1.3.0).
"""
import json
import os

import mpmath
import numpy as np
from scipy.special import erfcx, log_ndtr

mpmath.mp.dps = 60

def log_h(z):
    z = mpmath.mpf(z)
    phi = mpmath.exp(-z * z / 2) / mpmath.sqrt(2 * mpmath.pi)
    cdf = mpmath.ncdf(z)
    return float(mpmath.log(phi + z * cdf))

xs = sorted(set([float(v) for v in np.concatenate([
    -np.logspace(-3, 1.4, 25), [0.0], np.logspace(-3, 3, 40), [25.9, 26.0, 26.1, 30.0, 707.1]])]))
zs = sorted(set([float(v) for v in np.concatenate([
    -np.logspace(-2, 3, 60), [0.0, -1.0, -1.0000001, -0.9999999], np.logspace(-2, 1.5, 20)])]))

def mp_erfcx(x):
    x = mpmath.mpf(x)
    return float(mpmath.exp(x * x) * mpmath.erfc(x))

def mp_log_ndtr(z):
    z = mpmath.mpf(z)
    # For z > 0, Φ(z) = 1 − Φ(−z) is 1 to more digits than the working precision holds.
    return float(mpmath.log1p(-mpmath.ncdf(-z)) if z > 0 else mpmath.log(mpmath.ncdf(z)))

worst_erfcx = max(abs(erfcx(x) - mp_erfcx(x)) / abs(mp_erfcx(x)) for x in xs)
worst_log_ndtr = max(abs(log_ndtr(z) - mp_log_ndtr(z)) / max(abs(mp_log_ndtr(z)), 1e-300) for z in zs)
print("SciPy vs mpmath, worst relative difference: erfcx %.1e, log_ndtr %.1e" % (worst_erfcx, worst_log_ndtr))

out = {
    "erfcx": [[x, mp_erfcx(x)] for x in xs],
    "logNormalCDF": [[z, mp_log_ndtr(z)] for z in zs],
    "logH": [[z, log_h(z)] for z in zs],
}
with open(os.path.join(os.path.dirname(__file__), "acquisition_reference.json"), "w") as f:
    json.dump(out, f, indent=0)
