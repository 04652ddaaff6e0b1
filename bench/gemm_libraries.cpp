// The candidates built in: bench/CMakeLists.txt defines XGRAD_GEMM_<LIBRARY> for each optional
// library it found and compiles its file.
#include "gemm_library.hpp"

namespace bench {

std::vector<GemmLibrary> gemm_libraries() {
    std::vector<GemmLibrary> libraries{openblas_gemm(), xgrad_gemm()};
#ifdef XGRAD_GEMM_BLIS
    libraries.push_back(blis_gemm());
#endif
#ifdef XGRAD_GEMM_LIBXSMM
    libraries.push_back(libxsmm_sgemm_gemm());
    libraries.push_back(libxsmm_jit_gemm());
#endif
#ifdef XGRAD_GEMM_ONEDNN
    libraries.push_back(onednn_sgemm_gemm());
    libraries.push_back(onednn_matmul_gemm());
#endif
    return libraries;
}

}  // namespace bench
