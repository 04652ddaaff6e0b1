// layers: convolution, pooling, normalization, embedding and pad ops against PyTorch's values
// (tests/data/layers, made by tests/make_layer_references.py), float64 gradchecks of first and
// second order, and the errors for bad shapes.
#include <cmath>

#include "helpers.hpp"
#include "layer_references.hpp"

using namespace xgrad;
using xgrad::testing::max_error;
using xgrad::testing::uniform;

namespace {

/// Runs every reference case in `dtype` and compares output, gradients and state within `tol`.
void compare_with_torch(DType dtype, double tol) {
    const auto references = xgrad::testing::load_layer_references();
    for (const auto& c : references["cases"]) {
        const std::string name = c["name"];
        BOOST_TEST_CONTEXT(name << " in " << (dtype == DType::Float64 ? "float64" : "float32")) {
            std::map<std::string, Tensor> inputs, state;
            std::vector<Tensor> leaves;
            std::vector<std::string> leaf_names;
            for (const auto& [key, value] : c["inputs"].items()) {
                if (key == "indices") continue;
                inputs[key] = xgrad::testing::from_json(value, dtype).requires_grad_(true);
                if (c["grads"].contains(key)) {
                    leaves.push_back(inputs[key]);
                    leaf_names.push_back(key);
                }
            }
            const Tensor out = xgrad::testing::run_reference_op(c, inputs, state);
            BOOST_TEST(max_error(out, xgrad::testing::from_json(c["output"])) <= tol);
            const Tensor probe = xgrad::testing::from_json(c["probe"], dtype);
            const auto grads = grad({sum(out * probe)}, leaves, {}, false, true);
            for (std::size_t i = 0; i < leaves.size(); ++i) {
                BOOST_TEST_CONTEXT("gradient of " << leaf_names[i]) {
                    const Tensor expected = xgrad::testing::from_json(c["grads"][leaf_names[i]]);
                    const Tensor got = grads[i].defined() ? grads[i] : zeros_like(expected);
                    BOOST_TEST(max_error(got, expected) <= tol);
                }
            }
            if (c.contains("state"))
                for (const auto& [key, value] : c["state"].items())
                    BOOST_TEST_CONTEXT("state " << key) {
                        BOOST_TEST(max_error(state[key], xgrad::testing::from_json(value)) <= tol);
                    }
        }
    }
}

using Fn = xgrad::testing::Fn;

/// Gradchecks `f` at `inputs`, and with `second_order` also the gradient
/// v, p -> d sum(f(v) p) / dv, a function of the probe p as well (so linear ops are covered).
void check_gradients(const Fn& f, std::vector<Tensor> inputs, bool second_order,
                     std::uint64_t seed = 7) {
    XGRAD_CHECK_GRAD(f, inputs);
    if (!second_order) return;
    const std::size_t n = inputs.size();
    Shape out_shape;
    {
        NoGradGuard no_grad;
        out_shape = f(inputs).shape();
    }
    inputs.push_back(uniform(out_shape, seed));
    const Fn gradient = [f, n](const std::vector<Tensor>& v) {
        const std::vector<Tensor> args(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
        const auto grads = grad({sum(f(args) * v[n])}, args, {}, true, true);
        std::vector<Tensor> flat;
        for (const auto& g : grads)
            if (g.defined()) flat.push_back(reshape(g, {g.numel()}));
        return concat(flat);
    };
    XGRAD_CHECK_GRAD(gradient, inputs);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(layers)

BOOST_AUTO_TEST_CASE(ops_match_pytorch_in_float64) { compare_with_torch(DType::Float64, 1e-10); }

BOOST_AUTO_TEST_CASE(ops_match_pytorch_in_float32) { compare_with_torch(DType::Float32, 1e-5); }

BOOST_AUTO_TEST_CASE(conv2d_gradients) {
    struct Case {
        Shape x, w;
        bool bias;
        Pair2 stride;
        ConvPadding padding;
        Pair2 dilation;
        std::size_t groups;
    };
    const std::vector<Case> cases{
        {{2, 3, 5, 4}, {2, 3, 3, 3}, true, 1, 1, 1, 1},
        {{1, 4, 6, 5}, {4, 2, 2, 3}, false, {2, 1}, {1, 0}, {1, 2}, 2},  // groups, dilation
        {{2, 3, 4, 4}, {3, 1, 3, 3}, true, 1, "same", 1, 3},             // depthwise
        {{1, 2, 5, 4}, {2, 2, 2, 2}, true, 1, "same", 1, 1},             // even kernel
        {{1, 1, 1, 1}, {1, 1, 1, 1}, true, 1, 0, 1, 1},                  // size 1
        {{2, 2, 5, 5}, {3, 2, 1, 1}, false, 2, 0, 1, 1},                 // 1x1 stride 2
        {{1, 2, 3, 4}, {2, 2, 3, 3}, true, 1, {2, 1}, 1, 1},             // padding > kernel/2
    };
    std::uint64_t seed = 1;
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("input " << shape_str(c.x) << ", weight " << shape_str(c.w)) {
            std::vector<Tensor> inputs{uniform(c.x, seed++), uniform(c.w, seed++)};
            if (c.bias) inputs.push_back(uniform({c.w[0]}, seed++));
            check_gradients(
                [c](const std::vector<Tensor>& v) {
                    return conv2d(v[0], v[1], c.bias ? v[2] : Tensor(), c.stride, c.padding,
                                  c.dilation, c.groups);
                },
                inputs, true);
        }
    }
}

BOOST_AUTO_TEST_CASE(conv2d_lowered_in_chunks_matches_direct_sums) {
    // Large enough per example that the batch is lowered one example at a time.
    const std::size_t n = 3, c = 4, o = 2, size = 70, k = 3;
    const Tensor x = uniform({n, c, size, size}, 21), w = uniform({o, c, k, k}, 22),
                 g = uniform({n, o, size, size}, 23, -1, 1, false);
    const Tensor y = conv2d(x, w, Tensor(), 1, 1);
    const auto grads = grad({sum(y * g)}, {x, w});
    const auto& xv = x.value<double>();
    const auto& wv = w.value<double>();
    const auto& gv = g.value<double>();
    xt::xarray<double> expected_y = xt::zeros<double>({n, o, size, size});
    xt::xarray<double> expected_dx = xt::zeros<double>({n, c, size, size});
    xt::xarray<double> expected_dw = xt::zeros<double>({o, c, k, k});
    for (std::size_t b = 0; b < n; ++b)
        for (std::size_t p = 0; p < o; ++p)
            for (std::size_t q = 0; q < c; ++q)
                for (std::size_t i = 0; i < k; ++i)
                    for (std::size_t j = 0; j < k; ++j)
                        for (std::size_t r = 0; r < size; ++r)
                            for (std::size_t s = 0; s < size; ++s) {
                                const std::ptrdiff_t a = std::ptrdiff_t(r + i) - 1,
                                                     e = std::ptrdiff_t(s + j) - 1;
                                if (a < 0 || e < 0 || a >= std::ptrdiff_t(size) ||
                                    e >= std::ptrdiff_t(size))
                                    continue;
                                expected_y(b, p, r, s) += wv(p, q, i, j) * xv(b, q, a, e);
                                expected_dx(b, q, a, e) += wv(p, q, i, j) * gv(b, p, r, s);
                                expected_dw(p, q, i, j) += gv(b, p, r, s) * xv(b, q, a, e);
                            }
    BOOST_TEST(max_error(y, Tensor(expected_y)) <= 1e-12);
    BOOST_TEST(max_error(grads[0], Tensor(expected_dx)) <= 1e-12);
    BOOST_TEST(max_error(grads[1], Tensor(expected_dw)) <= 1e-12);
}

BOOST_AUTO_TEST_CASE(depthwise_conv2d_matches_the_lowered_path_and_direct_sums) {
    // Depthwise convolutions (groups == input channels) run on their own direct kernels. Each
    // case is compared with direct sums and with the same convolution through im2col + gemm: a
    // dense (groups = 1) convolution whose weight is zero outside the depthwise blocks.
    struct Case {
        Shape x;
        std::size_t multiplier, kh, kw;
        Pair2 stride, padding, dilation;
    };
    const std::vector<Case> cases{
        {{3, 4, 7, 6}, 1, 3, 3, 1, 1, 1},
        {{2, 3, 9, 8}, 2, 3, 2, {2, 3}, {1, 2}, {2, 1}},  // multiplier, stride, dilation
        {{2, 2, 5, 5}, 1, 5, 5, 1, 2, 1},                 // every tap reaches the padding
        {{1, 3, 4, 6}, 3, 1, 1, 2, 0, 1},                 // 1x1, stride 2
        {{2, 2, 1, 1}, 1, 3, 3, 1, 1, 1},                 // 1x1 image, kernel in the padding
        {{1, 5, 1, 9}, 1, 1, 4, {1, 2}, {0, 3}, {1, 2}},  // one row
        {{2, 2, 3, 3}, 2, 2, 2, 1, 3, 1},                 // output rows entirely in padding
    };
    std::uint64_t seed = 40;
    for (const Case& c : cases) {
        const std::size_t n = c.x[0], ch = c.x[1], h = c.x[2], wd = c.x[3], o = ch * c.multiplier;
        BOOST_TEST_CONTEXT("input " << shape_str(c.x) << ", multiplier " << c.multiplier
                                    << ", kernel " << c.kh << "x" << c.kw) {
            const Tensor x = uniform(c.x, seed++), w = uniform({o, 1, c.kh, c.kw}, seed++),
                         b = uniform({o}, seed++);
            const Tensor y = conv2d(x, w, b, c.stride, c.padding, c.dilation, ch);
            const Tensor probe = uniform(y.shape(), seed++, -1, 1, false);
            const auto grads = grad({sum(y * probe)}, {x, w, b});

            // Direct sums.
            const std::size_t oh = y.shape()[2], ow = y.shape()[3];
            const auto& xv = x.value<double>();
            const auto& wv = w.value<double>();
            const auto& gv = probe.value<double>();
            xt::xarray<double> ey = xt::zeros<double>(y.shape()), edx = xt::zeros<double>(c.x),
                               edw = xt::zeros<double>(w.shape()), edb = xt::zeros<double>({o});
            for (std::size_t e = 0; e < n; ++e)
                for (std::size_t p = 0; p < o; ++p) {
                    const std::size_t q = p / c.multiplier;
                    for (std::size_t r = 0; r < oh; ++r)
                        for (std::size_t s = 0; s < ow; ++s) {
                            ey(e, p, r, s) += b.value<double>()(p);
                            edb(p) += gv(e, p, r, s);
                            for (std::size_t i = 0; i < c.kh; ++i)
                                for (std::size_t j = 0; j < c.kw; ++j) {
                                    const std::ptrdiff_t a =
                                        std::ptrdiff_t(r * c.stride.h + i * c.dilation.h) -
                                        std::ptrdiff_t(c.padding.h);
                                    const std::ptrdiff_t d =
                                        std::ptrdiff_t(s * c.stride.w + j * c.dilation.w) -
                                        std::ptrdiff_t(c.padding.w);
                                    if (a < 0 || d < 0 || a >= std::ptrdiff_t(h) ||
                                        d >= std::ptrdiff_t(wd))
                                        continue;
                                    ey(e, p, r, s) += wv(p, 0, i, j) * xv(e, q, a, d);
                                    edx(e, q, a, d) += wv(p, 0, i, j) * gv(e, p, r, s);
                                    edw(p, 0, i, j) += gv(e, p, r, s) * xv(e, q, a, d);
                                }
                        }
                }
            BOOST_TEST(max_error(y, Tensor(ey)) <= 1e-12);
            BOOST_TEST(max_error(grads[0], Tensor(edx)) <= 1e-12);
            BOOST_TEST(max_error(grads[1], Tensor(edw)) <= 1e-12);
            BOOST_TEST(max_error(grads[2], Tensor(edb)) <= 1e-12);

            // The lowered path, on the block-diagonal dense weight.
            xt::xarray<double> dense = xt::zeros<double>({o, ch, c.kh, c.kw});
            for (std::size_t p = 0; p < o; ++p)
                for (std::size_t i = 0; i < c.kh; ++i)
                    for (std::size_t j = 0; j < c.kw; ++j)
                        dense(p, p / c.multiplier, i, j) = wv(p, 0, i, j);
            const Tensor wd_dense(dense, requires_grad());
            const Tensor yd = conv2d(x, wd_dense, b, c.stride, c.padding, c.dilation, 1);
            const auto dense_grads = grad({sum(yd * probe)}, {x, wd_dense});
            xt::xarray<double> dw_blocks = xt::zeros<double>(w.shape());
            for (std::size_t p = 0; p < o; ++p)
                for (std::size_t i = 0; i < c.kh; ++i)
                    for (std::size_t j = 0; j < c.kw; ++j)
                        dw_blocks(p, 0, i, j) =
                            dense_grads[1].value<double>()(p, p / c.multiplier, i, j);
            BOOST_TEST(max_error(y, yd) <= 1e-12);
            BOOST_TEST(max_error(grads[0], dense_grads[0]) <= 1e-12);
            BOOST_TEST(max_error(grads[1], Tensor(dw_blocks)) <= 1e-12);
        }
    }
}

BOOST_AUTO_TEST_CASE(depthwise_conv2d_gradients) {
    // First and second order through the direct kernels: the gradient ops of a depthwise
    // convolution are depthwise again.
    check_gradients(
        [](const std::vector<Tensor>& v) {
            return conv2d(v[0], v[1], v[2], {2, 1}, 1, {1, 2}, 2);
        },
        {uniform({2, 2, 6, 7}, 61), uniform({4, 1, 3, 2}, 62), uniform({4}, 63)}, true);
    check_gradients(
        [](const std::vector<Tensor>& v) { return conv2d(v[0], v[1], Tensor(), 1, 2, 1, 3); },
        {uniform({1, 3, 2, 3}, 64), uniform({3, 1, 3, 3}, 65)}, true);
}

BOOST_AUTO_TEST_CASE(conv1d_and_conv_transpose2d_gradients) {
    check_gradients(
        [](const std::vector<Tensor>& v) { return conv1d(v[0], v[1], v[2], 2, 1, 2, 1); },
        {uniform({2, 2, 7}, 1), uniform({3, 2, 3}, 2), uniform({3}, 3)}, true);
    check_gradients(
        [](const std::vector<Tensor>& v) { return conv1d(v[0], v[1], Tensor(), 1, "same", 1, 2); },
        {uniform({1, 4, 5}, 4), uniform({2, 2, 4}, 5)}, true);
    check_gradients(
        [](const std::vector<Tensor>& v) {
            return conv_transpose2d(v[0], v[1], v[2], 2, 1, 1, 1, 1);
        },
        {uniform({2, 2, 3, 3}, 6), uniform({2, 3, 3, 3}, 7), uniform({3}, 8)}, true);
    check_gradients(
        [](const std::vector<Tensor>& v) {
            return conv_transpose2d(v[0], v[1], Tensor(), {2, 1}, {0, 1}, {1, 0}, 2, {1, 2});
        },
        {uniform({1, 4, 2, 3}, 9), uniform({4, 1, 2, 3}, 10)}, true);
    // output_padding past the stride (allowed below the dilation): the gradient is cut.
    check_gradients(
        [](const std::vector<Tensor>& v) {
            return conv_transpose2d(v[0], v[1], Tensor(), 1, 0, 1, 1, 2);
        },
        {uniform({1, 2, 2, 3}, 11), uniform({2, 1, 2, 2}, 12)}, true);
}

BOOST_AUTO_TEST_CASE(pool_gradients) {
    // Distinct values (a permutation) keep the max pools away from ties.
    auto distinct = [](const Shape& shape, std::uint64_t seed) {
        Tensor t = uniform(shape, seed, 0, 1, false);
        auto& v = t.value<double>();
        for (std::size_t i = 0; i < v.size(); ++i)
            v.data()[i] = static_cast<double>((i * 7919 + seed) % v.size()) / 10.0 - 1.0;
        return t.requires_grad_(true);
    };
    check_gradients([](const std::vector<Tensor>& v) { return max_pool2d(v[0], 2); },
                    {distinct({2, 2, 4, 5}, 1)}, false);
    check_gradients(
        [](const std::vector<Tensor>& v) {
            return max_pool2d(v[0], {3, 2}, Pair2{2, 1}, 1, {1, 2}, true);
        },
        {distinct({1, 2, 6, 6}, 2)}, true);
    check_gradients([](const std::vector<Tensor>& v) { return max_pool1d(v[0], 3, 2, 1, 1, true); },
                    {distinct({2, 3, 8}, 3)}, true);
    check_gradients([](const std::vector<Tensor>& v) { return max_pool2d(v[0], 1); },
                    {distinct({1, 1, 1, 1}, 4)}, true);
    check_gradients(
        [](const std::vector<Tensor>& v) {
            return adaptive_max_pool2d(v[0], {2, 3});
        },
        {distinct({2, 5, 4}, 5)}, true);
    check_gradients(
        [](const std::vector<Tensor>& v) { return avg_pool2d(v[0], 3, 2, 1, true, false); },
        {uniform({2, 2, 6, 5}, 6)}, true);
    check_gradients(
        [](const std::vector<Tensor>& v) {
            return avg_pool2d(v[0], {2, 3}, 1, {1, 1}, false, true, 4);
        },
        {uniform({1, 2, 3, 4}, 7)}, true);
    check_gradients(
        [](const std::vector<Tensor>& v) { return avg_pool1d(v[0], 2, 1, 1, true, true); },
        {uniform({1, 2, 5}, 8)}, true);
    check_gradients(
        [](const std::vector<Tensor>& v) {
            return adaptive_avg_pool2d(v[0], {3, 2});
        },
        {uniform({2, 2, 5, 3}, 9)}, true);
    check_gradients([](const std::vector<Tensor>& v) { return adaptive_avg_pool2d(v[0], 1); },
                    {uniform({1, 1, 1, 1}, 10)}, true);
}

BOOST_AUTO_TEST_CASE(max_pool_sends_the_gradient_to_the_first_maximum) {
    const Tensor x =
        Tensor({{{{1, 3, 3}, {3, 0, 2}}}}, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor y = max_pool2d(x, 2, 1);
    BOOST_TEST(y.to_vector() == std::vector<double>({3, 3}));
    y.backward(ones_like(y));
    BOOST_TEST(x.grad().to_vector() == std::vector<double>({0, 2, 0, 0, 0, 0}));
}

BOOST_AUTO_TEST_CASE(normalization_gradients) {
    check_gradients(
        [](const std::vector<Tensor>& v) {
            return batch_norm(v[0], Tensor(), Tensor(), v[1], v[2], true, 0.1, 1e-5);
        },
        {uniform({3, 2, 2, 2}, 1), uniform({2}, 2), uniform({2}, 3)}, true);
    check_gradients(
        [](const std::vector<Tensor>& v) {
            return batch_norm(v[0], Tensor(), Tensor(), Tensor(), Tensor(), true, 0.1, 1e-3);
        },
        {uniform({2, 3}, 4)}, true);  // (N, C), no affine, batch of 2
    check_gradients(
        [](const std::vector<Tensor>& v) {
            const Tensor mean = Tensor({0.1, -0.2}, DType::Float64);
            const Tensor var = Tensor({0.5, 2.0}, DType::Float64);
            return batch_norm(v[0], mean, var, v[1], v[2], false, 0.1, 1e-5);
        },
        {uniform({1, 2, 3}, 5), uniform({2}, 6), uniform({2}, 7)}, true);
    check_gradients(
        [](const std::vector<Tensor>& v) {
            return layer_norm(v[0], {3, 2}, v[1], v[2]);
        },
        {uniform({2, 3, 2}, 8), uniform({3, 2}, 9), uniform({3, 2}, 10)}, true);
    check_gradients([](const std::vector<Tensor>& v) { return layer_norm(v[0], {4}); },
                    {uniform({1, 4}, 11)}, true);
    check_gradients([](const std::vector<Tensor>& v) { return group_norm(v[0], 2, v[1], v[2]); },
                    {uniform({2, 4, 2, 1}, 12), uniform({4}, 13), uniform({4}, 14)}, true);
}

BOOST_AUTO_TEST_CASE(embedding_and_pad_gradients) {
    // (padding_idx leaves the true derivative out on purpose: tested by value below.)
    const IndexArray index = {{0, 2, 2}, {3, 0, 1}};
    check_gradients([&](const std::vector<Tensor>& v) { return embedding(index, v[0]); },
                    {uniform({4, 3}, 1)}, true);
    for (PadMode mode : {PadMode::Constant, PadMode::Reflect, PadMode::Replicate})
        check_gradients(
            [mode](const std::vector<Tensor>& v) {
                return pad(v[0], {1, 2, 2, 1}, mode, 0.25);
            },
            {uniform({2, 1, 3, 4}, 2)}, true);
    check_gradients(
        [](const std::vector<Tensor>& v) {
            return pad(v[0], {-1, 1});
        },
        {uniform({2, 3}, 3)}, true);
}

BOOST_AUTO_TEST_CASE(embedding_accumulates_repeated_rows_and_skips_padding_idx) {
    const Tensor w =
        Tensor({{1, 2}, {3, 4}, {5, 6}}, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor y = embedding(IndexArray{2, 0, 2, 1}, w, 1);
    BOOST_TEST(y.to_vector() == std::vector<double>({5, 6, 1, 2, 5, 6, 3, 4}));
    y.backward(ones_like(y));
    BOOST_TEST(w.grad().to_vector() == std::vector<double>({1, 1, 0, 0, 2, 2}));
}

BOOST_AUTO_TEST_CASE(failing_batch_norm_leaves_running_statistics_unchanged) {
    Tensor mean = Tensor({0.5, 1.5});
    Tensor var = Tensor({2.0, 3.0});
    XGRAD_CHECK_THROWS(batch_norm(ones({1, 2}), mean, var, Tensor(), Tensor(), true), ValueError,
                       "more than 1 value per channel");
    XGRAD_CHECK_THROWS(batch_norm(ones({4, 2}), mean, var, ones({3}), Tensor(), true), ShapeError,
                       "weight of shape (2,)");
    BOOST_TEST(mean.to_vector() == std::vector<double>({0.5, 1.5}));
    BOOST_TEST(var.to_vector() == std::vector<double>({2.0, 3.0}));
}

BOOST_AUTO_TEST_CASE(errors_name_the_op_and_the_shapes) {
    XGRAD_CHECK_THROWS(conv2d(ones({1, 3, 5, 5}), ones({4, 2, 3, 3})), ShapeError,
                       "conv2d: the input has 3 channels, the weight expects 2");
    XGRAD_CHECK_THROWS(conv2d(ones({1, 3, 5, 5}), ones({4, 1, 3, 3}), Tensor(), 1, 0, 1, 2),
                       ShapeError, "groups=2 does not divide the 3 input channels");
    XGRAD_CHECK_THROWS(conv2d(ones({1, 1, 2, 2}), ones({1, 1, 3, 3})), ShapeError,
                       "kernel 3x3 (dilation 1x1) is larger than the padded input 2x2");
    XGRAD_CHECK_THROWS(conv2d(ones({1, 5, 5}), ones({1, 1, 3, 3})), ShapeError,
                       "conv2d: expected a 4-D input (N, C_in, H, W), got shape (1, 5, 5)");
    XGRAD_CHECK_THROWS(conv2d(ones({1, 1, 5, 5}), ones({1, 1, 3, 3}), Tensor(), 2, "same"),
                       ValueError, "padding='same' needs stride 1");
    XGRAD_CHECK_THROWS(ConvPadding("full"), ValueError, "'full'");
    XGRAD_CHECK_THROWS(conv_transpose2d(ones({1, 1, 3, 3}), ones({1, 1, 3, 3}), Tensor(), 1, 0, 1),
                       ValueError, "output_padding 1x1 must be smaller than the stride");
    XGRAD_CHECK_THROWS(max_pool2d(ones({1, 1, 2, 2}), 3), ShapeError, "max_pool2d: the kernel 3x3");
    XGRAD_CHECK_THROWS(max_pool2d(ones({1, 1, 4, 4}), 2, 2, 2), ValueError,
                       "padding 2x2 must be at most half the kernel 2x2");
    XGRAD_CHECK_THROWS(avg_pool2d(ones({4, 4}), 2), ShapeError,
                       "avg_pool2d: expected a 3-D or 4-D input, got shape (4, 4)");
    XGRAD_CHECK_THROWS(embedding(IndexArray{0, 7}, ones({5, 2})), IndexError,
                       "index 7 (at flat position 1) is out of range for a table of 5 rows");
    XGRAD_CHECK_THROWS(group_norm(ones({1, 6, 2}), 4), ShapeError, "num_groups=4 does not divide");
    XGRAD_CHECK_THROWS(layer_norm(ones({2, 3}), {2}), ShapeError,
                       "normalized_shape (2,) is not the trailing shape");
    XGRAD_CHECK_THROWS(pad(ones({1, 3}), {3, 0}, PadMode::Reflect), ValueError,
                       "smaller than the padded axis");
}

BOOST_AUTO_TEST_SUITE_END()
