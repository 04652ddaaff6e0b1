// normalize and its gradient. With M values per channel, xhat = (x - mu) r, r = (var + eps)^-1/2
// and P(v) = v - mean(v) - xhat mean(xhat v) (means per channel):
//   d xhat / dx (applied to g)  = r P(g)                                     (normalize_input_grad)
// and the gradient of gx = r P(g), for u arriving at gx, is
//   dg = r P(u)
//   dx = -(r^2 / M) (xhat sum(u P(g)) + P(u) sum(xhat g) + P(g) sum(xhat u))
// which follows from d r / dx = -r^2 xhat / M and d sum(xhat v) / dx = r P(v).
#include "ops/normalize.hpp"

#include <cmath>

#include "ops/common.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduce.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad::detail {

namespace {

/// Calls f(channel, pointer, length) for every contiguous run of a channel's values.
template <class T, class F>
void for_each_run(T* data, const NormLayout& l, F f) {
    for (std::size_t o = 0; o < l.outer; ++o)
        for (std::size_t c = 0; c < l.channels; ++c) f(c, data + (o * l.channels + c) * l.inner);
}

/// Mean and biased variance of every channel (two passes, accumulated in double).
template <class T>
void channel_stats(const T* x, const NormLayout& l, std::vector<double>& mean,
                   std::vector<double>& var) {
    mean.assign(l.channels, 0.0);
    var.assign(l.channels, 0.0);
    const double m = static_cast<double>(l.count());
    for_each_run(x, l, [&](std::size_t c, const T* run) {
        double s = 0.0;
        for (std::size_t i = 0; i < l.inner; ++i) s += run[i];
        mean[c] += s;
    });
    for (auto& v : mean) v /= m;
    for_each_run(x, l, [&](std::size_t c, const T* run) {
        double s = 0.0;
        const double mu = mean[c];
        for (std::size_t i = 0; i < l.inner; ++i) s += (run[i] - mu) * (run[i] - mu);
        var[c] += s;
    });
    for (auto& v : var) v /= m;
}

/// The channel-wise mean of v viewed as (outer, channels, inner), kept as (1, channels, 1).
Tensor channel_mean(const Tensor& v) { return mean(v, {0, 2}, true); }
Tensor channel_sum(const Tensor& v) { return sum(v, {0, 2}, true); }

}  // namespace

Tensor normalize(const Tensor& x, const NormLayout& layout, double eps, std::vector<double>* mean,
                 std::vector<double>* var) {
    std::vector<double> mu, variance;
    Array value = std::visit(
        [&](const auto& a) -> Array {
            using T = element_t<decltype(a)>;
            channel_stats(a.data(), layout, mu, variance);
            xt::xarray<T> out = new_array<T>(a.shape());
            for_each_run(a.data(), layout, [&](std::size_t c, const T* run) {
                T* o = out.data() + (run - a.data());
                const T m = static_cast<T>(mu[c]);
                const T r = static_cast<T>(1.0 / std::sqrt(variance[c] + eps));
                for (std::size_t i = 0; i < layout.inner; ++i) o[i] = (run[i] - m) * r;
            });
            return out;
        },
        array_of(x));
    if (mean) *mean = mu;
    if (var) *var = variance;
    return make_op("normalize", std::move(value), {x},
                   [layout, eps](const Tensor& g, const Tensor&, const Inputs& in) {
                       return Grads{normalize_input_grad(g, in[0], layout, eps)};
                   });
}

Tensor normalize_input_grad(const Tensor& g, const Tensor& x, const NormLayout& layout,
                            double eps) {
    check_same_dtype("normalize_input_grad", {g, x});
    Array value = std::visit(
        [&](const auto& a) -> Array {
            using A = std::decay_t<decltype(a)>;
            using T = element_t<A>;
            const A& ga = std::get<A>(array_of(g));
            std::vector<double> mu, variance, g_mean(layout.channels, 0.0),
                gx_mean(layout.channels, 0.0);
            channel_stats(a.data(), layout, mu, variance);
            std::vector<double> r(layout.channels);
            for (std::size_t c = 0; c < layout.channels; ++c)
                r[c] = 1.0 / std::sqrt(variance[c] + eps);
            for_each_run(a.data(), layout, [&](std::size_t c, const T* run) {
                const T* gr = ga.data() + (run - a.data());
                double s = 0.0, sx = 0.0;
                for (std::size_t i = 0; i < layout.inner; ++i) {
                    s += gr[i];
                    sx += gr[i] * ((run[i] - mu[c]) * r[c]);
                }
                g_mean[c] += s;
                gx_mean[c] += sx;
            });
            const double m = static_cast<double>(layout.count());
            xt::xarray<T> out = new_array<T>(a.shape());
            for_each_run(a.data(), layout, [&](std::size_t c, const T* run) {
                const std::size_t at = static_cast<std::size_t>(run - a.data());
                const T* gr = ga.data() + at;
                T* o = out.data() + at;
                const T rc = static_cast<T>(r[c]), mc = static_cast<T>(mu[c]);
                const T gm = static_cast<T>(g_mean[c] / m), gxm = static_cast<T>(gx_mean[c] / m);
                for (std::size_t i = 0; i < layout.inner; ++i)
                    o[i] = rc * (gr[i] - gm - (run[i] - mc) * rc * gxm);
            });
            return out;
        },
        array_of(x));
    return make_op("normalize_input_grad", std::move(value), {g, x},
                   [layout, eps](const Tensor& u, const Tensor&, const Inputs& in) {
                       const Shape shape = in[1].shape();
                       const Shape view{layout.outer, layout.channels, layout.inner};
                       const Tensor g3 = reshape(in[0], view), x3 = reshape(in[1], view),
                                    u3 = reshape(u, view);
                       const Tensor centred = x3 - channel_mean(x3);
                       const Tensor r = pow(channel_mean(centred * centred) + eps, -0.5);
                       const Tensor xhat = centred * r;
                       const auto project = [&](const Tensor& v) {
                           return v - channel_mean(v) - xhat * channel_mean(xhat * v);
                       };
                       const Tensor pu = project(u3);
                       Grads grads(2);
                       if (in[0].requires_grad()) grads[0] = reshape(r * pu, shape);
                       if (in[1].requires_grad()) {
                           const Tensor pg = project(g3);
                           const double m = static_cast<double>(layout.count());
                           grads[1] = reshape((r * r / -m) * (xhat * channel_sum(u3 * pg) +
                                                              pu * channel_sum(xhat * g3) +
                                                              pg * channel_sum(xhat * u3)),
                                              shape);
                       }
                       return grads;
                   });
}

}  // namespace xgrad::detail
