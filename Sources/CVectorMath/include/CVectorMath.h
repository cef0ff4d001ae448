#ifndef HYPERPOWER_CVECTORMATH_H
#define HYPERPOWER_CVECTORMATH_H

#include <stddef.h>

/// Kernel correlations over a buffer of squared scaled distances r², in place.
/// When `derivatives` is not NULL, dκ/d(r²) is written there.
/// On x86-64 CPUs with AVX2 and FMA these use a vectorised exponential (4 lanes); elsewhere
/// the C library's exp.
void hp_matern52(double *values, double *derivatives, size_t count);
void hp_matern32(double *values, double *derivatives, size_t count);
void hp_squared_exponential(double *values, double *derivatives, size_t count);

/// exp(x) elementwise from `input` to `output` (may alias), for tests of the vector path.
void hp_exp(const double *input, double *output, size_t count);

/// Squared distances between the rows of `s` (n x d) and `t` (m x d), both column-major, into
/// `out` (n x m, column-major), each a sum over the d columns in order, without fused
/// multiply-adds (the same bits on either path).
void hp_squared_distances(const double *s, size_t n, const double *t, size_t m, size_t d, double *out);

/// Whether the vectorised path is in use on this CPU.
int hp_vector_math_available(void);

#endif
