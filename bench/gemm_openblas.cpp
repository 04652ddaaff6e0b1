// OpenBLAS through cblas (the kernel OPENBLAS_CORETYPE or the CPU chose when the process
// started), and xgrad's own detail::gemm (src/blas.hpp): whatever it routes each shape to.
#include <cblas.h>

#include <string>

#include "blas.hpp"
#include "gemm_library.hpp"

namespace bench {

GemmLibrary openblas_gemm() {
    const std::string config = openblas_get_config();
    return {
        "OpenBLAS",
        config.substr(0, config.find(' ', config.find(' ') + 1)) + " " + openblas_get_corename(),
        [](const GemmShape& s, const float* a, const float* b, float* c) {
            cblas_sgemm(CblasRowMajor, s.ta ? CblasTrans : CblasNoTrans,
                        s.tb ? CblasTrans : CblasNoTrans, s.m, s.n, s.k, 1.0f, a, s.ta ? s.m : s.k,
                        b, s.tb ? s.k : s.n, 0.0f, c, s.n);
        }};
}

GemmLibrary xgrad_gemm() {
    return {"xgrad", "detail::gemm, as the library routes it",
            [](const GemmShape& s, const float* a, const float* b, float* c) {
                xgrad::detail::gemm(s.ta, s.tb, s.m, s.n, s.k, 1.0f, a, s.ta ? s.m : s.k, b,
                                    s.tb ? s.k : s.n, 0.0f, c, s.n);
            }};
}

}  // namespace bench
