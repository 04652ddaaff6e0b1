// Scale and shape edge cases: a node used ten thousand times, empty tensors and size-1 axes
// through every op (forward, backward, gradient shapes), and very large and very small values
// through the functions that must stay finite where the math is finite. (A chain of a million
// nodes is in test_autograd.cpp.)
#include <cmath>
#include <limits>
#include <xtensor/xadapt.hpp>

#include "helpers.hpp"
#include "xgrad/nn.hpp"

using namespace xgrad;
using xgrad::testing::Fn;

namespace {

bool all_finite(const Tensor& t) {
    for (double v : t.to_vector())
        if (!std::isfinite(v)) return false;
    return true;
}

bool any_nan(const Tensor& t) {
    for (double v : t.to_vector())
        if (std::isnan(v)) return true;
    return false;
}

/// An op that takes any shape of rank >= min_rank, with what its output shape must be.
struct ShapeOp {
    const char* name;
    std::size_t min_rank;
    Fn fn;
    std::function<Shape(const Shape&)> expected;  // null: not checked
};

Shape same(const Shape& s) { return s; }
Shape scalar(const Shape&) { return {}; }
Shape with_last(const Shape& s, std::size_t n) {
    Shape r = s;
    r.back() = n;
    return r;
}

/// Values in (0.2, 1.5): inside the domain of log and sqrt, away from kinks at 0.
Tensor positive(const Shape& shape, std::uint64_t seed) {
    return testing::uniform(shape, seed, 0.2, 1.5);
}

std::vector<ShapeOp> shape_generic_ops() {
    const auto x0 = [](const std::vector<Tensor>& in) { return in[0]; };
    std::vector<ShapeOp> ops = {
        {"exp", 0, [=](const auto& in) { return exp(x0(in)); }, same},
        {"log", 0, [=](const auto& in) { return log(x0(in)); }, same},
        {"sqrt", 0, [=](const auto& in) { return sqrt(x0(in)); }, same},
        {"abs", 0, [=](const auto& in) { return abs(x0(in)); }, same},
        {"sigmoid", 0, [=](const auto& in) { return sigmoid(x0(in)); }, same},
        {"tanh", 0, [=](const auto& in) { return tanh(x0(in)); }, same},
        {"relu", 0, [=](const auto& in) { return relu(x0(in)); }, same},
        {"leaky_relu", 0, [=](const auto& in) { return leaky_relu(x0(in)); }, same},
        {"softplus", 0, [=](const auto& in) { return softplus(x0(in)); }, same},
        {"log_sigmoid", 0, [=](const auto& in) { return log_sigmoid(x0(in)); }, same},
        {"clamp", 0, [=](const auto& in) { return clamp(x0(in), 0.5, 1.0); }, same},
        {"neg, scalars", 0, [=](const auto& in) { return 2.0 - (-x0(in) * 3.0 + 1.0) / 2.0; },
         same},
        {"rdiv", 0, [=](const auto& in) { return 1.0 / x0(in); }, same},
        {"pow_scalar", 0, [=](const auto& in) { return pow(x0(in), 2.5); }, same},
        {"pow", 0, [=](const auto& in) { return pow(x0(in), x0(in)); }, same},
        {"add, sub, mul, div with itself", 0,
         [=](const auto& in) { return (x0(in) + x0(in)) * x0(in) / (x0(in) - 0.1) - x0(in); },
         same},
        {"mul by a 0-d tensor", 0,
         [=](const auto& in) { return x0(in) * Tensor(3.0, DType::Float64); }, same},
        {"maximum, minimum", 0,
         [=](const auto& in) {
             return maximum(x0(in), x0(in) * 0.5) + minimum(x0(in), 1.0 - x0(in));
         },
         same},
        {"where", 0,
         [=](const auto& in) {
             return where(gt(x0(in), full({}, 0.8, DType::Float64)), x0(in), -x0(in));
         },
         same},
        {"sum", 0, [=](const auto& in) { return sum(x0(in)); }, scalar},
        {"mean", 0, [=](const auto& in) { return mean(x0(in)); }, scalar},
        {"sum axis 0 keepdims", 1, [=](const auto& in) { return sum(x0(in), {0}, true); },
         [](const Shape& s) {
             Shape r = s;
             r[0] = 1;
             return r;
         }},
        {"mean axis -1", 1, [=](const auto& in) { return mean(x0(in), {-1}); },
         [](const Shape& s) { return Shape(s.begin(), s.end() - 1); }},
        {"logsumexp axis -1", 1, [=](const auto& in) { return logsumexp(x0(in), {-1}); },
         [](const Shape& s) { return Shape(s.begin(), s.end() - 1); }},
        {"softmax", 1, [=](const auto& in) { return softmax(x0(in), -1); }, same},
        {"log_softmax", 1, [=](const auto& in) { return log_softmax(x0(in), 0); }, same},
        {"reshape, flatten", 0, [=](const auto& in) { return flatten(x0(in)); }, nullptr},
        {"transpose", 2, [=](const auto& in) { return transpose(x0(in)); },
         [](const Shape& s) {
             Shape r = s;
             std::swap(r[r.size() - 1], r[r.size() - 2]);
             return r;
         }},
        {"permute", 2,
         [=](const auto& in) {
             return permute(x0(in), {1, 0});
         },
         nullptr},
        {"slice", 1, [=](const auto& in) { return slice(x0(in), -1, 0, 2); }, nullptr},
        {"index_select", 1,
         [=](const auto& in) {
             return x0(in).shape()[0] == 0 ? index_select(x0(in), 0, {})
                                           : index_select(x0(in), 0, {0, 0, -1});
         },
         nullptr},
        {"gather", 1,
         [=](const auto& in) {
             Shape index_shape = x0(in).shape();
             index_shape[0] = std::min<std::size_t>(index_shape[0], 1);
             return gather(x0(in), 0, xt::zeros<std::int64_t>(index_shape));
         },
         nullptr},
        {"concat", 1,
         [=](const auto& in) {
             return concat({x0(in), x0(in)}, -1);
         },
         [](const Shape& s) { return with_last(s, 2 * s.back()); }},
        {"stack", 0,
         [=](const auto& in) {
             return stack({x0(in), x0(in)}, 0);
         },
         [](const Shape& s) {
             Shape r = s;
             r.insert(r.begin(), 2);
             return r;
         }},
        {"unsqueeze, squeeze", 0, [=](const auto& in) { return squeeze(unsqueeze(x0(in), 0), 0); },
         same},
        {"broadcast_to, sum_to", 0,
         [=](const auto& in) {
             Shape big = x0(in).shape();
             big.insert(big.begin(), 2);
             return sum_to(broadcast_to(x0(in), big) * 2.0, x0(in).shape());
         },
         same},
        {"matmul", 2, [=](const auto& in) { return matmul(x0(in), x0(in), false, true); },
         [](const Shape& s) {
             return Shape{s[0], s[0]};
         }},
        {"matmul transposed", 2,
         [=](const auto& in) { return matmul(x0(in), x0(in), true, false); },
         [](const Shape& s) {
             return Shape{s[1], s[1]};
         }},
        {"linear", 1,
         [=](const auto& in) {
             const std::size_t n = x0(in).shape().back();
             return linear(x0(in), ones({3, n}, DType::Float64), ones({3}, DType::Float64));
         },
         [](const Shape& s) { return with_last(s, 3); }},
        {"mse_loss, l1_loss, huber_loss", 0,
         [=](const auto& in) {
             const Tensor t = zeros_like(x0(in));
             return nn::mse_loss(x0(in), t, nn::Reduction::Sum) +
                    nn::l1_loss(x0(in), t, nn::Reduction::Sum) +
                    nn::huber_loss(x0(in), t, nn::Reduction::Sum);
         },
         scalar},
        {"bce_with_logits, logistic_loss", 0,
         [=](const auto& in) {
             return nn::bce_with_logits(x0(in), full(x0(in).shape(), 0.3, DType::Float64),
                                        nn::Reduction::None) +
                    nn::logistic_loss(x0(in), ones_like(x0(in)), nn::Reduction::None);
         },
         same},
        {"cross_entropy, nll_loss", 2,
         [=](const auto& in) {
             const std::vector<std::int64_t> labels(x0(in).shape()[0], 0);
             if (x0(in).shape()[1] == 0) return sum(x0(in), {1});  // no class for a label to name
             return nn::cross_entropy(x0(in), labels, nn::Reduction::None) +
                    nn::nll_loss(log_softmax(x0(in), 1), labels, nn::Reduction::None);
         },
         [](const Shape& s) { return Shape{s[0]}; }},
    };
    return ops;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(edge_cases)

BOOST_AUTO_TEST_CASE(a_node_used_ten_thousand_times) {
    constexpr int kUses = 10000;
    Tensor x({0.3, -0.7, 1.1}, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor h = tanh(x);  // an interior node: its pending gradient sums 1e4 contributions
    Tensor total = zeros({3}, DType::Float64);
    double weights = 0.0;
    for (int i = 0; i < kUses; ++i) {
        const double w = 1.0 + (i % 7) * 0.25;
        total = total + h * w;
        weights += w;
    }
    // The same node as 1e4 inputs of one op.
    const Tensor stacked = stack(std::vector<Tensor>(kUses, h));
    sum(total + sum(stacked, {0}) * 0.5).backward();
    const auto x_values = x.to_vector(), g = x.grad().to_vector();
    for (std::size_t i = 0; i < 3; ++i) {
        const double t = std::tanh(x_values[i]);
        BOOST_TEST(g[i] == (weights + 0.5 * kUses) * (1 - t * t),
                   boost::test_tools::tolerance(1e-12));
    }
}

BOOST_AUTO_TEST_CASE(empty_and_size_one_shapes_through_every_op) {
    const std::vector<Shape> shapes = {{},     {1},    {0},    {1, 1},    {1, 3},    {3, 1},
                                       {0, 3}, {3, 0}, {0, 0}, {1, 1, 1}, {2, 0, 3}, {1, 4, 1}};
    for (const auto& op : shape_generic_ops()) {
        for (const auto& shape : shapes) {
            // Ops of rank 2 (matmul, permute of two axes, class losses) take matrices only.
            if (shape.size() < op.min_rank || (op.min_rank == 2 && shape.size() != 2)) continue;
            BOOST_TEST_CONTEXT(op.name << " of " << shape_str(shape)) {
                const Tensor x = positive(shape, 7);
                Tensor y;
                try {
                    y = op.fn({x});
                } catch (const std::exception& e) {
                    BOOST_ERROR("forward threw: " << e.what());
                    continue;
                }
                if (op.expected) BOOST_TEST(shape_str(y.shape()) == shape_str(op.expected(shape)));
                if (x.numel() > 0 && y.numel() > 0) BOOST_TEST(all_finite(y));
                try {
                    sum(y).backward();
                } catch (const std::exception& e) {
                    BOOST_ERROR("backward threw: " << e.what());
                    continue;
                }
                BOOST_TEST_REQUIRE(x.grad().defined());
                BOOST_TEST(shape_str(x.grad().shape()) == shape_str(shape));
                if (x.numel() > 0) XGRAD_CHECK_GRAD(op.fn, {x});
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(reductions_of_empty_tensors_behave_like_pytorch) {
    const Tensor e = zeros({0, 3}, TensorOptions(DType::Float64).requires_grad(true));
    BOOST_TEST(sum(e).item() == 0.0);
    BOOST_TEST(sum(e, {0}).to_vector() == std::vector<double>({0.0, 0.0, 0.0}));
    BOOST_TEST(std::isnan(mean(e).item()));  // 0/0, as torch.mean
    BOOST_TEST(sum(e, {1}).numel() == 0u);
    BOOST_TEST(std::isinf(logsumexp(e, {0}).to_vector()[0]));  // log(0) = -inf, as torch
    XGRAD_CHECK_THROWS(max(e), ValueError, "empty");
    XGRAD_CHECK_THROWS(min(e, 0), ValueError, "empty");
    BOOST_TEST(max(e, 1).numel() == 0u);  // reducing a non-empty axis of an empty tensor is fine
    sum(sum(e, {0}) * 2.0).backward();
    BOOST_TEST(shape_str(e.grad().shape()) == "(0, 3)");
    // The mean loss of an empty batch is refused (torch returns NaN); the sum is 0.
    const Tensor logits = zeros({0, 4}, TensorOptions(DType::Float64).requires_grad(true));
    XGRAD_CHECK_THROWS(nn::cross_entropy(logits, std::vector<std::int64_t>{}), ValueError,
                       "empty batch");
    const Tensor loss = nn::cross_entropy(logits, std::vector<std::int64_t>{}, nn::Reduction::Sum);
    BOOST_TEST(loss.item() == 0.0);
    loss.backward();
    BOOST_TEST(shape_str(logits.grad().shape()) == "(0, 4)");
}

BOOST_AUTO_TEST_CASE(extreme_values_stay_finite_where_the_math_is) {
    for (const DType dtype : {DType::Float32, DType::Float64}) {
        const double big = dtype == DType::Float32 ? 1e30 : 1e300;
        const double tiny = dtype == DType::Float32 ? 1e-40 : 1e-310;  // denormals
        const std::vector<double> values = {-big, -1e4,  -100.0, -30.0, -tiny, 0.0,
                                            tiny, 1e-30, 30.0,   100.0, 1e4,   big};
        const auto fresh = [&](const std::vector<double>& v) {
            xt::xarray<double> a = xt::adapt(v, Shape{v.size()});
            return Tensor(a).to(dtype).requires_grad_(true);
        };
        // Each: a function finite for every finite input, with a finite derivative.
        const std::vector<std::pair<const char*, std::function<Tensor(const Tensor&)>>> finite = {
            {"sigmoid", [](const Tensor& x) { return sigmoid(x); }},
            {"tanh", [](const Tensor& x) { return tanh(x); }},
            {"softplus", [](const Tensor& x) { return softplus(x); }},
            {"log_sigmoid", [](const Tensor& x) { return log_sigmoid(x); }},
            {"log_softmax", [](const Tensor& x) { return log_softmax(x); }},
            {"softmax", [](const Tensor& x) { return softmax(x); }},
            {"logsumexp", [](const Tensor& x) { return logsumexp(x, {0}); }},
            {"exp of -|x|", [](const Tensor& x) { return exp(-abs(x)); }},
            {"bce_with_logits",
             [](const Tensor& x) {
                 return nn::bce_with_logits(x, full(x.shape(), 0.25, x.dtype()),
                                            nn::Reduction::None);
             }},
            {"logistic_loss",
             [](const Tensor& x) {
                 return nn::logistic_loss(x, -ones_like(x), nn::Reduction::None);
             }},
            {"huber_loss",
             [](const Tensor& x) { return nn::huber_loss(x, zeros_like(x), nn::Reduction::None); }},
            {"l1_loss",
             [](const Tensor& x) { return nn::l1_loss(x, zeros_like(x), nn::Reduction::Sum); }},
            {"cross_entropy",
             [](const Tensor& x) {
                 return nn::cross_entropy(reshape(x, {3, 4}), std::vector<std::int64_t>{0, 3, 1});
             }},
            {"nll_loss of log_softmax",
             [](const Tensor& x) {
                 return nn::nll_loss(log_softmax(reshape(x, {4, 3}), 1),
                                     std::vector<std::int64_t>{2, 0, 1, 2});
             }},
        };
        for (const auto& [name, f] : finite) {
            BOOST_TEST_CONTEXT(name << " in " << dtype_name(dtype)) {
                const Tensor x = fresh(values);
                const Tensor y = f(x);
                BOOST_TEST(all_finite(y));
                sum(y).backward();
                BOOST_TEST(all_finite(x.grad()));
            }
        }
        // exp and log: finite results and gradients wherever the math gives finite ones.
        const Tensor small = fresh({-big, -1e4, -100.0, -tiny, 0.0, tiny, 1.0, 50.0});
        const Tensor e = exp(small);
        BOOST_TEST(all_finite(e));
        sum(e).backward();
        BOOST_TEST(all_finite(small.grad()));
        const Tensor positive_values = fresh({tiny, 1e-30, 1e-5, 1.0, 1e4, big});
        const Tensor l = log(positive_values);
        BOOST_TEST(all_finite(l));
        sum(l).backward();
        BOOST_TEST(!any_nan(positive_values.grad()));  // 1/tiny overflows to inf, honestly
        // Overflowing math gives inf, never NaN.
        const Tensor huge = fresh({1e4, big});
        BOOST_TEST(!any_nan(exp(huge)));
        BOOST_TEST(!any_nan(nn::mse_loss(huge, zeros_like(huge), nn::Reduction::None)));
    }
}

BOOST_AUTO_TEST_SUITE_END()
