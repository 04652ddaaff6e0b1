// The engine: accumulation, retain_graph, functional grad, higher order, no-grad, anomaly mode,
// long chains, error cases.
#include <cmath>
#include <thread>

#include "helpers.hpp"

using namespace xgrad;
using xgrad::testing::uniform;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(autograd)

BOOST_AUTO_TEST_CASE(non_leaf_used_twice_gets_both_contributions) {
    const Tensor x(3.0, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor y = x * x;      // used twice below
    const Tensor z = y * y + y;  // z = x^4 + x^2, dz/dx = 4x^3 + 2x = 114
    z.backward();
    BOOST_TEST(x.grad().item() == 114.0);
}

BOOST_AUTO_TEST_CASE(leaf_used_twice_in_one_op) {
    const Tensor x({1.0, 2.0}, TensorOptions(DType::Float64).requires_grad(true));
    sum(x * x).backward();
    BOOST_TEST(x.grad().to_vector() == std::vector<double>({2.0, 4.0}));
}

BOOST_AUTO_TEST_CASE(gradients_accumulate_until_zeroed) {
    const Tensor x(2.0, TensorOptions(DType::Float64).requires_grad(true));
    (x * 3.0).backward();
    (x * x).backward();
    BOOST_TEST(x.grad().item() == 3.0 + 4.0);
    x.zero_grad();
    BOOST_TEST(!x.grad().defined());
    (x * 5.0).backward();
    BOOST_TEST(x.grad().item() == 5.0);
}

BOOST_AUTO_TEST_CASE(shared_gradient_is_not_aliased_between_leaves) {
    // add hands one gradient to both inputs; accumulating into one leaf must not change the other.
    const Tensor a(1.0, TensorOptions(DType::Float64).requires_grad(true)),
        b(1.0, TensorOptions(DType::Float64).requires_grad(true));
    (a + b).backward();
    (a * 2.0).backward();
    BOOST_TEST(a.grad().item() == 3.0);
    BOOST_TEST(b.grad().item() == 1.0);
}

BOOST_AUTO_TEST_CASE(retain_graph_allows_a_second_backward) {
    const Tensor x(2.0, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor y = exp(x) * x;
    y.backward(Tensor(), true);
    y.backward();
    BOOST_TEST(x.grad().item() == 2.0 * (std::exp(2.0) * 3.0), tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(second_backward_through_released_graph_is_an_error) {
    const Tensor x(2.0, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor y = exp(x) * x;
    y.backward();
    XGRAD_CHECK_THROWS(y.backward(), GraphError, "second time");
}

BOOST_AUTO_TEST_CASE(non_scalar_backward_needs_a_gradient) {
    const Tensor x = uniform({2, 3}, 1);
    const Tensor y = x * 2.0;
    XGRAD_CHECK_THROWS(y.backward(), ShapeError, "(2, 3)");
    XGRAD_CHECK_THROWS(y.backward(ones({3, 2}, DType::Float64)), ShapeError, "(3, 2)");
    y.backward(full({2, 3}, 0.5, DType::Float64));
    BOOST_TEST(x.grad().to_vector() == std::vector<double>(6, 1.0));
}

BOOST_AUTO_TEST_CASE(functional_grad_does_not_touch_dot_grad) {
    const Tensor x(1.5, TensorOptions(DType::Float64).requires_grad(true));
    const auto g = grad({x * x * x}, {x});
    BOOST_TEST(g[0].item() == 3 * 1.5 * 1.5);
    BOOST_TEST(!x.grad().defined());
    const Tensor unused(1.0, TensorOptions(DType::Float64).requires_grad(true));
    XGRAD_CHECK_THROWS(grad({x * 2.0}, {unused}), GraphError, "not used");
    BOOST_TEST(!grad({x * 2.0}, {unused}, {}, false, true)[0].defined());
}

BOOST_AUTO_TEST_CASE(second_derivatives_match_closed_forms) {
    for (double v : {-1.3, 0.2, 0.9}) {
        const Tensor x(v, TensorOptions(DType::Float64).requires_grad(true));
        const auto d1 = grad({tanh(x)}, {x}, {}, true);
        const auto d2 = grad({d1[0]}, {x});
        const double t = std::tanh(v);
        BOOST_TEST(d1[0].item() == 1 - t * t, tt::tolerance(1e-14));
        BOOST_TEST(d2[0].item() == -2 * t * (1 - t * t), tt::tolerance(1e-12));

        const auto c1 = grad({pow(x, 3.0)}, {x}, {}, true);
        const auto c2 = grad({c1[0]}, {x}, {}, true);
        const auto c3 = grad({c2[0]}, {x});
        BOOST_TEST(c1[0].item() == 3 * v * v, tt::tolerance(1e-14));
        BOOST_TEST(c2[0].item() == 6 * v, tt::tolerance(1e-14));
        BOOST_TEST(c3[0].item() == 6.0, tt::tolerance(1e-14));
    }
}

BOOST_AUTO_TEST_CASE(hessian_vector_product_of_a_quadratic_form) {
    // f = 0.5 xᵀAx with symmetric A: ∇f = Ax, and the HVP ∇(∇f·v) = Av.
    const Tensor m = uniform({4, 4}, 2, -1.0, 1.0, false);
    const Tensor a = (m + transpose(m)).detach();
    const Tensor x = uniform({4, 1}, 3);
    const Tensor v = uniform({4, 1}, 4, -1.0, 1.0, false);
    const Tensor f = 0.5 * sum(matmul(matmul(x, a, true, false), x));
    const Tensor g = grad({f}, {x}, {}, true)[0];
    const Tensor hvp = grad({sum(g * v)}, {x})[0];
    BOOST_TEST(hvp.to_vector() == matmul(a, v).to_vector(), tt::tolerance(1e-12)
                                                                << tt::per_element());
    BOOST_TEST(g.to_vector() == matmul(a, x).to_vector(), tt::tolerance(1e-12)
                                                              << tt::per_element());
}

BOOST_AUTO_TEST_CASE(second_order_gradcheck_through_composite_ops) {
    // Gradients of gradients, checked against central differences of the first gradient.
    const auto first = [](const std::vector<Tensor>& v) {
        const Tensor y = sum(softmax(v[0], 1) * log_sigmoid(v[0]) + tanh(v[0]) * sigmoid(v[0]));
        return grad({y}, {v[0]}, {}, true)[0];
    };
    XGRAD_CHECK_GRAD(first, {uniform({2, 3}, 5)});
    const auto first_mm = [](const std::vector<Tensor>& v) {
        const Tensor y = sum(exp(matmul(v[0], v[1])) / 4.0);
        return grad({y}, {v[0], v[1]}, {}, true)[1];
    };
    XGRAD_CHECK_GRAD(first_mm, {uniform({2, 3}, 6), uniform({3, 2}, 7)});
}

BOOST_AUTO_TEST_CASE(direct_gradients_never_overwrite_a_shared_buffer) {
    // Backward functions may write their result into the incoming gradient's buffer when nothing
    // else holds it. A gradient the caller passed, or one that add hands to both its inputs,
    // must stay intact.
    const Tensor x({0.5, -1.0, 2.0}, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor given({1.0, 2.0, 3.0}, DType::Float64);
    tanh(relu(x) * 2.0).backward(given);
    BOOST_TEST(given.to_vector() == std::vector<double>({1.0, 2.0, 3.0}));
    x.zero_grad();
    // y = tanh(x) + relu(x): add gives the same gradient to both branches.
    sum(tanh(x) + relu(x) + sigmoid(x) * x).backward();
    for (std::size_t i = 0; i < 3; ++i) {
        const double v = x.to_vector()[i], t = std::tanh(v), s = 1 / (1 + std::exp(-v));
        const double expected = (1 - t * t) + (v > 0 ? 1.0 : 0.0) + s + v * s * (1 - s);
        BOOST_TEST(x.grad().to_vector()[i] == expected, tt::tolerance(1e-12));
    }
    // x * x: both inputs of mul are x; each product must read g before the other overwrites it.
    x.zero_grad();
    sum(exp(x * x)).backward();
    for (std::size_t i = 0; i < 3; ++i) {
        const double v = x.to_vector()[i];
        BOOST_TEST(x.grad().to_vector()[i] == 2 * v * std::exp(v * v), tt::tolerance(1e-12));
    }
}

BOOST_AUTO_TEST_CASE(lecture_logistic_loss_matches_closed_form) {
    // L(w, b) = -Σ log σ(yₙ(w·xₙ + b)), y ∈ {-1, +1}; ∂L/∂w = -Σ (1 - σ(yₙ(w·xₙ+b))) yₙ xₙ.
    const Tensor xs = uniform({6, 2}, 8, -2.0, 2.0, false);
    const Tensor ys = reshape(Tensor({1, -1, 1, 1, -1, -1}, DType::Float64), {6, 1});
    const Tensor w = uniform({2, 1}, 9);
    const Tensor b(0.3, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor loss = -sum(log_sigmoid(ys * (matmul(xs, w) + b)));
    loss.backward();
    const auto& x = xs.value<double>();
    const auto& y = ys.value<double>();
    const auto& wv = w.value<double>();
    double gw0 = 0, gw1 = 0, gb = 0;
    for (std::size_t n = 0; n < 6; ++n) {
        const double margin = y(n, 0) * (wv(0, 0) * x(n, 0) + wv(1, 0) * x(n, 1) + 0.3);
        const double coeff = -(1 - 1 / (1 + std::exp(-margin))) * y(n, 0);
        gw0 += coeff * x(n, 0);
        gw1 += coeff * x(n, 1);
        gb += coeff;
    }
    BOOST_TEST(w.grad().to_vector() == std::vector<double>({gw0, gw1}), tt::tolerance(1e-12)
                                                                            << tt::per_element());
    BOOST_TEST(b.grad().item() == gb, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(no_grad_mode_records_nothing_and_is_thread_local) {
    const Tensor x(2.0, TensorOptions(DType::Float64).requires_grad(true));
    {
        NoGradGuard guard;
        const Tensor y = x * x;
        BOOST_TEST(!y.requires_grad());
        BOOST_TEST(y.is_leaf());
        std::thread other([&] { BOOST_TEST(is_grad_enabled()); });
        other.join();
    }
    BOOST_TEST(is_grad_enabled());
    BOOST_TEST((x * x).requires_grad());
}

BOOST_AUTO_TEST_CASE(detach_and_requires_grad) {
    const Tensor x(2.0, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor d = (x * x).detach();
    BOOST_TEST(!d.requires_grad());
    const Tensor y = d * x;  // d is a constant 4
    y.backward();
    BOOST_TEST(x.grad().item() == 4.0);
    Tensor c(1.0);
    BOOST_TEST(!c.requires_grad());
    c.requires_grad_();
    BOOST_TEST(c.requires_grad());
    XGRAD_CHECK_THROWS((x * 2.0).requires_grad_(false), GraphError, "only leaves");
}

BOOST_AUTO_TEST_CASE(anomaly_mode_names_the_op) {
    const Tensor x({1.0, -1.0}, TensorOptions(DType::Float64).requires_grad(true));
    {
        DetectAnomalyGuard anomaly;
        XGRAD_CHECK_THROWS(log(x - 1.0), GraphError, "'log'");
        const Tensor y = sqrt(x * 0.0);  // forward is finite (0), backward divides by 0
        XGRAD_CHECK_THROWS(sum(y).backward(), GraphError, "backward of op 'sqrt'");
    }
    const Tensor quiet = log(x - 1.0);  // off again: no check
    BOOST_TEST(std::isnan(quiet.to_vector()[1]));
}

BOOST_AUTO_TEST_CASE(million_node_chain_backpropagates_and_is_destroyed) {
    Tensor x(1.0, TensorOptions(DType::Float64).requires_grad(true));
    {
        Tensor y = x;
        for (int i = 0; i < 1000000; ++i) y = y * 1.0;
        y.backward();
        BOOST_TEST(x.grad().item() == 1.0);
        x.zero_grad();
        // y goes out of scope here: a million nodes destroyed without recursion.
    }
    Tensor z = x;
    for (int i = 0; i < 1000000; ++i) z = z + 0.0;
    BOOST_TEST(std::string(z.op_name()) == "add_scalar");
}

BOOST_AUTO_TEST_CASE(errors_name_op_shapes_and_expectation) {
    const Tensor a = uniform({2, 3}, 10), b = uniform({4, 5}, 11);
    XGRAD_CHECK_THROWS(a + b, ShapeError, "add: shapes (2, 3) and (4, 5) do not broadcast");
    XGRAD_CHECK_THROWS(matmul(a, b), ShapeError, "matmul: inner sizes differ in (2, 3) @ (4, 5)");
    XGRAD_CHECK_THROWS(matmul(uniform({3}, 1), b), ShapeError,
                       "matmul: inner sizes differ in (3,) @ (4, 5): 3 vs 4");
    XGRAD_CHECK_THROWS(matmul(Tensor(1.0, DType::Float64), b), ShapeError,
                       "expected operands of at least 1");
    XGRAD_CHECK_THROWS(a * a.to(DType::Float32), DTypeError, "mul: expected inputs of one dtype");
    XGRAD_CHECK_THROWS(sum(a, {2}), IndexError, "sum: axis 2 is out of range");
    XGRAD_CHECK_THROWS(reshape(a, {4, 2}), ShapeError, "reshape: cannot reshape (2, 3)");
    XGRAD_CHECK_THROWS(index_select(a, 0, {2}), IndexError, "index 2 is out of range");
    XGRAD_CHECK_THROWS(concat({a, b}, 0), ShapeError, "concat: shape (4, 5) does not fit (2, 3)");
    XGRAD_CHECK_THROWS(a.value<float>(), DTypeError,
                       "requested float32 but the tensor holds float64");
    XGRAD_CHECK_THROWS(a.item(), ValueError, "got shape (2, 3)");
    const Tensor constant_tensor({1.0, 2.0});
    XGRAD_CHECK_THROWS(sum(constant_tensor).backward(), GraphError, "does not require grad");
    // Every xgrad error is also an xgrad::Error and a std::exception.
    try {
        (void)(a + b);
        BOOST_FAIL("expected a ShapeError");
    } catch (const xgrad::Error& e) {
        BOOST_TEST(std::string(e.what()).find("add") != std::string::npos);
    }
    BOOST_CHECK_THROW((void)(a + b), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(dot_export_lists_ops_and_edges) {
    const Tensor x = uniform({2, 2}, 12);
    const std::string dot = to_dot(sum(tanh(matmul(x, x))));
    BOOST_TEST(dot.find("digraph") == 0u);
    for (const char* expected : {"sum", "tanh", "matmul", "param", "->"})
        BOOST_TEST(dot.find(expected) != std::string::npos, "missing " << expected);
}

BOOST_AUTO_TEST_CASE(gradcheck_detects_a_wrong_gradient) {
    // A deliberately wrong backward (factor 2 missing) must fail gradcheck.
    const auto wrong_square = [](const std::vector<Tensor>& v) {
        const Tensor& x = v[0];
        return make_op("wrong_square",
                       Array(xt::xarray<double>(x.value<double>() * x.value<double>())), {x},
                       [](const Tensor& g, const Tensor&, const std::vector<Tensor>& in) {
                           return std::vector<Tensor>{g * in[0]};
                       });
    };
    const auto result = gradcheck(wrong_square, {uniform({3}, 13)});
    BOOST_TEST(!result.ok);
    BOOST_TEST(result.report.find("input 0") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
