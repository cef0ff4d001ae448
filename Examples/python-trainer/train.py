#!/usr/bin/env python3
"""A self-contained trainer for `hyperpower run`: a one-hidden-layer network on the UCI
handwritten digits (8×8, shipped with HyperPower as Sources/Demos/Resources/digits.csv), in
numpy only. It prints one JSON line at the end: the validation error and its own measured
inference latency (µs per digit, batch of 1, median of repeated runs).

    python3 train.py --learning-rate 0.05 --hidden 64 --l2 1e-4 --activation relu
"""
import argparse
import json
import os
import sys
import time

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument('--learning-rate', type=float, required=True)
parser.add_argument('--hidden', type=int, required=True)
parser.add_argument('--l2', type=float, default=1e-4)
parser.add_argument('--activation', choices=['relu', 'tanh'], default='relu')
parser.add_argument('--epochs', type=int, default=30)
parser.add_argument('--data', default=os.path.join(os.path.dirname(__file__), '..', '..', 'Sources', 'Demos', 'Resources', 'digits.csv'))
args = parser.parse_args()

data = np.loadtxt(args.data, delimiter=',')
x, y = data[:, :-1] / 16.0, data[:, -1].astype(int)
rng = np.random.default_rng(int(os.environ.get('HYPERPOWER_TRIAL', '0')))
order = np.random.default_rng(0).permutation(len(y))          # the same split for every trial
train, valid = order[:1347], order[1347:]

w1 = rng.normal(0, 1 / np.sqrt(64), (64, args.hidden))
b1 = np.zeros(args.hidden)
w2 = rng.normal(0, 1 / np.sqrt(args.hidden), (args.hidden, 10))
b2 = np.zeros(10)
act = (lambda z: np.maximum(z, 0)) if args.activation == 'relu' else np.tanh
dact = (lambda h: (h > 0).astype(float)) if args.activation == 'relu' else (lambda h: 1 - h * h)


def forward(inputs):
    hidden = act(inputs @ w1 + b1)
    return hidden, hidden @ w2 + b2


for epoch in range(args.epochs):
    for batch in np.array_split(rng.permutation(train), len(train) // 32):
        h, logits = forward(x[batch])
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        p[np.arange(len(batch)), y[batch]] -= 1
        g2 = h.T @ p / len(batch) + args.l2 * w2
        gh = (p @ w2.T) * dact(h)
        g1 = x[batch].T @ gh / len(batch) + args.l2 * w1
        w2 -= args.learning_rate * g2
        b2 -= args.learning_rate * p.mean(0)
        w1 -= args.learning_rate * g1
        b1 -= args.learning_rate * gh.mean(0)
    if not np.all(np.isfinite(w1)):
        print('diverged at epoch %d' % epoch, file=sys.stderr)
        sys.exit(1)

error = float(np.mean(forward(x[valid])[1].argmax(1) != y[valid]))
times = []
for i in range(200):
    start = time.perf_counter()
    forward(x[valid[i % len(valid)]][None, :])
    times.append(time.perf_counter() - start)
print(json.dumps({'validation_error': error, 'latency_us': 1e6 * float(np.median(times))}))
