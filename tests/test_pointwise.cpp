// pointwise: every elementwise op's one derivative rule gives the same gradient in its two
// instantiations, the fused loop (first order) and the differentiable Tensor ops (create_graph),
// to the last bit, in float32 and float64, with broadcasting; and gradcheck passes in second
// order through the Tensor form.
#include <boost/test/unit_test.hpp>
#include <functional>
#include <string>
#include <vector>

#include "xgrad/nn.hpp"
#include "xgrad/xgrad.hpp"

using namespace xgrad;

namespace {
using Binary = std::function<Tensor(const Tensor&, const Tensor&)>;

struct Case {
    std::string name;
    Binary op;
};

/// Positive values (log, sqrt, pow, div) with a mix of magnitudes; `b` is broadcast when `row`.
std::vector<Tensor> operands(DType dtype, bool row) {
    Tensor a({{0.3, 1.7, 2.5}, {0.9, 4.0, 0.05}}, TensorOptions(dtype).requires_grad(true));
    Tensor b =
        row ? Tensor({0.6, 1.3, 2.2}, TensorOptions(dtype).requires_grad(true))
            : Tensor({{0.6, 1.3, 2.2}, {3.1, 0.45, 1.9}}, TensorOptions(dtype).requires_grad(true));
    return {a, b};
}

/// The gradients of sum(w * op(a, b)) for a and b, first order or under create_graph.
std::vector<Tensor> gradients(const Case& c, const std::vector<Tensor>& in, bool create_graph) {
    const Tensor w = Tensor({{1.5, -0.5, 2.0}, {0.25, -3.0, 1.0}}, in[0].dtype());
    return grad({sum(c.op(in[0], in[1]) * w)}, in, {}, create_graph, /*allow_unused=*/true);
}

std::vector<Case> cases() {
    return {
        {"exp", [](const Tensor& a, const Tensor&) { return exp(a); }},
        {"log", [](const Tensor& a, const Tensor&) { return log(a); }},
        {"sqrt", [](const Tensor& a, const Tensor&) { return sqrt(a); }},
        {"abs", [](const Tensor& a, const Tensor&) { return abs(a - 1.0); }},
        {"sigmoid", [](const Tensor& a, const Tensor&) { return sigmoid(a - 2.0); }},
        {"tanh", [](const Tensor& a, const Tensor&) { return tanh(a - 1.0); }},
        {"relu", [](const Tensor& a, const Tensor&) { return relu(a - 1.0); }},
        {"leaky_relu", [](const Tensor& a, const Tensor&) { return leaky_relu(a - 1.0, 0.2); }},
        {"softplus", [](const Tensor& a, const Tensor&) { return softplus(a - 2.0); }},
        {"log_sigmoid", [](const Tensor& a, const Tensor&) { return log_sigmoid(a - 2.0); }},
        {"clamp", [](const Tensor& a, const Tensor&) { return clamp(a, 0.5, 2.0); }},
        {"neg", [](const Tensor& a, const Tensor&) { return -a; }},
        {"scalar ops", [](const Tensor& a, const Tensor&) { return 3.0 / (2.0 - a * 0.7) / 1.3; }},
        {"pow_scalar", [](const Tensor& a, const Tensor&) { return pow(a, 2.5); }},
        {"mul", [](const Tensor& a, const Tensor& b) { return a * b; }},
        {"div", [](const Tensor& a, const Tensor& b) { return a / b; }},
        {"mul of one tensor", [](const Tensor& a, const Tensor&) { return a * a; }},
        {"logistic_loss",
         [](const Tensor& a, const Tensor& b) {
             return nn::logistic_loss(a - b, sign(a - 1.0), nn::Reduction::None);
         }},
    };
}
}  // namespace

BOOST_AUTO_TEST_SUITE(pointwise)

BOOST_AUTO_TEST_CASE(fused_loop_and_tensor_rule_give_identical_gradients) {
    for (const DType dtype : {DType::Float32, DType::Float64})
        for (const bool row : {false, true})
            for (const Case& c : cases()) {
                const std::vector<Tensor> in = operands(dtype, row);
                const std::vector<Tensor> fused = gradients(c, in, false);
                const std::vector<Tensor> rule = gradients(c, in, true);
                for (std::size_t k = 0; k < in.size(); ++k) {
                    BOOST_TEST_CONTEXT(c.name << ", input " << k << ", " << dtype_name(dtype)
                                              << (row ? ", broadcast row" : "")) {
                        BOOST_TEST_REQUIRE(fused[k].defined() == rule[k].defined());
                        if (!fused[k].defined()) continue;
                        BOOST_TEST(fused[k].to_vector() == rule[k].to_vector(),
                                   boost::test_tools::per_element());
                    }
                }
            }
}

BOOST_AUTO_TEST_CASE(second_order_gradcheck_through_every_rule) {
    for (const Case& c : cases()) {
        const auto first = [&c](const std::vector<Tensor>& in) {
            const std::vector<Tensor> g = gradients(c, in, true);
            Tensor total = sum(g[0] * g[0]);
            if (g[1].defined()) total = total + sum(g[1] * g[1]);
            return total;
        };
        BOOST_TEST_CONTEXT(c.name) {
            const auto result = gradcheck(first, operands(DType::Float64, true));
            BOOST_TEST(result.ok, result.report);
        }
    }
}

BOOST_AUTO_TEST_CASE(fused_sum_loss_matches_its_tensor_rule) {
    // logistic_loss with a sum or mean reduction evaluates its rule in the reduced form.
    for (const auto reduction : {nn::Reduction::Sum, nn::Reduction::Mean}) {
        const Tensor f({0.3, -1.2, 2.5, 0.0}, TensorOptions(DType::Float64).requires_grad(true));
        const Tensor y({1.0, -1.0, -1.0, 1.0}, TensorOptions(DType::Float64).requires_grad(true));
        const auto loss = [&] { return nn::logistic_loss(f * 1.0, y * 1.0, reduction); };
        const std::vector<Tensor> fused = grad({loss()}, {f, y});
        const std::vector<Tensor> rule = grad({loss()}, {f, y}, {}, true);
        for (std::size_t k = 0; k < 2; ++k)
            BOOST_TEST(fused[k].to_vector() == rule[k].to_vector(),
                       boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_SUITE_END()
