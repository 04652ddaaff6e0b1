// torch.autograd.functional's API: jacobian, hessian, vjp, jvp, hvp, vhp against closed forms and
// central differences (float64), their consistency with each other, create_graph (gradcheck
// through a Jacobian), strict mode and the errors for bad input.
#include <cmath>

#include "helpers.hpp"
#include "xgrad/nn/loss.hpp"

using namespace xgrad;
using xgrad::testing::uniform;
namespace fn = xgrad::functional;
namespace tt = boost::test_tools;

namespace {

/// The largest |a - b|, after checking that the shapes agree.
double max_abs_diff(const Tensor& a, const Tensor& b) {
    BOOST_REQUIRE_MESSAGE(a.shape() == b.shape(),
                          "shape " << shape_str(a.shape()) << " vs " << shape_str(b.shape()));
    const auto va = a.to_vector(), vb = b.to_vector();
    double worst = 0.0;
    for (std::size_t i = 0; i < va.size(); ++i) worst = std::max(worst, std::abs(va[i] - vb[i]));
    return worst;
}

Tensor from(const xt::xarray<double>& values) { return Tensor(values); }

/// The Jacobian of f at x by central differences, of shape (f(x).shape..., x.shape...).
Tensor numerical_jacobian(const fn::OneToOne& f, const Tensor& x, double eps = 1e-6) {
    const NoGradGuard no_grad;
    const xt::xarray<double> at = x.value<double>();
    const Tensor f0 = f(from(at));
    xt::xarray<double> jac = xt::zeros<double>({f0.numel(), x.numel()});
    for (std::size_t j = 0; j < x.numel(); ++j) {
        xt::xarray<double> plus = at, minus = at;
        plus.data()[j] += eps;
        minus.data()[j] -= eps;
        const auto fp = f(from(plus)).to_vector(), fm = f(from(minus)).to_vector();
        for (std::size_t i = 0; i < fp.size(); ++i) jac(i, j) = (fp[i] - fm[i]) / (2 * eps);
    }
    Shape shape = f0.shape();
    shape.insert(shape.end(), x.shape().begin(), x.shape().end());
    jac.reshape(shape);
    return from(jac);
}

/// A as a matrix-vector product on 1-D x, written with the ops (A x = Σ_k A[:, k] x[k]).
Tensor matvec(const Tensor& a, const Tensor& x) {
    return reshape(matmul(a, reshape(x, {x.numel(), 1})), {a.size(0)});
}

/// J (shape (m..., n...)) flattened to m x n, applied to v (n values) / transposed to v (m).
std::vector<double> apply(const Tensor& jac, std::size_t m, const std::vector<double>& v,
                          bool transposed) {
    const auto j = jac.to_vector();
    const std::size_t n = j.size() / m;
    std::vector<double> out(transposed ? n : m, 0.0);
    for (std::size_t r = 0; r < m; ++r)
        for (std::size_t c = 0; c < n; ++c)
            if (transposed)
                out[c] += v[r] * j[r * n + c];
            else
                out[r] += j[r * n + c] * v[c];
    return out;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
    BOOST_REQUIRE_EQUAL(a.size(), b.size());
    double worst = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
    return worst;
}

const Tensor A = uniform({4, 3}, 11, -1.0, 1.0, false);

/// R^3 -> R^4, nonlinear in every input.
Tensor vector_function(const Tensor& x) { return sigmoid(matvec(A, x)) * sum(x * x); }

/// R^{2x3} -> R^{2x2}: tanh(X) Xᵀ.
Tensor matrix_function(const Tensor& x) { return matmul(tanh(x), transpose(x)); }

/// A scalar with a non-trivial Hessian: Σ exp(x_i) x_{i+1}² + (Σ x)³.
Tensor scalar_function(const Tensor& x) {
    const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(x.numel());
    return sum(exp(slice(x, 0, 0, n - 1)) * pow(slice(x, 0, 1, n), 2.0)) + pow(sum(x), 3.0);
}

/// The logistic-loss data: 6 examples in 2-D with labels ±1 (overlapping, so a finite minimum).
struct Logistic {
    Tensor x = Tensor({{1.0, 2.0}, {-0.5, 1.5}, {2.0, -1.0}, {-1.0, -2.0}, {0.3, 0.2}, {1.2, -0.4}},
                      DType::Float64);
    Tensor y = Tensor({1.0, -1.0, 1.0, -1.0, -1.0, 1.0}, DType::Float64);
    /// L(w) = Σ softplus(-y_n w·x_n), the lecture's loss.
    Tensor loss(const Tensor& w) const { return sum(softplus(-(y * matvec(x, w)))); }
    /// Xᵀ diag(σ(1−σ)) X with σ = σ(y_n w·x_n), computed by hand.
    Tensor hessian(const std::vector<double>& w) const {
        const auto xs = x.to_vector(), ys = y.to_vector();
        xt::xarray<double> h = xt::zeros<double>({2, 2});
        for (std::size_t n = 0; n < ys.size(); ++n) {
            const double margin = ys[n] * (w[0] * xs[2 * n] + w[1] * xs[2 * n + 1]);
            const double s = 1.0 / (1.0 + std::exp(-margin));
            for (std::size_t i = 0; i < 2; ++i)
                for (std::size_t j = 0; j < 2; ++j)
                    h(i, j) += s * (1 - s) * xs[2 * n + i] * xs[2 * n + j];
        }
        return from(h);
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(functional)

BOOST_AUTO_TEST_CASE(jacobian_of_a_vector_function_matches_central_differences) {
    const Tensor x = uniform({3}, 1);
    const Tensor jac = fn::jacobian(vector_function, x);
    BOOST_TEST(jac.shape() == Shape({4, 3}));
    BOOST_TEST(max_abs_diff(jac, numerical_jacobian(vector_function, x)) < 1e-8);
    BOOST_TEST(!jac.requires_grad());
    BOOST_TEST(!x.grad().defined());  // the user's leaf is left alone
}

BOOST_AUTO_TEST_CASE(jacobian_of_a_matrix_function_has_shape_out_then_in) {
    const Tensor x = uniform({2, 3}, 2);
    const Tensor jac = fn::jacobian(matrix_function, x);
    BOOST_TEST(jac.shape() == Shape({2, 2, 2, 3}));
    BOOST_TEST(max_abs_diff(jac, numerical_jacobian(matrix_function, x)) < 1e-8);
}

BOOST_AUTO_TEST_CASE(jacobian_of_x_times_b_is_delta_times_b_transposed) {
    // F(X) = X B: dF[i,k]/dX[j,l] = δ_ij B[l,k].
    const Tensor b = uniform({3, 4}, 3, -1.0, 1.0, false);
    const Tensor jac = fn::jacobian([&](const Tensor& x) { return matmul(x, b); },
                                    uniform({2, 3}, 4, -1.0, 1.0, false));
    const auto bv = b.to_vector();
    xt::xarray<double> expected = xt::zeros<double>({2, 4, 2, 3});
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t k = 0; k < 4; ++k)
            for (std::size_t l = 0; l < 3; ++l) expected(i, k, i, l) = bv[l * 4 + k];
    BOOST_TEST(max_abs_diff(jac, from(expected)) == 0.0);
}

BOOST_AUTO_TEST_CASE(jacobian_of_several_inputs_and_outputs_is_nested_by_output_then_input) {
    const fn::ManyToMany f = [](const std::vector<Tensor>& in) {
        return std::vector<Tensor>{in[0] * in[1], matmul(reshape(in[0], {1, 3}), in[2]),
                                   sum(exp(in[1]))};
    };
    const std::vector<Tensor> x{uniform({3}, 5), uniform({3}, 6), uniform({3, 2}, 7)};
    const auto jac = fn::jacobian(f, x);
    BOOST_REQUIRE_EQUAL(jac.size(), 3u);
    const std::vector<Shape> out_shapes{{3}, {1, 2}, {}};
    for (std::size_t i = 0; i < 3; ++i) {
        BOOST_REQUIRE_EQUAL(jac[i].size(), 3u);
        for (std::size_t j = 0; j < 3; ++j) {
            // Central differences in input j, the others held fixed.
            const Tensor numeric = numerical_jacobian(
                [&](const Tensor& xj) {
                    std::vector<Tensor> in = x;
                    in[j] = xj;
                    return f(in)[i];
                },
                x[j]);
            BOOST_TEST(max_abs_diff(jac[i][j], numeric) < 1e-8, "J[" << i << "][" << j << "]");
            Shape expected = out_shapes[i];
            expected.insert(expected.end(), x[j].shape().begin(), x[j].shape().end());
            BOOST_TEST(jac[i][j].shape() == expected);
        }
    }
    // exp(b) does not depend on a or W: those blocks are zeros (strict would refuse them).
    BOOST_TEST(max_abs_diff(jac[2][0], zeros({3}, DType::Float64)) == 0.0);
}

BOOST_AUTO_TEST_CASE(jacobian_overloads_for_one_input_or_one_output) {
    const Tensor a = uniform({2}, 8), b = uniform({2}, 9);
    const auto by_input =
        fn::jacobian([](const std::vector<Tensor>& in) { return sum(in[0] * in[1]); }, {a, b});
    BOOST_REQUIRE_EQUAL(by_input.size(), 2u);
    BOOST_TEST(max_abs_diff(by_input[0], b.detach()) == 0.0);  // d(a·b)/da = b
    BOOST_TEST(max_abs_diff(by_input[1], a.detach()) == 0.0);
    const auto by_output = fn::jacobian(
        [](const Tensor& x) -> std::vector<Tensor> {
            return {x * 2.0, sum(x)};
        },
        a);
    BOOST_REQUIRE_EQUAL(by_output.size(), 2u);
    BOOST_TEST(by_output[0].to_vector() == std::vector<double>({2, 0, 0, 2}));
    BOOST_TEST(by_output[1].to_vector() == std::vector<double>({1, 1}));
}

BOOST_AUTO_TEST_CASE(jacobian_works_under_no_grad_and_of_an_empty_output) {
    const NoGradGuard no_grad;  // torch.enable_grad() inside, as in PyTorch
    const Tensor x = uniform({3}, 10, -1.0, 1.0, false);
    BOOST_TEST(max_abs_diff(fn::jacobian(vector_function, x),
                            numerical_jacobian(vector_function, x)) < 1e-8);
    const Tensor empty = fn::jacobian([](const Tensor& v) { return slice(v, 0, 0, 0); }, x);
    BOOST_TEST(empty.shape() == Shape({0, 3}));
}

BOOST_AUTO_TEST_CASE(hessian_of_a_quadratic_form_is_the_symmetric_part) {
    // 0.5 xᵀ A x has Hessian (A + Aᵀ)/2, which is A for a symmetric A.
    const Tensor a = uniform({3, 3}, 12, -1.0, 1.0, false);
    const auto quadratic = [](const Tensor& m) {
        return [m](const Tensor& x) { return 0.5 * sum(x * matvec(m, x)); };
    };
    const Tensor x = uniform({3}, 13);
    const Tensor h = fn::hessian(quadratic(a), x);
    BOOST_TEST(h.shape() == Shape({3, 3}));
    const Tensor symmetric_part = (a + transpose(a)) * 0.5;
    BOOST_TEST(max_abs_diff(h, symmetric_part) < 1e-15);
    BOOST_TEST(max_abs_diff(fn::hessian(quadratic(symmetric_part), x), symmetric_part) < 1e-15);
}

BOOST_AUTO_TEST_CASE(hessian_of_the_logistic_loss_is_xt_diag_s_x) {
    const Logistic problem;
    for (const auto& w : std::vector<std::vector<double>>{{0.0, 0.0}, {0.7, -0.3}, {-2.0, 1.5}}) {
        const Tensor at = Tensor({w[0], w[1]}, DType::Float64);
        const Tensor h = fn::hessian([&](const Tensor& v) { return problem.loss(v); }, at);
        BOOST_TEST(max_abs_diff(h, problem.hessian(w)) < 1e-14);
        // The same through the fused loss of xgrad::nn (its backward is twice differentiable).
        const Tensor fused = fn::hessian(
            [&](const Tensor& v) {
                return nn::logistic_loss(matvec(problem.x, v), problem.y, nn::Reduction::Sum);
            },
            at);
        BOOST_TEST(max_abs_diff(fused, problem.hessian(w)) < 1e-14);
    }
}

BOOST_AUTO_TEST_CASE(hessian_of_several_inputs_has_blocks_by_input_pair) {
    // L(w, b) = Σ softplus(-y (w·x + b)): H_ww = Xᵀ S X, H_wb = Xᵀ s, H_bb = Σ s.
    const Logistic problem;
    const Tensor w = Tensor({0.4, -0.2}, DType::Float64), b = Tensor(0.3, DType::Float64);
    const auto h = fn::hessian(
        [&](const std::vector<Tensor>& in) {
            return sum(softplus(-(problem.y * (matvec(problem.x, in[0]) + in[1]))));
        },
        {w, b});
    BOOST_REQUIRE_EQUAL(h.size(), 2u);
    BOOST_TEST(h[0][0].shape() == Shape({2, 2}));
    BOOST_TEST(h[0][1].shape() == Shape({2}));
    BOOST_TEST(h[1][0].shape() == Shape({2}));
    BOOST_TEST(h[1][1].shape() == Shape({}));
    const auto xs = problem.x.to_vector(), ys = problem.y.to_vector();
    xt::xarray<double> hww = xt::zeros<double>({2, 2}), hwb = xt::zeros<double>({2});
    double hbb = 0.0;
    for (std::size_t n = 0; n < ys.size(); ++n) {
        const double margin = ys[n] * (0.4 * xs[2 * n] - 0.2 * xs[2 * n + 1] + 0.3);
        const double s = 1.0 / (1.0 + std::exp(-margin)), c = s * (1 - s);
        hbb += c;
        for (std::size_t i = 0; i < 2; ++i) {
            hwb(i) += c * xs[2 * n + i];
            for (std::size_t j = 0; j < 2; ++j) hww(i, j) += c * xs[2 * n + i] * xs[2 * n + j];
        }
    }
    BOOST_TEST(max_abs_diff(h[0][0], from(hww)) < 1e-14);
    BOOST_TEST(max_abs_diff(h[0][1], from(hwb)) < 1e-14);
    BOOST_TEST(max_abs_diff(h[1][0], from(hwb)) < 1e-14);
    BOOST_TEST(std::abs(h[1][1].item() - hbb) < 1e-14);
}

BOOST_AUTO_TEST_CASE(hessian_of_a_matrix_input_matches_differences_of_the_gradient) {
    const auto f = [](const Tensor& x) { return sum(tanh(matrix_function(x))); };
    const Tensor x = uniform({2, 3}, 14);
    const Tensor h = fn::hessian(f, x);
    BOOST_TEST(h.shape() == Shape({2, 3, 2, 3}));
    // Under the helper's NoGradGuard: jacobian records its graph anyway.
    BOOST_TEST(max_abs_diff(h, numerical_jacobian(
                                   [&](const Tensor& at) { return fn::jacobian(f, at); }, x)) <
               1e-7);
}

BOOST_AUTO_TEST_CASE(hessian_through_every_op_matches_differences_of_the_gradient) {
    // Second derivatives of each op's backward, through the public API: H against central
    // differences of the gradient (both computed by jacobian). x is (2, 3), away from kinks.
    const Tensor w = uniform({4, 3}, 60, -1.0, 1.0, false),
                 bias = uniform({4}, 61, -1.0, 1.0, false);
    const Tensor target = uniform({2, 3}, 62, 0.0, 1.0, false);
    const std::vector<std::pair<const char*, fn::OneToOne>> cases{
        {"log_softmax", [](const Tensor& x) { return sum(log_softmax(x, 1) * x); }},
        {"softmax", [](const Tensor& x) { return sum(softmax(x, 0) * x * x); }},
        {"cross_entropy",
         [](const Tensor& x) {
             return nn::cross_entropy(x * x, std::vector<std::int64_t>{2, 0});
         }},
        {"linear", [&](const Tensor& x) { return sum(tanh(linear(x, w, bias))); }},
        {"mean", [](const Tensor& x) { return sum(pow(mean(x, {0}), 3.0)) + pow(mean(x), 2.0); }},
        {"logsumexp", [](const Tensor& x) { return sum(logsumexp(x * x, {1})); }},
        {"sqrt, div", [](const Tensor& x) { return sum(sqrt(x * x + 1.0) / (x * x + 2.0)); }},
        {"log, abs", [](const Tensor& x) { return sum(log(abs(x) + 0.5) * x); }},
        {"maximum", [](const Tensor& x) { return sum(maximum(x * x, x) * x); }},
        {"where",
         [](const Tensor& x) {
             return sum(where(gt(x, full({}, 0.7, DType::Float64)), x * x * x, exp(x)));
         }},
        {"concat, permute",
         [](const Tensor& x) {
             return sum(pow(concat({x, permute(x, {0, 1})}, 0), 3.0));
         }},
        {"index_select, broadcast_to",
         [](const Tensor& x) {
             return sum(exp(index_select(x, 1, {2, 0, 2})) * broadcast_to(sum(x, {0}), {2, 3}));
         }},
        {"bce_with_logits", [&](const Tensor& x) { return nn::bce_with_logits(x * x, target); }},
        {"mse_loss", [&](const Tensor& x) { return nn::mse_loss(x * x * x, target); }},
        {"huber_loss",
         [&](const Tensor& x) { return nn::huber_loss(x * x, target, nn::Reduction::Sum, 0.3); }},
        {"log_sigmoid", [](const Tensor& x) { return sum(log_sigmoid(x * x * x)); }},
        {"max", [](const Tensor& x) { return pow(max(x), 3.0) + sum(pow(max(x, 1), 2.0)); }},
        {"unsqueeze, squeeze, flatten",
         [](const Tensor& x) { return sum(pow(flatten(squeeze(unsqueeze(x, 0), 0)), 4.0)); }},
    };
    const Tensor x = uniform({2, 3}, 63, 0.2, 1.3);
    for (const auto& [name, f] : cases) {
        const Tensor h = fn::hessian(f, x);
        const Tensor numeric =
            numerical_jacobian([&, f = f](const Tensor& at) { return fn::jacobian(f, at); }, x);
        BOOST_TEST(max_abs_diff(h, numeric) < 1e-6, name);
    }
}

BOOST_AUTO_TEST_CASE(products_agree_with_the_jacobian_and_hessian) {
    // vjp = vᵀJ, jvp = J v, hvp = H v, vhp = vᵀH.
    const Tensor x = uniform({2, 3}, 15);
    const Tensor jac = fn::jacobian(matrix_function, x);
    const Tensor v_out = uniform({2, 2}, 16, -1.0, 1.0, false);
    const Tensor v_in = uniform({2, 3}, 17, -1.0, 1.0, false);
    const auto [out, vj] = fn::vjp(matrix_function, x, v_out);
    BOOST_TEST(max_abs_diff(out, matrix_function(x.detach())) == 0.0);
    BOOST_TEST(vj.shape() == x.shape());
    BOOST_TEST(max_abs_diff(vj.to_vector(), apply(jac, 4, v_out.to_vector(), true)) < 1e-14);
    const auto jv = fn::jvp(matrix_function, x, v_in).product;
    BOOST_TEST(jv.shape() == Shape({2, 2}));
    BOOST_TEST(max_abs_diff(jv.to_vector(), apply(jac, 4, v_in.to_vector(), false)) < 1e-14);

    const Tensor y = uniform({4}, 18);
    const Tensor h = fn::hessian(scalar_function, y);
    const Tensor v = uniform({4}, 19, -1.0, 1.0, false);
    const auto [value, hv] = fn::hvp(scalar_function, y, v);
    BOOST_TEST(value.item() == scalar_function(y.detach()).item());
    BOOST_TEST(max_abs_diff(hv.to_vector(), apply(h, 4, v.to_vector(), false)) < 1e-13);
    const Tensor vh = fn::vhp(scalar_function, y, v).product;
    BOOST_TEST(max_abs_diff(vh.to_vector(), apply(h, 4, v.to_vector(), true)) < 1e-13);
    BOOST_TEST(max_abs_diff(
                   h, numerical_jacobian(
                          [](const Tensor& at) { return fn::jacobian(scalar_function, at); }, y)) <
               1e-7);
}

BOOST_AUTO_TEST_CASE(products_of_several_inputs_and_outputs) {
    const fn::ManyToMany f = [](const std::vector<Tensor>& in) {
        return std::vector<Tensor>{in[0] * exp(in[1]), sum(in[0] * in[0])};
    };
    const std::vector<Tensor> x{uniform({3}, 20), uniform({3}, 21)};
    const auto jac = fn::jacobian(f, x);
    const std::vector<Tensor> v_out{uniform({3}, 22, -1.0, 1.0, false),
                                    Tensor(0.7, DType::Float64)};
    const std::vector<Tensor> v_in{uniform({3}, 23, -1.0, 1.0, false),
                                   uniform({3}, 24, -1.0, 1.0, false)};
    const auto vj = fn::vjp(f, x, v_out).product;
    const auto jv = fn::jvp(f, x, v_in).product;
    for (std::size_t j = 0; j < 2; ++j) {  // (vᵀJ)[j] = Σ_i v_out[i]ᵀ J[i][j]
        auto expected = apply(jac[0][j], 3, v_out[0].to_vector(), true);
        const auto second = apply(jac[1][j], 1, v_out[1].to_vector(), true);
        for (std::size_t k = 0; k < 3; ++k) expected[k] += second[k];
        BOOST_TEST(max_abs_diff(vj[j].to_vector(), expected) < 1e-14);
    }
    for (std::size_t i = 0; i < 2; ++i) {  // (J v)[i] = Σ_j J[i][j] v_in[j]
        const std::size_t m = i == 0 ? 3 : 1;
        auto expected = apply(jac[i][0], m, v_in[0].to_vector(), false);
        const auto second = apply(jac[i][1], m, v_in[1].to_vector(), false);
        for (std::size_t k = 0; k < m; ++k) expected[k] += second[k];
        BOOST_TEST(max_abs_diff(jv[i].to_vector(), expected) < 1e-14);
    }
    // Scalar of several inputs: hvp and vhp blockwise against the Hessian blocks.
    const fn::ManyToOne g = [](const std::vector<Tensor>& in) {
        return sum(exp(in[0]) * in[1] * in[1]);
    };
    const auto h = fn::hessian(g, x);
    const auto hv = fn::hvp(g, x, v_in).product;
    const auto vh = fn::vhp(g, x, v_in).product;
    for (std::size_t i = 0; i < 2; ++i) {
        auto expected = apply(h[i][0], 3, v_in[0].to_vector(), false);
        const auto second = apply(h[i][1], 3, v_in[1].to_vector(), false);
        for (std::size_t k = 0; k < 3; ++k) expected[k] += second[k];
        BOOST_TEST(max_abs_diff(hv[i].to_vector(), expected) < 1e-14);
        BOOST_TEST(max_abs_diff(vh[i].to_vector(), expected) < 1e-14);  // H is symmetric
    }
}

BOOST_AUTO_TEST_CASE(v_may_be_omitted_for_a_single_element) {
    const Tensor x = Tensor(0.5, DType::Float64);
    const auto cube = [](const Tensor& t) { return t * t * t; };
    BOOST_TEST(fn::vjp(cube, x).product.item() == 3 * 0.25, tt::tolerance(1e-15));
    BOOST_TEST(fn::jvp(cube, x).product.item() == 3 * 0.25, tt::tolerance(1e-15));
    BOOST_TEST(fn::hvp(cube, x).product.item() == 6 * 0.5, tt::tolerance(1e-15));
    BOOST_TEST(fn::vhp(cube, x).product.item() == 6 * 0.5, tt::tolerance(1e-15));
    // A (1,)-shaped output of a vector input: the vjp is the gradient.
    const Tensor y = uniform({3}, 25);
    BOOST_TEST(
        max_abs_diff(fn::vjp([](const Tensor& t) { return reshape(sum(t * t), {1}); }, y).product,
                     2.0 * y.detach()) < 1e-15);
}

BOOST_AUTO_TEST_CASE(identity_and_linear_functions) {
    const Tensor x = uniform({3}, 26), v = uniform({3}, 27, -1.0, 1.0, false);
    const auto identity = [](const Tensor& t) { return t; };
    BOOST_TEST(max_abs_diff(fn::jacobian(identity, x), from(xt::eye<double>(3))) == 0.0);
    BOOST_TEST(max_abs_diff(fn::jvp(identity, x, v).product, v) == 0.0);
    BOOST_TEST(max_abs_diff(fn::vjp(identity, x, v).product, v) == 0.0);
    // A linear function has a zero Hessian (without strict).
    const auto linear = [](const Tensor& t) { return sum(t * 3.0); };
    BOOST_TEST(max_abs_diff(fn::hessian(linear, x), zeros({3, 3}, DType::Float64)) == 0.0);
    BOOST_TEST(max_abs_diff(fn::hvp(linear, x, v).product, zeros({3}, DType::Float64)) == 0.0);
    BOOST_TEST(max_abs_diff(fn::vhp(linear, x, v).product, zeros({3}, DType::Float64)) == 0.0);
}

BOOST_AUTO_TEST_CASE(create_graph_lets_a_jacobian_be_differentiated_again) {
    const Tensor x = uniform({3}, 28);
    const Tensor jac = fn::jacobian(vector_function, x, true);
    BOOST_TEST(jac.requires_grad());
    XGRAD_CHECK_GRAD(
        [](const std::vector<Tensor>& in) { return fn::jacobian(vector_function, in[0], true); },
        {x});
    XGRAD_CHECK_GRAD(
        [](const std::vector<Tensor>& in) { return fn::jacobian(matrix_function, in[0], true); },
        {uniform({2, 3}, 29)});
    // Third derivatives: the Hessian is differentiable with create_graph.
    XGRAD_CHECK_GRAD(
        [](const std::vector<Tensor>& in) { return fn::hessian(scalar_function, in[0], true); },
        {uniform({4}, 30)});
    // The Hessian of the logistic loss, differentiated in w.
    const Logistic problem;
    XGRAD_CHECK_GRAD(
        [&](const std::vector<Tensor>& in) {
            return fn::hessian([&](const Tensor& w) { return problem.loss(w); }, in[0], true);
        },
        {uniform({2}, 31)});
}

BOOST_AUTO_TEST_CASE(create_graph_products_are_differentiable_in_x_and_v) {
    const std::vector<Tensor> xv{uniform({2, 3}, 32), uniform({2, 2}, 33)};
    XGRAD_CHECK_GRAD(
        [](const std::vector<Tensor>& in) {
            return fn::vjp(matrix_function, in[0], in[1], true).product;
        },
        xv);
    XGRAD_CHECK_GRAD(
        [](const std::vector<Tensor>& in) {
            return fn::jvp(matrix_function, in[0], in[1], true).product;
        },
        {uniform({2, 3}, 34), uniform({2, 3}, 35)});
    XGRAD_CHECK_GRAD(
        [](const std::vector<Tensor>& in) {
            return fn::hvp(scalar_function, in[0], in[1], true).product;
        },
        {uniform({4}, 36), uniform({4}, 37)});
    XGRAD_CHECK_GRAD(
        [](const std::vector<Tensor>& in) {
            return fn::vhp(scalar_function, in[0], in[1], true).product;
        },
        {uniform({4}, 38), uniform({4}, 39)});
}

BOOST_AUTO_TEST_CASE(without_create_graph_nothing_returned_keeps_a_graph) {
    const Tensor x = uniform({3}, 40), v = uniform({4}, 41);  // v requires grad too
    const auto [out, vj] = fn::vjp(vector_function, x, v);
    BOOST_TEST(!out.requires_grad());
    BOOST_TEST(!vj.requires_grad());
    BOOST_TEST(!fn::hessian(scalar_function, uniform({4}, 42)).requires_grad());
    BOOST_TEST(
        !fn::hvp(scalar_function, uniform({4}, 43), uniform({4}, 44)).product.requires_grad());
}

BOOST_AUTO_TEST_CASE(an_input_passed_twice_gets_both_jacobians) {
    const Tensor x = uniform({2}, 45);
    const auto jac = fn::jacobian(
        [](const std::vector<Tensor>& in) { return in[0] * 2.0 + in[1] * 3.0; }, {x, x}, true);
    BOOST_TEST(jac[0].to_vector() == std::vector<double>({2, 0, 0, 2}));
    BOOST_TEST(jac[1].to_vector() == std::vector<double>({3, 0, 0, 3}));
}

BOOST_AUTO_TEST_CASE(strict_mode_refuses_outputs_independent_of_an_input) {
    const Tensor x = uniform({2}, 46), y = uniform({2}, 47);
    const fn::ManyToOne uses_first = [](const std::vector<Tensor>& in) { return in[0] * 2.0; };
    // Without strict, zeros.
    const auto jac = fn::jacobian(uses_first, {x, y});
    BOOST_TEST(max_abs_diff(jac[1], zeros({2, 2}, DType::Float64)) == 0.0);
    XGRAD_CHECK_THROWS(fn::jacobian(uses_first, {x, y}, false, true), GraphError,
                       "output 0 of the function is independent of input 1");
    XGRAD_CHECK_THROWS(fn::vjp(uses_first, {x, y}, ones({2}, DType::Float64), false, true),
                       GraphError, "independent of input 1");
    const auto constant = [](const Tensor&) { return ones({2}, DType::Float64); };
    BOOST_TEST(max_abs_diff(fn::jacobian(constant, x), zeros({2, 2}, DType::Float64)) == 0.0);
    BOOST_TEST(max_abs_diff(fn::jvp(constant, x, y.detach()).product, zeros({2}, DType::Float64)) ==
               0.0);
    XGRAD_CHECK_THROWS(fn::jacobian(constant, x, false, true), GraphError,
                       "output 0 of the function does not require grad");
    XGRAD_CHECK_THROWS(fn::jvp(constant, x, y.detach(), false, true), GraphError,
                       "does not require grad");
    // A linear function's Jacobian does not depend on x: strict hessian, hvp and vhp refuse it.
    const auto linear = [](const Tensor& t) { return sum(t * 3.0); };
    XGRAD_CHECK_THROWS(fn::hessian(linear, x, false, true), GraphError,
                       "the Jacobian with respect to input 0 is independent of the input");
    XGRAD_CHECK_THROWS(fn::hvp(linear, x, y.detach(), false, true), GraphError, "linear");
    XGRAD_CHECK_THROWS(fn::vhp(linear, x, y.detach(), false, true), GraphError, "linear");
    // With create_graph, strict also refuses a Jacobian that is constant in x.
    XGRAD_CHECK_THROWS(fn::jacobian([](const Tensor& t) { return t * 3.0; }, x, true, true),
                       GraphError, "strict mode refuses with create_graph");
    BOOST_TEST(fn::jacobian([](const Tensor& t) { return t * t; }, x, true, true).requires_grad());
}

BOOST_AUTO_TEST_CASE(hessian_of_a_non_scalar_function_is_a_shape_error) {
    const Tensor x = uniform({3}, 48);
    XGRAD_CHECK_THROWS(fn::hessian([](const Tensor& t) { return t * t; }, x), ShapeError,
                       "hessian: the function must return a tensor with a single element (a "
                       "scalar), it returned shape (3,)");
    XGRAD_CHECK_THROWS(fn::hvp([](const Tensor& t) { return t * t; }, x, x.detach()), ShapeError,
                       "hvp: the function must return a tensor with a single element");
    XGRAD_CHECK_THROWS(fn::vhp(matrix_function, uniform({2, 3}, 49), uniform({2, 3}, 50)),
                       ShapeError, "returned shape (2, 2)");
}

BOOST_AUTO_TEST_CASE(mismatched_v_is_a_typed_error) {
    const Tensor x = uniform({3}, 51);
    XGRAD_CHECK_THROWS(fn::vjp(vector_function, x, ones({3}, DType::Float64)), ShapeError,
                       "vjp: v has shape (3,) but should have the shape of the output, (4,)");
    XGRAD_CHECK_THROWS(fn::jvp(vector_function, x, ones({4}, DType::Float64)), ShapeError,
                       "jvp: v has shape (4,) but should have the shape of the input, (3,)");
    XGRAD_CHECK_THROWS(fn::hvp(scalar_function, x, ones({2}, DType::Float64)), ShapeError,
                       "hvp: v has shape (2,)");
    XGRAD_CHECK_THROWS(fn::vhp(scalar_function, x, ones({3, 1}, DType::Float64)), ShapeError,
                       "vhp: v has shape (3, 1)");
    XGRAD_CHECK_THROWS(fn::vjp(vector_function, x), ValueError,
                       "vjp: v can be omitted only when the output is a single tensor with a "
                       "single element");
    XGRAD_CHECK_THROWS(fn::jvp(vector_function, x), ValueError, "the input is a single tensor");
    XGRAD_CHECK_THROWS(fn::vjp(vector_function, x, ones({4})), DTypeError,
                       "v has dtype float32 but the output has dtype float64");
    const fn::ManyToMany f = [](const std::vector<Tensor>& in) {
        return std::vector<Tensor>{in[0] * in[1], sum(in[0])};
    };
    const std::vector<Tensor> ab{uniform({2}, 52), uniform({2}, 53)};
    XGRAD_CHECK_THROWS(fn::vjp(f, ab, {ones({2}, DType::Float64)}), ValueError,
                       "v holds 1 tensors but there are 2 outputs");
    XGRAD_CHECK_THROWS(fn::jvp(f, ab, {ones({2}, DType::Float64), ones({3}, DType::Float64)}),
                       ShapeError,
                       "v[1] has shape (3,) but should have the shape of input 1, (2,)");
    XGRAD_CHECK_THROWS(fn::jacobian(vector_function, Tensor()), ValueError, "input is undefined");
}

BOOST_AUTO_TEST_SUITE_END()
