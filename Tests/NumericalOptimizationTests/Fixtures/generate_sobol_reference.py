"""Unscrambled Sobol points from SciPy, the reference for SobolSequenceTests.

Run from the repository root: python3 Tests/NumericalOptimizationTests/Fixtures/generate_sobol_reference.py
"""
import json
import os

from scipy.stats import qmc

points = qmc.Sobol(d=70, scramble=False).random(256)
with open(os.path.join(os.path.dirname(__file__), "sobol_reference.json"), "w") as f:
    json.dump({"dimension": 70, "points": points.tolist()}, f)
