// libxsmm 1.17, two ways. libxsmm_sgemm is its BLAS-like entry: a JIT kernel when M N K is at
// most 64^3 (LIBXSMM_CONFIG_MAX_MNK), the process's BLAS otherwise. The "JIT" candidate asks
// libxsmm_smmdispatch for one kernel of the whole shape whatever its size (no cache blocking),
// to see what the generated code itself gives; shapes it cannot generate (some transposes) run
// nothing and are reported as such.
//
// libxsmm is column-major: row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T,
// i.e. the same call with A and B (and m and n) swapped.
#include <libxsmm.h>

#include <map>
#include <stdexcept>
#include <tuple>

#include "gemm_library.hpp"

namespace bench {

GemmLibrary libxsmm_sgemm_gemm() {
    libxsmm_init();
    return {"libxsmm sgemm", std::string("1.17 ") + libxsmm_get_target_arch(),
            [](const GemmShape& s, const float* a, const float* b, float* c) {
                const char ta = s.tb ? 'T' : 'N', tb = s.ta ? 'T' : 'N';
                const libxsmm_blasint m = s.n, n = s.m, k = s.k;
                const libxsmm_blasint lda = s.tb ? s.k : s.n, ldb = s.ta ? s.m : s.k, ldc = s.n;
                const float one = 1.0f, zero = 0.0f;
                libxsmm_sgemm(&ta, &tb, &m, &n, &k, &one, b, &lda, a, &ldb, &zero, c, &ldc);
            }};
}

GemmLibrary libxsmm_jit_gemm() {
    libxsmm_init();
    return {"libxsmm JIT", std::string("1.17 ") + libxsmm_get_target_arch() + ", one kernel",
            [](const GemmShape& s, const float* a, const float* b, float* c) {
                const int flags =
                    (s.tb ? LIBXSMM_GEMM_FLAG_TRANS_A : 0) | (s.ta ? LIBXSMM_GEMM_FLAG_TRANS_B : 0);
                const libxsmm_blasint lda = s.tb ? s.k : s.n, ldb = s.ta ? s.m : s.k, ldc = s.n;
                const float one = 1.0f, zero = 0.0f;
                const libxsmm_smmfunction kernel = libxsmm_smmdispatch(
                    s.n, s.m, s.k, &lda, &ldb, &ldc, &one, &zero, &flags, nullptr);
                if (!kernel) throw std::runtime_error("no JIT kernel for this shape");
                kernel(b, a, c);
            }};
}

}  // namespace bench
