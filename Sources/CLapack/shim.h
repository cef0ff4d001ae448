#ifndef HYPERPOWER_CLAPACK_SHIM_H
#define HYPERPOWER_CLAPACK_SHIM_H

// LAPACKE (the C interface to LAPACK) and CBLAS, both served by OpenBLAS on Debian:
// liblapacke-dev provides lapacke.h, libopenblas-dev provides cblas.h (under the
// multiarch include directory that `pkg-config --cflags lapacke` adds).
#include <lapacke.h>
#include <cblas.h>

#endif
