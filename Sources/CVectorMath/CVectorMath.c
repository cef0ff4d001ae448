// Vectorised kernel correlations for the Gaussian-process layer.
//
// A GP likelihood evaluates n(n+1)/2 kernel values; with the C library's scalar exp that is
// ~4 ns each, as much as a large part of a Cholesky factorisation. This file evaluates them
// four at a time with AVX2 + FMA when the CPU has them (checked once at run time, so the
// library still runs on any x86-64 and on other architectures, where the scalar path is used).
//
// exp: Cody & Waite (1980) range reduction x = k ln2 + r, |r| <= ln2/2, with ln2 split in a
// high part whose trailing bits are zero (k ln2_hi is exact) and a low part; e^r by its Taylor
// polynomial of degree 13 (truncation below 2.7e-19 relative); 2^k assembled in the exponent
// field. k is read from the low mantissa bits of x/ln2 + 1.5*2^52, which rounds it to the
// nearest integer without a float-to-integer conversion. Inputs are clamped to
// [-745.2, 709.78]: results below the smallest subnormal come out as 0 or the smallest
// subnormal, and the kernels only ever pass x <= 0.
#include "CVectorMath.h"

#include <math.h>
#include <stdlib.h>

// Squared distances of test points first..<m (see hp_squared_distances): the plain loop, the
// path without AVX2 and the vector path's last odd point.
static void squared_distances_scalar(const double *s, size_t n, const double *t, size_t m, size_t d, double *out,
                                     size_t first) {
#pragma clang fp contract(off)
    for (size_t j = first; j < m; j++) {
        double *target = out + j * n;
        for (size_t a = 0; a < n; a++) {
            double p = 0;
            for (size_t k = 0; k < d; k++) {
                double e = s[a + k * n] - t[j + k * m];
                p += e * e;
            }
            target[a] = p;
        }
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define HP_HAVE_X86_VECTOR 1

__attribute__((target("avx2,fma")))
static inline __m256d hp_exp4(__m256d x) {
    const __m256d log2e = _mm256_set1_pd(1.4426950408889634);
    const __m256d ln2_hi = _mm256_set1_pd(6.93147180369123816490e-01);
    const __m256d ln2_lo = _mm256_set1_pd(1.90821492927058770002e-10);
    const __m256d shifter = _mm256_set1_pd(6755399441055744.0);  // 1.5 * 2^52
    x = _mm256_max_pd(_mm256_min_pd(x, _mm256_set1_pd(709.78)), _mm256_set1_pd(-745.2));
    __m256d shifted = _mm256_fmadd_pd(x, log2e, shifter);
    __m256d k = _mm256_sub_pd(shifted, shifter);
    __m256d r = _mm256_fnmadd_pd(k, ln2_hi, x);
    r = _mm256_fnmadd_pd(k, ln2_lo, r);
    __m256d p = _mm256_set1_pd(1.0 / 6227020800.0);
    p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 479001600.0));
    p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 39916800.0));
    p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 3628800.0));
    p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 362880.0));
    p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 40320.0));
    p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 5040.0));
    p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 720.0));
    p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 120.0));
    p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 24.0));
    p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 6.0));
    p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(0.5));
    p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0));
    p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0));
    // 2^k in two factors so that k from -1075 to 1024 stays representable.
    __m256i ki = _mm256_sub_epi64(_mm256_castpd_si256(shifted), _mm256_castpd_si256(shifter));
    // k >> 1 on 64-bit lanes (AVX2 has no 64-bit arithmetic shift): |k| < 2^31, so shifting each
    // 32-bit half arithmetically gives the same 64-bit value (the high half is all sign bits).
    __m256i half = _mm256_srai_epi32(ki, 1);
    __m256i rest = _mm256_sub_epi64(ki, half);
    __m256i bias = _mm256_set1_epi64x(1023);
    __m256d scale_a = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(half, bias), 52));
    __m256d scale_b = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(rest, bias), 52));
    return _mm256_mul_pd(_mm256_mul_pd(p, scale_a), scale_b);
}

__attribute__((target("avx2,fma")))
static void matern52_avx2(double *values, double *derivatives, size_t count) {
    const __m256d sqrt5 = _mm256_set1_pd(2.23606797749978969641);
    const __m256d five_thirds = _mm256_set1_pd(5.0 / 3.0);
    const __m256d minus_five_sixths = _mm256_set1_pd(-5.0 / 6.0);
    const __m256d one = _mm256_set1_pd(1.0);
    const __m256d zero = _mm256_setzero_pd();
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        __m256d r2 = _mm256_loadu_pd(values + i);
        __m256d sr = _mm256_mul_pd(sqrt5, _mm256_sqrt_pd(r2));
        __m256d e = hp_exp4(_mm256_sub_pd(zero, sr));
        __m256d poly = _mm256_fmadd_pd(five_thirds, r2, _mm256_add_pd(one, sr));
        _mm256_storeu_pd(values + i, _mm256_mul_pd(poly, e));
        if (derivatives) {
            _mm256_storeu_pd(derivatives + i, _mm256_mul_pd(minus_five_sixths, _mm256_mul_pd(_mm256_add_pd(one, sr), e)));
        }
    }
    for (; i < count; i++) {
        double r2 = values[i];
        double sr = 2.23606797749978969641 * sqrt(r2);
        double e = exp(-sr);
        values[i] = (1 + sr + (5.0 / 3.0) * r2) * e;
        if (derivatives) derivatives[i] = -(5.0 / 6.0) * (1 + sr) * e;
    }
}

__attribute__((target("avx2,fma")))
static void matern32_avx2(double *values, double *derivatives, size_t count) {
    const __m256d sqrt3 = _mm256_set1_pd(1.73205080756887729353);
    const __m256d one = _mm256_set1_pd(1.0);
    const __m256d minus_three_halves = _mm256_set1_pd(-1.5);
    const __m256d zero = _mm256_setzero_pd();
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        __m256d sr = _mm256_mul_pd(sqrt3, _mm256_sqrt_pd(_mm256_loadu_pd(values + i)));
        __m256d e = hp_exp4(_mm256_sub_pd(zero, sr));
        _mm256_storeu_pd(values + i, _mm256_mul_pd(_mm256_add_pd(one, sr), e));
        if (derivatives) _mm256_storeu_pd(derivatives + i, _mm256_mul_pd(minus_three_halves, e));
    }
    for (; i < count; i++) {
        double sr = 1.73205080756887729353 * sqrt(values[i]);
        double e = exp(-sr);
        values[i] = (1 + sr) * e;
        if (derivatives) derivatives[i] = -1.5 * e;
    }
}

__attribute__((target("avx2,fma")))
static void squared_exponential_avx2(double *values, double *derivatives, size_t count) {
    const __m256d minus_half = _mm256_set1_pd(-0.5);
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        __m256d k = hp_exp4(_mm256_mul_pd(minus_half, _mm256_loadu_pd(values + i)));
        _mm256_storeu_pd(values + i, k);
        if (derivatives) _mm256_storeu_pd(derivatives + i, _mm256_mul_pd(minus_half, k));
    }
    for (; i < count; i++) {
        double k = exp(-0.5 * values[i]);
        values[i] = k;
        if (derivatives) derivatives[i] = -0.5 * k;
    }
}

__attribute__((target("avx2,fma")))
static void exp_avx2(const double *input, double *output, size_t count) {
    size_t i = 0;
    for (; i + 4 <= count; i += 4) _mm256_storeu_pd(output + i, hp_exp4(_mm256_loadu_pd(input + i)));
    for (; i < count; i++) {
        double lanes[4] = {input[i], 0, 0, 0};
        double result[4];
        _mm256_storeu_pd(result, hp_exp4(_mm256_loadu_pd(lanes)));
        output[i] = result[0];
    }
}

// Squared distances between the rows of s (n x d) and of t (m x d), both column-major, into
// out (n x m, column-major): out[a + j n] = sum_k (s[a + k n] - t[j + k m])^2, summed over k in
// order with a separate multiply and add (no fused multiply-add), exactly as the scalar loop,
// so that both paths give the same bits. Eight rows of s against two points of t per pass
// keep the sums in registers: each column of s is loaded once for both points, and nothing
// is stored until the d terms are summed.
__attribute__((target("avx2,fma")))
static void squared_distances_avx2(const double *s, size_t n, const double *t, size_t m, size_t d, double *out,
                                   double *tj0, double *tj1) {
#pragma clang fp contract(off)
    size_t j = 0;
    for (; j + 2 <= m; j += 2) {
        for (size_t k = 0; k < d; k++) { tj0[k] = t[j + k * m]; tj1[k] = t[j + 1 + k * m]; }
        double *out0 = out + j * n;
        double *out1 = out + (j + 1) * n;
        size_t a = 0;
        for (; a + 8 <= n; a += 8) {
            __m256d p0 = _mm256_setzero_pd(), p1 = _mm256_setzero_pd();
            __m256d q0 = _mm256_setzero_pd(), q1 = _mm256_setzero_pd();
            for (size_t k = 0; k < d; k++) {
                const double *column = s + a + k * n;
                __m256d x0 = _mm256_loadu_pd(column);
                __m256d x1 = _mm256_loadu_pd(column + 4);
                __m256d u = _mm256_set1_pd(tj0[k]);
                __m256d v = _mm256_set1_pd(tj1[k]);
                __m256d e0 = _mm256_sub_pd(x0, u), e1 = _mm256_sub_pd(x1, u);
                __m256d f0 = _mm256_sub_pd(x0, v), f1 = _mm256_sub_pd(x1, v);
                p0 = _mm256_add_pd(p0, _mm256_mul_pd(e0, e0));
                p1 = _mm256_add_pd(p1, _mm256_mul_pd(e1, e1));
                q0 = _mm256_add_pd(q0, _mm256_mul_pd(f0, f0));
                q1 = _mm256_add_pd(q1, _mm256_mul_pd(f1, f1));
            }
            _mm256_storeu_pd(out0 + a, p0);
            _mm256_storeu_pd(out0 + a + 4, p1);
            _mm256_storeu_pd(out1 + a, q0);
            _mm256_storeu_pd(out1 + a + 4, q1);
        }
        for (; a < n; a++) {
            double p = 0, q = 0;
            for (size_t k = 0; k < d; k++) {
                double x = s[a + k * n];
                double e = x - tj0[k], f = x - tj1[k];
                p += e * e;
                q += f * f;
            }
            out0[a] = p;
            out1[a] = q;
        }
    }
    squared_distances_scalar(s, n, t, m, d, out, j);
}

static int vector_path(void) {
    // 0: unknown, 1: available, 2: unavailable. A benign race: every thread computes the same.
    static int state = 0;
    int current = __atomic_load_n(&state, __ATOMIC_RELAXED);
    if (current == 0) {
        __builtin_cpu_init();
        current = (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 1 : 2;
        __atomic_store_n(&state, current, __ATOMIC_RELAXED);
    }
    return current == 1;
}
#else
static int vector_path(void) { return 0; }
#endif

int hp_vector_math_available(void) { return vector_path(); }

void hp_matern52(double *values, double *derivatives, size_t count) {
#ifdef HP_HAVE_X86_VECTOR
    if (vector_path()) { matern52_avx2(values, derivatives, count); return; }
#endif
    for (size_t i = 0; i < count; i++) {
        double r2 = values[i];
        double sr = 2.23606797749978969641 * sqrt(r2);
        double e = exp(-sr);
        values[i] = (1 + sr + (5.0 / 3.0) * r2) * e;
        if (derivatives) derivatives[i] = -(5.0 / 6.0) * (1 + sr) * e;
    }
}

void hp_matern32(double *values, double *derivatives, size_t count) {
#ifdef HP_HAVE_X86_VECTOR
    if (vector_path()) { matern32_avx2(values, derivatives, count); return; }
#endif
    for (size_t i = 0; i < count; i++) {
        double sr = 1.73205080756887729353 * sqrt(values[i]);
        double e = exp(-sr);
        values[i] = (1 + sr) * e;
        if (derivatives) derivatives[i] = -1.5 * e;
    }
}

void hp_squared_exponential(double *values, double *derivatives, size_t count) {
#ifdef HP_HAVE_X86_VECTOR
    if (vector_path()) { squared_exponential_avx2(values, derivatives, count); return; }
#endif
    for (size_t i = 0; i < count; i++) {
        double k = exp(-0.5 * values[i]);
        values[i] = k;
        if (derivatives) derivatives[i] = -0.5 * k;
    }
}

void hp_exp(const double *input, double *output, size_t count) {
#ifdef HP_HAVE_X86_VECTOR
    if (vector_path()) { exp_avx2(input, output, count); return; }
#endif
    for (size_t i = 0; i < count; i++) output[i] = exp(input[i]);
}

void hp_squared_distances(const double *s, size_t n, const double *t, size_t m, size_t d, double *out) {
#pragma clang fp contract(off)
#ifdef HP_HAVE_X86_VECTOR
    if (vector_path() && d > 0) {
        double stack[2 * 64];
        double *buffer = d <= 64 ? stack : (double *)malloc(2 * d * sizeof(double));
        if (buffer) {
            squared_distances_avx2(s, n, t, m, d, out, buffer, buffer + d);
            if (buffer != stack) free(buffer);
            return;
        }
    }
#endif
    squared_distances_scalar(s, n, t, m, d, out, 0);
}
