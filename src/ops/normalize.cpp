// normalize and its gradient. With M values per channel, xhat = (x - mu) r, r = (var + eps)^-1/2,
// w the weight and P(v) = v - mean(v) - xhat mean(xhat v) (means and sums per channel):
//   y = w xhat + b:   dx = w r P(g)  (normalize_input_grad),  dw = sum(g xhat),  db = sum(g)
// and the gradient of gx = w r P(g), for u arriving at gx, is
//   dg = w r P(u)
//   dx = -w (r^2 / M) (xhat sum(u P(g)) + P(u) sum(xhat g) + P(g) sum(xhat u))
//   dw = sum(u r P(g))
// which follows from d r / dx = -r^2 xhat / M and d sum(xhat v) / dx = r P(v).
#include "ops/normalize.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <tuple>

#include "ops/common.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduce.hpp"
#include "xgrad/ops/shape.hpp"
#include "xgrad/parallel.hpp"

namespace xgrad::detail {

namespace {

/// Calls f(channel, run) for every contiguous run (of `inner` values) of a channel, a channel's
/// runs in order on one thread, the channels split across the threads (parallel.hpp): f may
/// write anything of its channel's, and a channel's sums do not depend on the thread count.
template <class T, class F>
void for_each_run(T* data, const NormLayout& l, F f) {
    const std::size_t per_channel = std::max<std::size_t>(1, l.count());
    parallel_for(
        l.channels,
        [&](std::size_t begin, std::size_t end) {
            for (std::size_t c = begin; c < end; ++c)
                for (std::size_t o = 0; o < l.outer; ++o)
                    f(c, data + (o * l.channels + c) * l.inner);
        },
        std::max<std::size_t>(1, kParallelGrain / per_channel), 1);
}

/// Two running sums over a channel's values, fed a contiguous run at a time: kLanes partial
/// sums in T held in one vector (GCC / Clang vector extension: written as a loop over lanes,
/// GCC shuffles instead of vectorising), added into double every kBlock values and by total().
template <class T>
class LaneSums {
public:
    static constexpr std::size_t kLanes = 64 / sizeof(T), kBlock = 1024;

    /// Adds run[i] - shift and its square over a run of n.
    void add_shifted(const T* run, std::size_t n, T shift) {
        add(
            n,
            [&](Vec& a, Vec& b, std::size_t i) {
                const Vec d = load(run + i) - shift;
                a += d;
                b += d * d;
            },
            [&](T& a, T& b, std::size_t i) {
                const T d = run[i] - shift;
                a += d;
                b += d * d;
            });
    }

    /// Adds g[i] and g[i] (x[i] - mean) over a run of n.
    void add_centred(const T* g, const T* x, std::size_t n, T mean) {
        add(
            n,
            [&](Vec& a, Vec& b, std::size_t i) {
                const Vec v = load(g + i);
                a += v;
                b += v * (load(x + i) - mean);
            },
            [&](T& a, T& b, std::size_t i) {
                a += g[i];
                b += g[i] * (x[i] - mean);
            });
    }

    /// The two sums so far.
    std::pair<double, double> total() {
        flush();
        return {first_, second_};
    }

private:
    typedef T Vec __attribute__((vector_size(kLanes * sizeof(T))));

    static Vec load(const T* p) {
        Vec v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }

    template <class Lanes, class One>
    void add(std::size_t n, Lanes lanes, One one) {
        for (std::size_t start = 0; start < n;) {  // at most kBlock values between flushes
            const std::size_t end = std::min(n, start + (kBlock - pending_));
            std::size_t i = start;
            for (; i + kLanes <= end; i += kLanes) lanes(a_, b_, i);
            for (; i < end; ++i) one(tail_a_, tail_b_, i);
            pending_ += end - start;
            start = end;
            if (pending_ == kBlock) flush();
        }
    }

    void flush() {
        for (std::size_t l = 0; l < kLanes; ++l) {
            first_ += static_cast<double>(a_[l]);
            second_ += static_cast<double>(b_[l]);
        }
        first_ += static_cast<double>(tail_a_);
        second_ += static_cast<double>(tail_b_);
        a_ = b_ = Vec{};
        tail_a_ = tail_b_ = T(0);
        pending_ = 0;
    }

    Vec a_{}, b_{};
    T tail_a_ = T(0), tail_b_ = T(0);
    std::size_t pending_ = 0;
    double first_ = 0.0, second_ = 0.0;
};

/// Mean and biased variance of every channel in one pass: the sums of x - K and (x - K)^2 with
/// K the channel's first value, which keeps the difference of squares from cancelling.
template <class T>
void channel_stats(const T* x, const NormLayout& l, std::vector<double>& mean,
                   std::vector<double>& var) {
    std::vector<LaneSums<T>> sums(l.channels);
    std::vector<T> shift(l.channels, T(0));
    if (l.count() > 0)
        for (std::size_t c = 0; c < l.channels; ++c) shift[c] = x[c * l.inner];
    for_each_run(x, l,
                 [&](std::size_t c, const T* run) { sums[c].add_shifted(run, l.inner, shift[c]); });
    const double m = static_cast<double>(l.count());
    mean.resize(l.channels);
    var.resize(l.channels);
    for (std::size_t c = 0; c < l.channels; ++c) {
        const auto [s1, s2] = sums[c].total();
        const double d = s1 / m;
        mean[c] = static_cast<double>(shift[c]) + d;
        var[c] = std::max(s2 / m - d * d, 0.0);
    }
}

/// Per channel, Σ g and Σ g (x - mean) for the channel's mean (the two sums of both gradients).
template <class T>
std::vector<std::pair<double, double>> gradient_sums(const T* g, const T* x, const NormLayout& l,
                                                     const std::vector<double>& mean) {
    std::vector<LaneSums<T>> sums(l.channels);
    for_each_run(x, l, [&](std::size_t c, const T* run) {
        sums[c].add_centred(g + (run - x), run, l.inner, static_cast<T>(mean[c]));
    });
    std::vector<std::pair<double, double>> totals(l.channels);
    for (std::size_t c = 0; c < l.channels; ++c) totals[c] = sums[c].total();
    return totals;
}

/// `stats` (the mean and variance of x) with the gradient sums of g added.
NormSums with_gradient_sums(const NormSums& stats, const Tensor& g, const Tensor& x,
                            const NormLayout& l) {
    check_same_dtype("normalize", {g, x});
    NormSums out = stats;
    std::visit(
        [&](const auto& a) {
            using A = std::decay_t<decltype(a)>;
            const auto sums = gradient_sums(std::get<A>(array_of(g)).data(), a.data(), l, out.mean);
            out.g_sum.resize(l.channels);
            out.gx_sum.resize(l.channels);
            for (std::size_t c = 0; c < l.channels; ++c)
                std::tie(out.g_sum[c], out.gx_sum[c]) = sums[c];
        },
        array_of(x));
    return out;
}

/// The statistics of x and the gradient sums of g.
NormSums norm_sums(const Tensor& g, const Tensor& x, const NormLayout& l) {
    NormSums stats;
    std::visit([&](const auto& a) { channel_stats(a.data(), l, stats.mean, stats.var); },
               array_of(x));
    return with_gradient_sums(stats, g, x, l);
}

/// The per-channel values of an optional (channels,) tensor, or `fallback` when undefined.
template <class T>
std::vector<T> per_channel(const Tensor& t, std::size_t channels, T fallback) {
    if (!t.defined()) return std::vector<T>(channels, fallback);
    const auto& a = t.value<T>();
    return std::vector<T>(a.data(), a.data() + channels);
}

/// Sums and means over a channel's values of v (outer, channels, inner), kept as
/// (1, channels, 1).
Tensor channel_sum_kept(const Tensor& v) {
    const NormLayout layout{v.shape()[0], v.shape()[1], v.shape()[2]};
    return reshape(channel_sum(v, layout), {1, layout.channels, 1});
}
Tensor channel_mean(const Tensor& v) {
    return channel_sum_kept(v) / static_cast<double>(v.shape()[0] * v.shape()[2]);
}

}  // namespace

Tensor channel_sum(const Tensor& v, const NormLayout& layout, const std::vector<double>* known) {
    Array value = std::visit(
        [&](const auto& a) -> Array {
            using T = element_t<decltype(a)>;
            xt::xarray<T> out = new_array<T>({layout.channels});
            if (known) {
                for (std::size_t c = 0; c < layout.channels; ++c)
                    out.data()[c] = static_cast<T>((*known)[c]);
                return out;
            }
            std::vector<LaneSums<T>> sums(layout.channels);
            for_each_run(a.data(), layout, [&](std::size_t c, const T* run) {
                sums[c].add_shifted(run, layout.inner, T(0));
            });
            for (std::size_t c = 0; c < layout.channels; ++c)
                out.data()[c] = static_cast<T>(sums[c].total().first);
            return out;
        },
        array_of(v));
    const Shape shape = v.shape();
    return make_op(
        "channel_sum", std::move(value), {v},
        [layout, shape](const Tensor& g, const Tensor&, const Inputs&) {
            const Tensor kept = reshape(g, {1, layout.channels, 1});
            return Grads{
                reshape(broadcast_to(kept, {layout.outer, layout.channels, layout.inner}), shape)};
        });
}

Tensor normalize(const Tensor& x, const NormLayout& layout, double eps, const Tensor& weight,
                 const Tensor& bias, std::vector<double>* mean, std::vector<double>* var) {
    std::vector<double> mu, variance;
    Array value = std::visit(
        [&](const auto& a) -> Array {
            using T = element_t<decltype(a)>;
            channel_stats(a.data(), layout, mu, variance);
            const std::vector<T> w = per_channel(weight, layout.channels, T(1));
            const std::vector<T> b = per_channel(bias, layout.channels, T(0));
            xt::xarray<T> out = new_array<T>(a.shape());
            for_each_run(a.data(), layout, [&](std::size_t c, const T* run) {
                T* o = out.data() + (run - a.data());
                const T r = static_cast<T>(1.0 / std::sqrt(variance[c] + eps));
                const T scale = r * w[c], shift = b[c] - static_cast<T>(mu[c]) * scale;
                for (std::size_t i = 0; i < layout.inner; ++i) o[i] = run[i] * scale + shift;
            });
            return out;
        },
        array_of(x));
    if (mean) *mean = mu;
    if (var) *var = variance;
    std::vector<Tensor> inputs{x};
    if (weight.defined()) inputs.push_back(weight);
    if (bias.defined()) inputs.push_back(bias);
    const bool has_weight = weight.defined(), has_bias = bias.defined();
    auto stats =
        std::make_shared<const NormSums>(NormSums{std::move(mu), std::move(variance), {}, {}});
    return make_op("normalize", std::move(value), inputs,
                   [layout, eps, has_weight, has_bias, stats](const Tensor& g, const Tensor&,
                                                              const Inputs& in) {
                       const Tensor w = has_weight ? in[1] : Tensor();
                       const NormSums sums = with_gradient_sums(*stats, g, in[0], layout);
                       Grads grads(in.size());
                       if (in[0].requires_grad())
                           grads[0] = normalize_input_grad(g, in[0], w, layout, eps, &sums);
                       if (has_weight && in[1].requires_grad())
                           grads[1] = normalize_weight_grad(g, in[0], layout, eps, &sums);
                       if (has_bias && in.back().requires_grad())
                           grads.back() = channel_sum(g, layout, &sums.g_sum);
                       return grads;
                   });
}

Tensor normalize_weight_grad(const Tensor& g, const Tensor& x, const NormLayout& layout, double eps,
                             const NormSums* known) {
    check_same_dtype("normalize_weight_grad", {g, x});
    const NormSums sums = known ? *known : norm_sums(g, x, layout);
    Array value = std::visit(
        [&](const auto& a) -> Array {
            using T = element_t<decltype(a)>;
            xt::xarray<T> out = new_array<T>({layout.channels});
            for (std::size_t c = 0; c < layout.channels; ++c)
                out.data()[c] = static_cast<T>(sums.gx_sum[c] / std::sqrt(sums.var[c] + eps));
            return out;
        },
        array_of(x));
    // <u, sum(g xhat)> = <g, u xhat>: the gradient for g is normalize with weight u, and for x
    // the input gradient of that normalization.
    return make_op("normalize_weight_grad", std::move(value), {g, x},
                   [layout, eps](const Tensor& u, const Tensor&, const Inputs& in) {
                       Grads grads(2);
                       if (in[0].requires_grad()) grads[0] = normalize(in[1], layout, eps, u);
                       if (in[1].requires_grad())
                           grads[1] = normalize_input_grad(in[0], in[1], u, layout, eps);
                       return grads;
                   });
}

Tensor normalize_input_grad(const Tensor& g, const Tensor& x, const Tensor& weight,
                            const NormLayout& layout, double eps, const NormSums* known) {
    check_same_dtype("normalize_input_grad", {g, x});
    const NormSums sums = known ? *known : norm_sums(g, x, layout);
    Array value = std::visit(
        [&](const auto& a) -> Array {
            using A = std::decay_t<decltype(a)>;
            using T = element_t<A>;
            const A& ga = std::get<A>(array_of(g));
            const std::vector<T> w = per_channel(weight, layout.channels, T(1));
            const std::vector<double>& mu = sums.mean;
            const std::vector<double>& g_sum = sums.g_sum;
            std::vector<double> r(layout.channels), gx_sum(layout.channels);
            for (std::size_t c = 0; c < layout.channels; ++c) {
                r[c] = 1.0 / std::sqrt(sums.var[c] + eps);
                gx_sum[c] = sums.gx_sum[c] * r[c];
            }
            const double m = static_cast<double>(layout.count());
            xt::xarray<T> out = new_array<T>(a.shape());
            for_each_run(a.data(), layout, [&](std::size_t c, const T* run) {
                const std::size_t at = static_cast<std::size_t>(run - a.data());
                const T* gr = ga.data() + at;
                T* o = out.data() + at;
                // w r (g - mean(g) - (x - mu) r mean(g xhat)) = scale g + slope x + shift
                const double scale = w[c] * r[c], slope = -scale * r[c] * gx_sum[c] / m;
                const double shift = -scale * g_sum[c] / m - slope * mu[c];
                const T sc = static_cast<T>(scale), sl = static_cast<T>(slope),
                        sh = static_cast<T>(shift);
                for (std::size_t i = 0; i < layout.inner; ++i) o[i] = sc * gr[i] + sl * run[i] + sh;
            });
            return out;
        },
        array_of(x));
    std::vector<Tensor> inputs{g, x};
    if (weight.defined()) inputs.push_back(weight);
    return make_op(
        "normalize_input_grad", std::move(value), inputs,
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
            const bool has_weight = in.size() == 3;
            const Tensor w3 = has_weight ? reshape(in[2], {1, layout.channels, 1}) : Tensor();
            const auto scaled = [&](const Tensor& t) { return has_weight ? t * w3 : t; };
            const Tensor pu = project(u3), pg = project(g3);
            Grads grads(in.size());
            if (in[0].requires_grad()) grads[0] = reshape(scaled(r * pu), shape);
            if (in[1].requires_grad()) {
                const double m = static_cast<double>(layout.count());
                grads[1] = reshape(scaled((r * r / -m) * (xhat * channel_sum_kept(u3 * pg) +
                                                          pu * channel_sum_kept(xhat * g3) +
                                                          pg * channel_sum_kept(xhat * u3))),
                                   shape);
            }
            if (has_weight && in[2].requires_grad()) grads[2] = channel_sum(u3 * r * pg, layout);
            return grads;
        });
}

}  // namespace xgrad::detail
