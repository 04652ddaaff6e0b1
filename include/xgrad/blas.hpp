#pragma once
/// \file blas.hpp
/// Which BLAS kernel and how many threads xgrad's matrix products run on, and how to change the
/// thread count. OpenBLAS picks its kernel when the process starts, from the CPU or from the
/// environment variable OPENBLAS_CORETYPE (which must be set before the program starts). When
/// it falls back to a kernel older than the CPU (e.g. "Prescott" or "generic" on a CPU with
/// AVX-512), matrix products run 3-5x slower; xgrad then warns once on stderr, at the first
/// matrix product, and names the OPENBLAS_CORETYPE value to set.

#include <string>

namespace xgrad {

/// What blas_info() reports.
struct BlasInfo {
    /// "OpenBLAS 0.3.21" (from openblas_get_config()), or "xgrad portable gemm" in a build with
    /// XGRAD_BLAS=portable (then kernel is "portable" and threads 1).
    std::string library;
    /// The kernel OpenBLAS runs, as openblas_get_corename() names it ("Haswell", "SkylakeX",
    /// "Prescott", ...).
    std::string kernel;
    /// Threads OpenBLAS uses for one matrix product.
    int threads = 1;
    /// The best kernel family the CPU supports: "AVX-512", "AVX2" or "" (neither).
    std::string cpu_simd;
    /// The kernel predates the CPU's SIMD (no AVX2 kernel on an AVX2 or AVX-512 CPU).
    bool fallback = false;
    /// When `fallback`: the OPENBLAS_CORETYPE value that fixes it ("SkylakeX" or "Haswell").
    std::string suggested_coretype;
};

/// The BLAS kernel and thread count in use.
BlasInfo blas_info();

/// Sets the number of threads of OpenBLAS's own pool (not OpenMP), for BLAS calls made outside
/// xgrad; xgrad's own products call OpenBLAS on one thread and split on its workers instead
/// (parallel.hpp).
/// ValueError unless threads >= 1.
void set_blas_threads(int threads);

}  // namespace xgrad
