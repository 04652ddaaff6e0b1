// conv2d forward on one shape, three ways: xgrad (im2col over the batch + one OpenBLAS sgemm),
// Debian's oneDNN 2.6 primitive in its preferred blocked layout, and the same primitive with the
// reorders from and to NCHW that a library keeping NCHW tensors pays. Prints ms and GFLOP/s.
//
//     onednn_conv [batch channels size out_channels kernel]   (default 64 32 14 64 3, padding k/2)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <oneapi/dnnl/dnnl.hpp>
#include <vector>
#include <xgrad/xgrad.hpp>

namespace {

template <class F>
double median_ms(F f, int samples = 21) {
    f();
    std::vector<double> times;
    for (int i = 0; i < samples; ++i) {
        const auto start = std::chrono::steady_clock::now();
        f();
        times.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
    }
    std::nth_element(times.begin(), times.begin() + samples / 2, times.end());
    return times[samples / 2];
}

}  // namespace

int main(int argc, char** argv) {
    using dnnl::memory;
    const auto arg = [&](int i, long fallback) { return argc > i ? std::atol(argv[i]) : fallback; };
    const long n = arg(1, 64), c = arg(2, 32), size = arg(3, 14), o = arg(4, 64), k = arg(5, 3);
    const long pad = k / 2;
    const double flops = 2.0 * n * o * size * size * c * k * k;

    xgrad::Tensor x =
        xgrad::randn({std::size_t(n), std::size_t(c), std::size_t(size), std::size_t(size)});
    xgrad::Tensor w =
        xgrad::randn({std::size_t(o), std::size_t(c), std::size_t(k), std::size_t(k)});
    const double xgrad_ms = median_ms([&] {
        xgrad::NoGradGuard no_grad;
        xgrad::conv2d(x, w, xgrad::Tensor(), 1, std::size_t(pad));
    });

    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    const memory::dims src_dims{n, c, size, size}, weight_dims{o, c, k, k},
        dst_dims{n, o, size, size}, strides{1, 1}, padding{pad, pad};
    using tag = memory::format_tag;
    using dt = memory::data_type;
    const memory::desc any_src(src_dims, dt::f32, tag::any),
        any_weight(weight_dims, dt::f32, tag::any), any_dst(dst_dims, dt::f32, tag::any);
    const dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_training,
                                               dnnl::algorithm::convolution_direct, any_src,
                                               any_weight, any_dst, strides, padding, padding);
    const dnnl::convolution_forward::primitive_desc pd(desc, engine);
    memory user_src({src_dims, dt::f32, tag::nchw}, engine, x.value<float>().data());
    memory user_weight({weight_dims, dt::f32, tag::oihw}, engine, w.value<float>().data());
    memory user_dst({dst_dims, dt::f32, tag::nchw}, engine);
    memory src(pd.src_desc(), engine), weight(pd.weights_desc(), engine),
        dst(pd.dst_desc(), engine);
    dnnl::reorder(user_weight, weight).execute(stream, user_weight, weight);
    dnnl::convolution_forward conv(pd);
    const auto run = [&] {
        conv.execute(stream,
                     {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weight}, {DNNL_ARG_DST, dst}});
        stream.wait();
    };
    const double blocked_ms = median_ms(run);
    const double nchw_ms = median_ms([&] {
        dnnl::reorder(user_src, src).execute(stream, user_src, src);
        run();
        dnnl::reorder(dst, user_dst).execute(stream, dst, user_dst);
        stream.wait();
    });
    std::printf("conv2d forward %ldx%ldx%ldx%ld -> %ld, %ldx%ld, padding %ld (%.3g GFLOP)\n", n, c,
                size, size, o, k, k, pad, flops * 1e-9);
    std::printf("  xgrad im2col + sgemm:          %8.3f ms  %6.1f GFLOP/s\n", xgrad_ms,
                flops / xgrad_ms * 1e-6);
    std::printf("  oneDNN, blocked layout:        %8.3f ms  %6.1f GFLOP/s  (%s)\n", blocked_ms,
                flops / blocked_ms * 1e-6, pd.impl_info_str());
    std::printf("  oneDNN with NCHW reorders:     %8.3f ms  %6.1f GFLOP/s\n", nchw_ms,
                flops / nchw_ms * 1e-6);
}
