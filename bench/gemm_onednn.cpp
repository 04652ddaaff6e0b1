// oneDNN 2.6, two ways: dnnl_sgemm (row-major, BLAS-like, its own JIT gemm) and the matmul
// primitive, created once per shape and kept (as a library would cache it), the transposes
// expressed as strides of the memory descriptors. Both run on oneDNN's OpenMP threads, set to
// one by bench/gemm_main.cpp.
#include <cstdio>
#include <dnnl.hpp>
#include <map>
#include <memory>
#include <tuple>

#include "gemm_library.hpp"

namespace bench {

GemmLibrary onednn_sgemm_gemm() {
    const dnnl_version_t* v = dnnl_version();
    char isa[16];
    std::snprintf(isa, sizeof isa, "%#x", static_cast<unsigned>(dnnl_get_effective_cpu_isa()));
    return {"oneDNN sgemm",
            std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                std::to_string(v->patch) + ", cpu isa " + isa,
            [](const GemmShape& s, const float* a, const float* b, float* c) {
                dnnl_sgemm(s.ta ? 'T' : 'N', s.tb ? 'T' : 'N', s.m, s.n, s.k, 1.0f, a,
                           s.ta ? s.m : s.k, b, s.tb ? s.k : s.n, 0.0f, c, s.n);
            }};
}

namespace {

struct Matmul {
    dnnl::matmul primitive;
    dnnl::memory::desc a, b, c;
};

}  // namespace

GemmLibrary onednn_matmul_gemm() {
    auto engine = std::make_shared<dnnl::engine>(dnnl::engine::kind::cpu, 0);
    auto stream = std::make_shared<dnnl::stream>(*engine);
    auto cache = std::make_shared<std::map<std::tuple<bool, bool, int, int, int>, Matmul>>();
    return {"oneDNN matmul", "primitive per shape, cached",
            [=](const GemmShape& s, const float* a, const float* b, float* c) {
                using dims = dnnl::memory::dims;
                const auto key = std::make_tuple(s.ta, s.tb, s.m, s.n, s.k);
                auto found = cache->find(key);
                if (found == cache->end()) {
                    const auto f32 = dnnl::memory::data_type::f32;
                    // A stored transposed is an m x k matrix with strides (1, m).
                    dnnl::memory::desc ad(dims{s.m, s.k}, f32, s.ta ? dims{1, s.m} : dims{s.k, 1});
                    dnnl::memory::desc bd(dims{s.k, s.n}, f32, s.tb ? dims{1, s.k} : dims{s.n, 1});
                    dnnl::memory::desc cd(dims{s.m, s.n}, f32, dims{s.n, 1});
                    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(ad, bd, cd), *engine);
                    found = cache->emplace(key, Matmul{dnnl::matmul(pd), ad, bd, cd}).first;
                }
                const Matmul& mm = found->second;
                dnnl::memory am(mm.a, *engine, const_cast<float*>(a));
                dnnl::memory bm(mm.b, *engine, const_cast<float*>(b));
                dnnl::memory cm(mm.c, *engine, c);
                mm.primitive.execute(
                    *stream, {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}});
                stream->wait();
            }};
}

}  // namespace bench
