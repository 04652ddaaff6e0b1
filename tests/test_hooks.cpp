// Gradient hooks on tensors (Tensor::register_hook) and forward / forward-pre / full backward hooks
// on modules, with PyTorch's semantics.
#include <cmath>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "xgrad/nn/activation.hpp"
#include "xgrad/nn/linear.hpp"
#include "xgrad/nn/sequential.hpp"

using namespace xgrad;
namespace tt = boost::test_tools;

namespace {
using Values = std::vector<double>;

Values values(const Tensor& t) { return t.to_vector(); }

/// (n, k) @ (k, m) by hand, on row-major value vectors.
Values matmul_by_hand(const Values& a, const Values& b, std::size_t n, std::size_t k,
                      std::size_t m) {
    Values out(n * m, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < m; ++j)
            for (std::size_t p = 0; p < k; ++p) out[i * m + j] += a[i * k + p] * b[p * m + j];
    return out;
}

void check_close(const Values& got, const Values& want) {
    BOOST_TEST_REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        BOOST_TEST(got[i] == want[i], tt::tolerance(1e-12));
}
}  // namespace

BOOST_AUTO_TEST_SUITE(hooks)

BOOST_AUTO_TEST_CASE(hook_clips_one_tensors_gradient) {
    const Tensor x({1.0, -2.0, 3.0}, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor w({1.0, -2.0, 3.0}, TensorOptions(DType::Float64).requires_grad(true));
    x.register_hook([](const Tensor& g) { return clamp(g, -1.0, 1.0); });
    sum(x * 10.0 + w * 10.0).backward();
    BOOST_TEST(values(x.grad()) == Values({1.0, 1.0, 1.0}));
    BOOST_TEST(values(w.grad()) == Values({10.0, 10.0, 10.0}));  // other tensors unclipped
}

BOOST_AUTO_TEST_CASE(logging_hook_sees_the_gradient_and_leaves_it) {
    const Tensor x({1.0, 2.0}, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor y = x * 3.0;
    Values logged_x, logged_y;
    x.register_hook([&](const Tensor& g) { logged_x = values(g); });
    y.register_hook([&](const Tensor& g) { logged_y = values(g); });
    sum(y * y).backward();
    BOOST_TEST(logged_y == Values({6.0, 12.0}));   // 2y
    BOOST_TEST(logged_x == Values({18.0, 36.0}));  // 18x
    BOOST_TEST(values(x.grad()) == Values({18.0, 36.0}));
}

BOOST_AUTO_TEST_CASE(hooks_run_in_registration_order_each_on_the_previous_result) {
    const Tensor x({1.0, 2.0}, TensorOptions(DType::Float64).requires_grad(true));
    std::vector<int> calls;
    Values seen_by_second;
    x.register_hook([&](const Tensor& g) {
        calls.push_back(1);
        return g * 2.0;
    });
    x.register_hook([&](const Tensor& g) {
        calls.push_back(2);
        seen_by_second = values(g);
        return g + 1.0;
    });
    sum(x * 5.0).backward();
    BOOST_TEST(calls == std::vector<int>({1, 2}));
    BOOST_TEST(seen_by_second == Values({10.0, 10.0}));
    BOOST_TEST(values(x.grad()) == Values({11.0, 11.0}));
}

BOOST_AUTO_TEST_CASE(removed_hook_no_longer_runs) {
    const Tensor x({1.0, 2.0}, TensorOptions(DType::Float64).requires_grad(true));
    int first = 0, second = 0;
    HookHandle h1 = x.register_hook([&](const Tensor& g) {
        ++first;
        return g * 100.0;
    });
    x.register_hook([&](const Tensor&) { ++second; });
    h1.remove();
    h1.remove();  // a second remove does nothing
    sum(x * 2.0).backward();
    BOOST_TEST(first == 0);
    BOOST_TEST(second == 1);
    BOOST_TEST(values(x.grad()) == Values({2.0, 2.0}));
    HookHandle().remove();  // a default handle removes nothing
}

BOOST_AUTO_TEST_CASE(handle_outlives_its_tensor) {
    HookHandle handle;
    {
        const Tensor x({1.0}, TensorOptions(DType::Float64).requires_grad(true));
        handle = x.register_hook([](const Tensor& g) { return g; });
    }
    handle.remove();  // the tensor is gone: nothing to remove, no crash
    BOOST_TEST(true);
}

BOOST_AUTO_TEST_CASE(interior_hook_sees_the_full_gradient_once_before_backward_uses_it) {
    const Tensor x({1.0, 2.0}, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor y = x * 3.0;  // y = (3, 6), used by two ops below
    int calls = 0;
    Values seen;
    y.register_hook([&](const Tensor& g) {
        ++calls;
        seen = values(g);
        return g * 0.5;
    });
    (sum(y * y) + sum(y)).backward();
    BOOST_TEST(calls == 1);
    BOOST_TEST(seen == Values({7.0, 13.0}));               // 2y + 1, both consumers summed
    BOOST_TEST(values(x.grad()) == Values({10.5, 19.5}));  // 3 * (2y + 1) / 2
}

BOOST_AUTO_TEST_CASE(leaf_hook_runs_before_accumulation_into_grad) {
    const Tensor x({1.0, 2.0}, TensorOptions(DType::Float64).requires_grad(true));
    sum(x * 2.0).backward();  // grad = (2, 2)
    Values seen;
    x.register_hook([&](const Tensor& g) {
        seen = values(g);
        return g * 10.0;
    });
    sum(x * 3.0).backward();
    BOOST_TEST(seen == Values({3.0, 3.0}));  // this pass's gradient, not the accumulated one
    BOOST_TEST(values(x.grad()) == Values({32.0, 32.0}));  // 2 + 10 * 3
}

BOOST_AUTO_TEST_CASE(hook_on_a_root_and_on_a_leaf_used_directly) {
    const Tensor x(2.0, TensorOptions(DType::Float64).requires_grad(true));
    x.register_hook([](const Tensor& g) { return g * 4.0; });
    x.backward();  // the root is the leaf itself
    BOOST_TEST(x.grad().item() == 4.0);
}

BOOST_AUTO_TEST_CASE(create_graph_differentiates_through_the_hook) {
    // u = x^2, z = u^3 = x^6, with a hook doubling dz/du: dz/dx = 2 * 3u^2 * 2x = 12 x^5.
    const double x0 = 1.3;
    const Tensor x(x0, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor u = x * x;
    std::vector<bool> differentiable;
    HookHandle doubling = u.register_hook([&](const Tensor& g) {
        differentiable.push_back(g.requires_grad());
        return 2.0 * g;
    });
    const Tensor z = u * u * u;
    const Tensor dx = grad({z}, {x}, {}, /*create_graph=*/true)[0];
    BOOST_TEST(dx.item() == 12 * std::pow(x0, 5), tt::tolerance(1e-12));
    // Under create_graph the hook gets a differentiable gradient.
    BOOST_TEST(differentiable == std::vector<bool>({true}));
    // The hook still doubles the gradient reaching u in the second pass (as in PyTorch):
    // d(dx)/dx = 24 u x * 2 * 2x + 12 u^2 = 108 x^4.
    const Tensor d2x_hooked = grad({dx}, {x}, {}, false, false, /*retain_graph=*/true)[0];
    BOOST_TEST(d2x_hooked.item() == 108 * std::pow(x0, 4), tt::tolerance(1e-12));
    // Without it, the second derivative is that of 12 x^5: the 2 the hook applied was recorded.
    doubling.remove();
    const Tensor d2x = grad({dx}, {x})[0];
    BOOST_TEST(d2x.item() == 60 * std::pow(x0, 4), tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(create_graph_through_a_leaf_hook) {
    // y = x^3; the hook on x doubles: g = 6x^2, and its derivative 12x.
    const Tensor x(0.7, TensorOptions(DType::Float64).requires_grad(true));
    HookHandle h = x.register_hook([](const Tensor& g) { return g * 2.0; });
    const Tensor g = grad({x * x * x}, {x}, {}, true)[0];
    BOOST_TEST(g.item() == 6 * 0.7 * 0.7, tt::tolerance(1e-12));
    h.remove();
    BOOST_TEST(grad({g}, {x})[0].item() == 12 * 0.7, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(grad_runs_hooks_of_what_it_reaches_and_returns) {
    const Tensor x({1.0, 2.0}, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor w({3.0, 4.0}, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor y = x * w;
    int w_calls = 0;
    y.register_hook([](const Tensor& g) { return g * 2.0; });
    x.register_hook([](const Tensor& g) { return g + 1.0; });
    w.register_hook([&](const Tensor&) { ++w_calls; });
    const Tensor gx = grad({sum(y)}, {x})[0];
    BOOST_TEST(values(gx) == Values({7.0, 9.0}));  // 2w + 1
    BOOST_TEST(w_calls == 0);                      // w is not asked for: its hook does not run
    BOOST_TEST(!x.grad().defined());
    BOOST_TEST(!w.grad().defined());
}

BOOST_AUTO_TEST_CASE(hook_returning_the_wrong_shape_or_dtype_is_a_typed_error) {
    const Tensor x = ones({2, 2}, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor y = x * 3.0;
    HookHandle h = y.register_hook([](const Tensor&) { return zeros({3}, DType::Float64); });
    XGRAD_CHECK_THROWS(sum(y).backward(Tensor(), true), ShapeError, "op 'mul_scalar'");
    XGRAD_CHECK_THROWS(sum(y).backward(Tensor(), true), ShapeError, "returned shape (3,)");
    XGRAD_CHECK_THROWS(sum(y).backward(Tensor(), true), ShapeError,
                       "expected the tensor's shape (2, 2)");
    h.remove();
    y.register_hook([](const Tensor& g) { return g.to(DType::Float32); });
    XGRAD_CHECK_THROWS(sum(y).backward(), DTypeError, "returned dtype float32");
}

BOOST_AUTO_TEST_CASE(hook_on_a_tensor_without_grad_is_refused) {
    const Tensor c({1.0, 2.0});
    XGRAD_CHECK_THROWS(c.register_hook([](const Tensor& g) { return g; }), GraphError,
                       "does not require grad");
}

// Module hooks on a Linear 3 -> 2 in float64, input (4, 3).
namespace {
struct LinearCase {
    nn::Linear layer{nn::LinearOptions(3, 2).dtype(DType::Float64)};
    Tensor x = testing::uniform({4, 3}, 11);
    Tensor c = testing::uniform({4, 2}, 12, -1.0, 1.0, false);  // loss = sum(y * c): dL/dy = c

    /// x W^T + b by hand.
    Values forward_by_hand(const Values& input) const {
        const Values w = values(layer.weight()), b = values(layer.bias());
        Values out(8, 0.0);
        for (std::size_t i = 0; i < 4; ++i)
            for (std::size_t j = 0; j < 2; ++j) {
                out[i * 2 + j] = b[j];
                for (std::size_t k = 0; k < 3; ++k)
                    out[i * 2 + j] += input[i * 3 + k] * w[j * 3 + k];
            }
        return out;
    }
    /// dL/dx = c W.
    Values grad_input_by_hand() const {
        return matmul_by_hand(values(c), values(layer.weight()), 4, 2, 3);
    }
};
}  // namespace

BOOST_AUTO_TEST_CASE(module_forward_pre_hook_replaces_the_input) {
    LinearCase t;
    nn::Module* seen_module = nullptr;
    t.layer.register_forward_pre_hook([&](nn::Module& m, const Tensor& input) {
        seen_module = &m;
        return input * 2.0;
    });
    const Tensor y = t.layer(t.x);
    BOOST_TEST(seen_module == &t.layer);
    check_close(values(y), t.forward_by_hand(values(t.x * 2.0)));
}

BOOST_AUTO_TEST_CASE(module_forward_hook_sees_input_and_output_and_replaces_the_output) {
    LinearCase t;
    Values seen_input, seen_output;
    t.layer.register_forward_hook([&](nn::Module&, const Tensor& input, const Tensor& output) {
        seen_input = values(input);
        seen_output = values(output);
    });
    t.layer.register_forward_hook(
        [](nn::Module&, const Tensor&, const Tensor& output) { return output + 1.0; });
    const Tensor y = t.layer(t.x);
    BOOST_TEST(seen_input == values(t.x));
    check_close(seen_output, t.forward_by_hand(values(t.x)));
    Values plus_one = t.forward_by_hand(values(t.x));
    for (auto& v : plus_one) v += 1.0;
    check_close(values(y), plus_one);
}

BOOST_AUTO_TEST_CASE(module_full_backward_hook_gets_grad_input_and_grad_output) {
    LinearCase t;
    Values grad_input, grad_output;
    int calls = 0;
    t.layer.register_full_backward_hook([&](nn::Module&, const Tensor& gi, const Tensor& go) {
        ++calls;
        grad_input = values(gi);
        grad_output = values(go);
    });
    // x is also used outside the layer: grad_input is the layer's share, x.grad the total.
    const Tensor loss = sum(t.layer(t.x) * t.c) + sum(t.x);
    loss.backward();
    BOOST_TEST(calls == 1);
    check_close(grad_output, values(t.c));
    check_close(grad_input, t.grad_input_by_hand());
    Values total = t.grad_input_by_hand();
    for (auto& v : total) v += 1.0;
    check_close(values(t.x.grad()), total);
}

BOOST_AUTO_TEST_CASE(module_full_backward_hook_can_replace_grad_input) {
    LinearCase t;
    t.layer.register_full_backward_hook(
        [](nn::Module&, const Tensor& gi, const Tensor&) { return gi * 0.0; });
    sum(t.layer(t.x) * t.c).backward();
    check_close(values(t.x.grad()), Values(12, 0.0));
    // The parameters' gradients are not the input's: dL/dW = c^T x is untouched.
    BOOST_TEST(t.layer.weight().grad().defined());
    BOOST_TEST(std::abs(values(t.layer.weight().grad())[0]) > 0.0);
}

BOOST_AUTO_TEST_CASE(module_full_backward_hook_without_input_grad) {
    LinearCase t;
    const Tensor data = t.x.detach();
    int calls = 0;
    bool grad_input_defined = true;
    Values grad_output;
    t.layer.register_full_backward_hook([&](nn::Module&, const Tensor& gi, const Tensor& go) {
        ++calls;
        grad_input_defined = gi.defined();
        grad_output = values(go);
    });
    sum(t.layer(data) * t.c).backward();
    BOOST_TEST(calls == 1);
    BOOST_TEST(!grad_input_defined);
    check_close(grad_output, values(t.c));
}

BOOST_AUTO_TEST_CASE(module_hooks_run_inside_a_sequential_and_are_removable) {
    auto first = std::make_shared<nn::Linear>(nn::LinearOptions(3, 2).dtype(DType::Float64));
    nn::Sequential model{first, std::make_shared<nn::ReLU>()};
    int pre = 0, post = 0, back = 0;
    HookHandle h_pre = first->register_forward_pre_hook([&](nn::Module&, const Tensor&) { ++pre; });
    HookHandle h_post =
        first->register_forward_hook([&](nn::Module&, const Tensor&, const Tensor&) { ++post; });
    HookHandle h_back = first->register_full_backward_hook(
        [&](nn::Module&, const Tensor&, const Tensor&) { ++back; });
    const Tensor x = testing::uniform({4, 3}, 13);
    sum(model(x)).backward();
    BOOST_TEST(pre == 1);
    BOOST_TEST(post == 1);
    BOOST_TEST(back == 1);

    h_pre.remove();
    h_post.remove();
    h_back.remove();
    const Tensor y = model(x);
    BOOST_TEST(std::string(y.inputs()[0].op_name()) != "backward_hook");  // no identity op left
    sum(y).backward();
    BOOST_TEST(pre == 1);
    BOOST_TEST(post == 1);
    BOOST_TEST(back == 1);
}

BOOST_AUTO_TEST_CASE(module_handle_outlives_its_module) {
    HookHandle handle;
    {
        nn::Linear layer(2, 2);
        handle = layer.register_forward_hook([](nn::Module&, const Tensor&, const Tensor&) {});
    }
    handle.remove();
    BOOST_TEST(true);
}

BOOST_AUTO_TEST_SUITE_END()
