#pragma once
// A seeded generator of random differentiable expressions over xgrad's op set, for
// tests/test_random_graphs.cpp. Generation runs each op once on the actual inputs, so every
// choice (operands, axes, indices, a squashing tanh when values grow) can depend on real shapes
// and values; the choices are recorded as closures and replayed by operator() on perturbed inputs
// of the same shapes, which is what gradcheck needs.
#include <algorithm>
#include <functional>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "xgrad/nn.hpp"
#include "xgrad/xgrad.hpp"

namespace xgrad::testing {

class RandomGraph {
public:
    /// A graph of about `n_ops` random ops over 1-2 float64 leaves of broadcast-compatible
    /// shapes; ops that need more operands (matmul weights, linear's bias) add leaves.
    RandomGraph(std::uint64_t seed, int n_ops) : rng_(seed) {
        const NoGradGuard no_grad;  // generation only needs values
        const std::size_t rank = pick(8) == 0 ? 0 : 1 + pick(3);
        std::size_t budget = 40;
        for (std::size_t d = 0; d < rank; ++d) {
            const std::size_t size = 1 + pick(std::min<std::size_t>(5, budget));
            base_.push_back(size);
            budget = std::max<std::size_t>(budget / size, 1);
        }
        const int leaves = 1 + static_cast<int>(pick(2));
        for (int i = 0; i < leaves; ++i) add_input(variant_of(base_));
        for (int i = 0; i < n_ops; ++i) add_random_op();
        // The output: a weighted sum of the last value (random weights, so that a gradient sent to
        // the wrong element shows), plus an earlier value now and then (more fan-out).
        std::size_t last = pool_.size() - 1;
        std::size_t out = weighted_sum(last);
        if (pick(2) == 0)
            out = push("add", [a = out, b = weighted_sum(pick(pool_.size()))](const Pool& p) {
                return p[a] + p[b];
            });
        output_ = out;
    }

    /// The leaves (float64, requiring grad) with their generated values.
    const std::vector<Tensor>& inputs() const { return inputs_; }
    /// The expression evaluated at `inputs` (the leaves, or perturbed copies of the same shapes).
    Tensor operator()(const std::vector<Tensor>& inputs) const {
        Pool pool;
        pool.reserve(steps_.size());
        for (const auto& step : steps_)
            pool.push_back(step.input >= 0 ? inputs[static_cast<std::size_t>(step.input)]
                                           : step.make(pool));
        return pool[output_];
    }
    /// The ops with their output shapes, for failure messages.
    std::string description() const { return description_.str(); }

private:
    using Pool = std::vector<Tensor>;
    using Make = std::function<Tensor(const Pool&)>;
    struct Step {
        int input = -1;  // >= 0: the leaf inputs[input]; else computed by make
        Make make;
    };

    std::size_t pick(std::size_t n) {
        return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
    }
    double uniform(double low, double high) {
        return std::uniform_real_distribution<double>(low, high)(rng_);
    }

    /// A random float64 array of `shape` with values in ±[0.2, 1.5]: distinct and away from the
    /// kinks of relu, abs and friends at 0.
    xt::xarray<double> away_from_zero(const Shape& shape) {
        xt::xarray<double> a = xt::empty<double>(shape);
        for (auto& v : a) v = uniform(0.2, 1.5) * (pick(2) ? 1.0 : -1.0);
        return a;
    }

    /// `shape` with some leading axes dropped and some sizes set to 1: broadcasts with it.
    Shape variant_of(const Shape& shape) {
        const std::size_t drop = pick(shape.size() + 1);
        Shape s(shape.begin() + static_cast<std::ptrdiff_t>(drop), shape.end());
        for (auto& d : s)
            if (pick(4) == 0) d = 1;
        return s;
    }

    std::size_t add_input(const Shape& shape) {
        inputs_.emplace_back(away_from_zero(shape), true);
        Step step;
        step.input = static_cast<int>(inputs_.size() - 1);
        steps_.push_back(step);
        pool_.push_back(inputs_.back());
        distinct_.push_back(true);
        description_ << "x" << inputs_.size() - 1 << " " << shape_str(shape) << "; ";
        return pool_.size() - 1;
    }

    /// Records `make`, evaluates it on the generation pool and returns its index.
    std::size_t push(const char* name, Make make, bool distinct = false) {
        pool_.push_back(make(pool_));
        steps_.push_back(Step{-1, std::move(make)});
        distinct_.push_back(distinct);
        description_ << "v" << pool_.size() - 1 << " = " << name << " "
                     << shape_str(pool_.back().shape()) << "; ";
        return pool_.size() - 1;
    }

    double max_abs(std::size_t i) const {
        double m = 0.0;
        for (double v : pool_[i].to_vector()) m = std::max(m, std::abs(v));
        return m;
    }
    double min_value(std::size_t i) const {
        const auto v = pool_[i].to_vector();
        return v.empty() ? 1.0 : *std::min_element(v.begin(), v.end());
    }

    /// An operand: entry i, squashed by tanh when its values have grown large.
    std::size_t take(std::size_t i) {
        if (max_abs(i) <= 4.0) return i;
        return push("tanh", [i](const Pool& p) { return tanh(p[i]); });
    }
    std::size_t any() { return take(pick(pool_.size())); }
    /// Entry i made positive (> 0.4) unless it already is: the domain of log, sqrt, division.
    std::size_t positive(std::size_t i) {
        if (min_value(i) > 0.4) return i;
        return push("x*x+0.5", [i](const Pool& p) { return p[i] * p[i] + 0.5; });
    }
    static bool broadcastable(const Shape& a, const Shape& b) {
        for (std::size_t k = 1; k <= std::min(a.size(), b.size()); ++k) {
            const std::size_t x = a[a.size() - k], y = b[b.size() - k];
            if (x != y && x != 1 && y != 1) return false;
        }
        return true;
    }
    /// An entry that broadcasts with entry i (i itself when none does: fan-out).
    std::size_t partner(std::size_t i) {
        std::vector<std::size_t> fits;
        for (std::size_t j = 0; j < pool_.size(); ++j)
            if (broadcastable(pool_[i].shape(), pool_[j].shape()) && max_abs(j) <= 4.0)
                fits.push_back(j);
        return fits.empty() ? i : fits[pick(fits.size())];
    }
    /// A constant (no grad) of `shape` with values in [low, high).
    Tensor constant(const Shape& shape, double low, double high) {
        xt::xarray<double> a = xt::empty<double>(shape);
        for (auto& v : a) v = uniform(low, high);
        return Tensor(a);
    }
    std::size_t weighted_sum(std::size_t i) {
        const Tensor w = constant(pool_[i].shape(), -1.0, 1.0);
        return push("weighted_sum", [i, w](const Pool& p) { return sum(p[i] * w); });
    }
    std::ptrdiff_t random_axis(std::size_t rank) {
        const auto r = static_cast<std::ptrdiff_t>(rank);
        return static_cast<std::ptrdiff_t>(pick(rank)) -
               (pick(2) ? r : 0);  // negative half the time
    }
    /// Each axis of `rank` kept with probability 1/2 (possibly none: all axes).
    Axes random_axes(std::size_t rank) {
        Axes axes;
        for (std::size_t d = 0; d < rank; ++d)
            if (pick(2)) axes.push_back(static_cast<std::ptrdiff_t>(d));
        return axes;
    }
    /// Entry i as a matrix (rows, cols): a 2-D view of its elements.
    std::size_t as_matrix(std::size_t i) {
        const Shape& s = pool_[i].shape();
        if (s.size() == 2) return i;
        const std::size_t cols = s.empty() ? 1 : s.back();
        const Shape shape{pool_[i].numel() / std::max<std::size_t>(cols, 1), cols};
        return push("reshape", [i, shape](const Pool& p) { return reshape(p[i], shape); });
    }
    std::vector<std::int64_t> random_labels(std::size_t n, std::size_t classes) {
        std::vector<std::int64_t> labels(n);
        for (auto& l : labels) l = static_cast<std::int64_t>(pick(classes));
        return labels;
    }
    nn::Reduction random_reduction() {
        const nn::Reduction r[] = {nn::Reduction::Mean, nn::Reduction::Sum, nn::Reduction::None};
        return r[pick(3)];
    }

    void add_random_op() {
        switch (pick(8)) {
            case 0:
            case 1:
                return binary();
            case 2:
                return unary();
            case 3:
                return reduction();
            case 4:
                return shape_op();
            case 5:
                return products();
            case 6:
                return pick(2) ? kinked() : softmaxes();
            default:
                return pick(3) ? loss() : fan_out();
        }
    }

    void binary() {
        const std::size_t a = any(), b = partner(a);
        switch (pick(7)) {
            case 0:
                push("add", [a, b](const Pool& p) { return p[a] + p[b]; });
                break;
            case 1:
                push("sub", [a, b](const Pool& p) { return p[a] - p[b]; });
                break;
            case 2:
                push("mul", [a, b](const Pool& p) { return p[a] * p[b]; });
                break;
            case 3: {
                const std::size_t d = positive(b);
                push("div", [a, d](const Pool& p) { return p[a] / p[d]; });
                break;
            }
            case 4: {
                const std::size_t base = positive(a);
                push("pow", [base, b](const Pool& p) { return pow(p[base], tanh(p[b])); });
                break;
            }
            case 5: {
                const Tensor condition = constant(pool_[a].shape(), 0.0, 1.0);
                const Tensor mask = gt(condition, Tensor(0.5, DType::Float64));
                push("where", [a, b, mask](const Pool& p) { return where(mask, p[a], p[b]); });
                break;
            }
            default: {
                const double s = uniform(-2.0, 2.0);
                switch (pick(6)) {
                    case 0:
                        push("add_scalar", [a, s](const Pool& p) { return p[a] + s; });
                        break;
                    case 1:
                        push("rsub_scalar", [a, s](const Pool& p) { return s - p[a]; });
                        break;
                    case 2:
                        push("mul_scalar", [a, s](const Pool& p) { return s * p[a]; });
                        break;
                    case 3:
                        push("div_scalar", [a, s](const Pool& p) { return p[a] / (s + 3.0); });
                        break;
                    case 4: {
                        const std::size_t d = positive(a);
                        push("rdiv_scalar", [d, s](const Pool& p) { return s / p[d]; });
                        break;
                    }
                    default:
                        push("neg", [a](const Pool& p) { return -p[a]; });
                }
            }
        }
    }

    void unary() {
        const std::size_t a = any();
        switch (pick(9)) {
            case 0:
                push("exp", [a](const Pool& p) { return exp(p[a]); });
                break;
            case 1: {
                const std::size_t x = positive(a);
                push("log", [x](const Pool& p) { return log(p[x]); });
                break;
            }
            case 2: {
                const std::size_t x = positive(a);
                push("sqrt", [x](const Pool& p) { return sqrt(p[x]); });
                break;
            }
            case 3:
                push("sigmoid", [a](const Pool& p) { return sigmoid(p[a]); });
                break;
            case 4:
                push("tanh", [a](const Pool& p) { return tanh(p[a]); });
                break;
            case 5:
                push("softplus", [a](const Pool& p) { return softplus(p[a]); });
                break;
            case 6:
                push("log_sigmoid", [a](const Pool& p) { return log_sigmoid(p[a]); });
                break;
            case 7: {
                const double e[] = {2.0, 3.0, 0.5, -1.0, -1.5};
                const double exponent = e[pick(5)];
                const std::size_t x = exponent == 2.0 || exponent == 3.0 ? a : positive(a);
                push("pow_scalar", [x, exponent](const Pool& p) { return pow(p[x], exponent); });
                break;
            }
            default: {
                const std::size_t x = positive(a);
                push("log(exp(x)+x)", [x](const Pool& p) { return log(exp(p[x]) + p[x]); });
            }
        }
    }

    /// Ops with kinks (relu, abs, clamp, max, maximum) only on leaves: their values are
    /// distinct and away from the kinks, so central differences never straddle one.
    void kinked() {
        std::vector<std::size_t> leaves;
        for (std::size_t i = 0; i < pool_.size(); ++i)
            if (distinct_[i]) leaves.push_back(i);
        const std::size_t a = leaves[pick(leaves.size())];
        const std::size_t rank = pool_[a].dim();
        switch (pick(8)) {
            case 0:
                push("relu", [a](const Pool& p) { return relu(p[a]); });
                break;
            case 1:
                push("abs", [a](const Pool& p) { return abs(p[a]); });
                break;
            case 2:
                push("leaky_relu", [a](const Pool& p) { return leaky_relu(p[a], 0.1); });
                break;
            case 3:
                push("clamp", [a](const Pool& p) { return clamp(p[a], -0.5, 0.7); });
                break;
            case 4: {
                std::size_t b = leaves[pick(leaves.size())];
                if (!broadcastable(pool_[a].shape(), pool_[b].shape()))
                    b = a;  // ties: split evenly
                if (pick(2))
                    push("maximum", [a, b](const Pool& p) { return maximum(p[a], p[b]); });
                else
                    push("minimum", [a, b](const Pool& p) { return minimum(p[a], p[b]); });
                break;
            }
            case 5:
                if (pick(2))
                    push("max", [a](const Pool& p) { return max(p[a]); });
                else
                    push("min", [a](const Pool& p) { return min(p[a]); });
                break;
            default:
                if (rank > 0) {
                    const std::ptrdiff_t axis = random_axis(rank);
                    const bool keep = pick(2);
                    if (pick(2))
                        push("max_axis",
                             [a, axis, keep](const Pool& p) { return max(p[a], axis, keep); });
                    else
                        push("min_axis",
                             [a, axis, keep](const Pool& p) { return min(p[a], axis, keep); });
                }
        }
    }

    void reduction() {
        const std::size_t a = any();
        const Axes axes = random_axes(pool_[a].dim());
        const bool keep = pick(2);
        switch (pick(3)) {
            case 0:
                push("sum", [a, axes, keep](const Pool& p) { return sum(p[a], axes, keep); });
                break;
            case 1:
                push("mean", [a, axes, keep](const Pool& p) { return mean(p[a], axes, keep); });
                break;
            default:
                if (pool_[a].dim() > 0)
                    push("logsumexp",
                         [a, axes, keep](const Pool& p) { return logsumexp(p[a], axes, keep); });
        }
    }

    void softmaxes() {
        const std::size_t a = any();
        if (pool_[a].dim() == 0) return;
        const std::ptrdiff_t axis = random_axis(pool_[a].dim());
        if (pick(2))
            push("softmax", [a, axis](const Pool& p) { return softmax(p[a], axis); });
        else
            push("log_softmax", [a, axis](const Pool& p) { return log_softmax(p[a], axis); });
    }

    void shape_op() {
        const std::size_t a = any();
        const Shape shape = pool_[a].shape();
        const std::size_t rank = shape.size();
        switch (pick(11)) {
            case 0: {
                Shape reversed(shape.rbegin(), shape.rend());
                if (pick(2)) reversed = Shape{pool_[a].numel()};
                push("reshape", [a, reversed](const Pool& p) { return reshape(p[a], reversed); });
                break;
            }
            case 1:
                if (rank >= 2) {
                    const std::ptrdiff_t i = random_axis(rank), j = random_axis(rank);
                    push("transpose", [a, i, j](const Pool& p) { return transpose(p[a], i, j); });
                }
                break;
            case 2: {
                Axes perm(rank);
                std::iota(perm.begin(), perm.end(), 0);
                std::shuffle(perm.begin(), perm.end(), rng_);
                push("permute", [a, perm](const Pool& p) { return permute(p[a], perm); });
                break;
            }
            case 3:
                if (rank > 0) {
                    const std::ptrdiff_t axis = random_axis(rank);
                    const auto n = static_cast<std::ptrdiff_t>(shape[static_cast<std::size_t>(
                        axis < 0 ? axis + static_cast<std::ptrdiff_t>(rank) : axis)]);
                    // Python-style bounds (negative, past the end), never an empty slice.
                    const auto first =
                        static_cast<std::ptrdiff_t>(pick(static_cast<std::size_t>(n)));
                    std::ptrdiff_t stop =
                        first + 1 +
                        static_cast<std::ptrdiff_t>(pick(static_cast<std::size_t>(n - first)));
                    if (stop == n && pick(2))
                        stop = n + 2;
                    else if (stop < n && pick(2))
                        stop -= n;
                    const std::ptrdiff_t start = pick(2) ? first - n : first;
                    const std::ptrdiff_t step = 1 + static_cast<std::ptrdiff_t>(pick(2));
                    push("slice", [a, axis, start, stop, step](const Pool& p) {
                        return slice(p[a], axis, start, stop, step);
                    });
                }
                break;
            case 4:
                if (rank > 0) {
                    const std::ptrdiff_t axis = random_axis(rank);
                    const std::size_t b = take(pick(pool_.size()));
                    const bool fits = pool_[b].dim() == rank && [&] {
                        const std::size_t ax = static_cast<std::size_t>(
                            axis < 0 ? axis + static_cast<std::ptrdiff_t>(rank) : axis);
                        for (std::size_t d = 0; d < rank; ++d)
                            if (d != ax && pool_[b].shape()[d] != shape[d]) return false;
                        return true;
                    }();
                    const std::size_t other = fits ? b : a;
                    push("concat", [a, other, axis](const Pool& p) {
                        return concat({p[a], p[other], p[a]}, axis);
                    });
                }
                break;
            case 5: {
                const std::ptrdiff_t axis = static_cast<std::ptrdiff_t>(pick(rank + 1));
                push("stack", [a, axis](const Pool& p) { return stack({p[a], p[a] * 2.0}, axis); });
                break;
            }
            case 6:
                if (rank > 0) {
                    const std::ptrdiff_t axis = random_axis(rank);
                    const auto n = static_cast<std::int64_t>(pool_[a].size(axis));
                    std::vector<std::int64_t> indices(1 + pick(4));
                    for (auto& i : indices)
                        i = static_cast<std::int64_t>(pick(static_cast<std::size_t>(n))) -
                            (pick(2) ? n : 0);
                    push("index_select", [a, axis, indices](const Pool& p) {
                        return index_select(p[a], axis, indices);
                    });
                }
                break;
            case 7:
                if (rank > 0) {
                    const std::ptrdiff_t axis = random_axis(rank);
                    const std::size_t ax = static_cast<std::size_t>(
                        axis < 0 ? axis + static_cast<std::ptrdiff_t>(rank) : axis);
                    Shape index_shape = shape;
                    for (std::size_t d = 0; d < rank; ++d)
                        index_shape[d] = d == ax ? 1 + pick(4) : 1 + pick(shape[d]);
                    IndexArray index = xt::empty<std::int64_t>(index_shape);
                    for (auto& i : index) i = static_cast<std::int64_t>(pick(shape[ax]));
                    push("gather",
                         [a, axis, index](const Pool& p) { return gather(p[a], axis, index); });
                }
                break;
            case 8: {
                const std::ptrdiff_t axis = static_cast<std::ptrdiff_t>(pick(rank + 1));
                if (pick(2))
                    push("unsqueeze", [a, axis](const Pool& p) { return unsqueeze(p[a], axis); });
                else
                    push("unsqueeze+squeeze",
                         [a, axis](const Pool& p) { return squeeze(unsqueeze(p[a], axis), axis); });
                break;
            }
            case 9: {
                Shape big = shape;
                for (auto& d : big)
                    if (d == 1) d = 1 + pick(3);
                if (pick(2)) big.insert(big.begin(), 2);
                push("broadcast_to", [a, big](const Pool& p) { return broadcast_to(p[a], big); });
                break;
            }
            default:
                push("flatten", [a](const Pool& p) { return flatten(p[a]); });
        }
    }

    void products() {
        const std::size_t a = any();
        if (pool_[a].dim() == 3 && pick(2)) {  // batched, with a broadcast right operand
            const std::size_t k = pool_[a].shape()[2];
            const Shape right = pick(2) ? Shape{k, 1 + pick(3)} : Shape{1, k, 1 + pick(3)};
            const std::size_t w = add_input(right);
            push("matmul_batched", [a, w](const Pool& p) { return matmul(p[a], p[w]); });
            return;
        }
        const std::size_t x = as_matrix(a);
        const std::size_t m = pool_[x].shape()[0], k = pool_[x].shape()[1], n = 1 + pick(3);
        switch (pick(5)) {
            case 0: {
                const std::size_t w = add_input({k, n});
                push("matmul", [x, w](const Pool& p) { return matmul(p[x], p[w]); });
                break;
            }
            case 1: {
                const std::size_t w = add_input({n, k});
                push("matmul_bT",
                     [x, w](const Pool& p) { return matmul(p[x], p[w], false, true); });
                break;
            }
            case 2: {
                const std::size_t w = add_input({m, n});
                push("matmul_aT",
                     [x, w](const Pool& p) { return matmul(p[w], p[x], true, false); });
                break;
            }
            case 3:
                push("matmul_self", [x](const Pool& p) { return matmul(p[x], p[x], false, true); });
                break;
            default: {
                const std::size_t w = add_input({n, k});
                if (pick(2)) {
                    const std::size_t b = add_input({n});
                    push("linear", [a, w, b](const Pool& p) {
                        return linear(p[a].dim() == 0 ? reshape(p[a], {1}) : p[a], p[w], p[b]);
                    });
                } else {
                    push("linear_nobias", [x, w](const Pool& p) { return linear(p[x], p[w]); });
                }
            }
        }
    }

    void loss() {
        const std::size_t a = any();
        const Shape shape = pool_[a].shape();
        const nn::Reduction r = random_reduction();
        switch (pick(7)) {
            case 0: {
                const std::size_t b = partner(a);
                if (pool_[b].shape() == shape)
                    push("mse_loss",
                         [a, b, r](const Pool& p) { return nn::mse_loss(p[a], p[b], r); });
                break;
            }
            case 1: {
                const Tensor target = constant(shape, -1.0, 1.0);
                push("l1_loss",
                     [a, target, r](const Pool& p) { return nn::l1_loss(p[a], target, r); });
                break;
            }
            case 2: {
                const Tensor target = constant(shape, -1.0, 1.0);
                push("huber_loss", [a, target, r](const Pool& p) {
                    return nn::huber_loss(p[a], target, r, 0.5);
                });
                break;
            }
            case 3: {
                const Tensor target = constant(shape, 0.0, 1.0);
                push("bce_with_logits", [a, target, r](const Pool& p) {
                    return nn::bce_with_logits(p[a], target, r);
                });
                break;
            }
            case 4: {
                const Tensor labels = sign(constant(shape, -1.0, 1.0));
                push("logistic_loss",
                     [a, labels, r](const Pool& p) { return nn::logistic_loss(p[a], labels, r); });
                break;
            }
            default: {
                const std::size_t x = as_matrix(a);
                const Shape& s = pool_[x].shape();
                if (s[1] == 0 || s[0] == 0) break;
                const auto labels = random_labels(s[0], s[1]);
                if (pick(2))
                    push("cross_entropy", [x, labels, r](const Pool& p) {
                        return nn::cross_entropy(p[x], labels, r);
                    });
                else
                    push("nll_loss", [x, labels, r](const Pool& p) {
                        return nn::nll_loss(log_softmax(p[x], 1), labels, r);
                    });
            }
        }
    }

    /// One value used several times in one expression.
    void fan_out() {
        const std::size_t a = any();
        push("fan_out", [a](const Pool& p) { return p[a] * p[a] + sigmoid(p[a]) - p[a] / 3.0; });
    }

    std::mt19937_64 rng_;
    Shape base_;
    std::vector<Tensor> inputs_;
    std::vector<Step> steps_;
    Pool pool_;
    std::vector<bool> distinct_;
    std::size_t output_ = 0;
    std::ostringstream description_;
};

}  // namespace xgrad::testing
