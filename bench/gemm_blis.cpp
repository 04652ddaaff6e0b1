// BLIS 0.9 through its typed API (bli_sgemm), which takes row and column strides, so row-major
// storage and the transposes need no translation. libblis also exports cblas_* and sgemm_,
// which would take over OpenBLAS's wherever the linker put it first: it is opened with dlopen
// (RTLD_LOCAL), so its names stay out of the program's, and only its bli_* entry points are
// looked up. blis.h is included for its types only.
#include <blis.h>
#include <dlfcn.h>

#include <stdexcept>
#include <string>

#include "gemm_library.hpp"

namespace bench {
namespace {

struct Blis {
    decltype(&bli_sgemm) sgemm;
    decltype(&bli_thread_set_num_threads) set_threads;
    decltype(&bli_arch_query_id) arch_id;
    decltype(&bli_arch_string) arch_name;
};

template <class F>
F symbol(void* library, const char* name) {
    void* address = dlsym(library, name);
    if (!address) throw std::runtime_error(std::string("BLIS: no symbol ") + name);
    return reinterpret_cast<F>(address);
}

const Blis& blis() {
    static const Blis loaded = [] {
        void* library = dlopen(XGRAD_BLIS_LIBRARY, RTLD_NOW | RTLD_LOCAL);
        if (!library) throw std::runtime_error(std::string("BLIS: ") + dlerror());
        return Blis{
            symbol<decltype(&bli_sgemm)>(library, "bli_sgemm"),
            symbol<decltype(&bli_thread_set_num_threads)>(library, "bli_thread_set_num_threads"),
            symbol<decltype(&bli_arch_query_id)>(library, "bli_arch_query_id"),
            symbol<decltype(&bli_arch_string)>(library, "bli_arch_string")};
    }();
    return loaded;
}

}  // namespace

GemmLibrary blis_gemm() {
    blis().set_threads(1);
    return {"BLIS", std::string("0.9 ") + blis().arch_name(blis().arch_id()),
            [](const GemmShape& s, const float* a, const float* b, float* c) {
                float one = 1.0f, zero = 0.0f;
                // Strides of the stored matrices; BLIS applies the transpose itself.
                const inc_t lda = s.ta ? s.m : s.k, ldb = s.tb ? s.k : s.n;
                blis().sgemm(s.ta ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE,
                             s.tb ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, s.m, s.n, s.k, &one,
                             const_cast<float*>(a), lda, 1, const_cast<float*>(b), ldb, 1, &zero, c,
                             s.n, 1);
            }};
}

}  // namespace bench
