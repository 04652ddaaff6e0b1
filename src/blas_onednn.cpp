// oneDNN's sgemm on one thread. Debian's oneDNN runs on OpenMP and sizes its parallel regions by
// the calling thread's omp_get_max_threads(), the number of cores unless set: a product would
// start a second pool of spinning threads next to OpenBLAS's, the fight docs/performance.md
// warns of. The calling thread's OpenMP thread count (a per-thread setting) is set to 1 around
// the call and restored, so oneDNN runs inline and no OpenMP thread is ever started. The two
// OpenMP functions are looked up in the process (libdnnl brought its OpenMP runtime in), so
// xgrad itself does not link one.
#include "blas_onednn.hpp"

#include <dlfcn.h>
#include <oneapi/dnnl/dnnl.h>

namespace xgrad::detail {
namespace {

struct OpenMpThreads {
    int (*get)() = nullptr;
    void (*set)(int) = nullptr;
    OpenMpThreads() {
        get = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "omp_get_max_threads"));
        set = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
        if (!get || !set) get = nullptr, set = nullptr;
    }
};

/// Sets the calling thread's OpenMP thread count to 1 for its lifetime.
class OneThread {
public:
    OneThread() {
        static const OpenMpThreads omp;
        if (omp.get && (saved_ = omp.get()) != 1) {
            set_ = omp.set;
            set_(1);
        }
    }
    ~OneThread() {
        if (set_) set_(saved_);
    }
    OneThread(const OneThread&) = delete;
    OneThread& operator=(const OneThread&) = delete;

private:
    void (*set_)(int) = nullptr;
    int saved_ = 1;
};

}  // namespace

bool onednn_sgemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
                  float alpha, const float* a, std::size_t lda, const float* b, std::size_t ldb,
                  float beta, float* c, std::size_t ldc) {
    const OneThread one_thread;
    return dnnl_sgemm(transpose_a ? 'T' : 'N', transpose_b ? 'T' : 'N', dnnl_dim_t(m),
                      dnnl_dim_t(n), dnnl_dim_t(k), alpha, a, dnnl_dim_t(lda), b, dnnl_dim_t(ldb),
                      beta, c, dnnl_dim_t(ldc)) == dnnl_success;
}

}  // namespace xgrad::detail
