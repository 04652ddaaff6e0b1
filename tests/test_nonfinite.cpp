// Non-finite values: anomaly mode names the first op that produced NaN or Inf, forward and
// backward; an optimizer told to raise on a non-finite gradient throws before changing any
// parameter or state (bit for bit), with every update rule; by default it applies it, as PyTorch.
#include <limits>
#include <map>

#include "helpers.hpp"
#include "xgrad/factories.hpp"
#include "xgrad/optim.hpp"

using namespace xgrad;
using namespace xgrad::optim;
using xgrad::testing::bits;

namespace {

/// Everything an optimizer step could change: parameter bits, state tensors' bits, metadata.
std::map<std::string, std::string> snapshot(const Optimizer& opt) {
    std::map<std::string, std::string> all;
    const auto params = opt.parameters();
    for (std::size_t i = 0; i < params.size(); ++i)
        all["param." + std::to_string(i)] = bits(params[i]);
    const StateDict state = opt.state_dict();
    for (const auto& [name, tensor] : state.tensors) all["tensor." + name] = bits(tensor);
    for (const auto& [name, text] : state.metadata) all["meta." + name] = text;
    return all;
}

using Factory = std::function<std::unique_ptr<Optimizer>(std::vector<Tensor>)>;

std::vector<std::pair<const char*, Factory>> every_rule() {
    return {
        {"SGD", [](auto p) { return std::make_unique<SGD>(p, SGDOptions(0.1).momentum(0.9)); }},
        {"SGD nesterov",
         [](auto p) {
             return std::make_unique<SGD>(
                 p, SGDOptions(0.1).momentum(0.9).weight_decay(0.01).nesterov(true));
         }},
        {"Adagrad", [](auto p) { return std::make_unique<Adagrad>(p); }},
        {"Adadelta", [](auto p) { return std::make_unique<Adadelta>(p); }},
        {"RMSprop", [](auto p) { return std::make_unique<RMSprop>(p); }},
        {"Adam", [](auto p) { return std::make_unique<Adam>(p); }},
        {"Adam amsgrad",
         [](auto p) {
             const auto o = AdamOptions().amsgrad(true);
             return std::make_unique<Adam>(p, o);
         }},
        {"AdamW", [](auto p) { return std::make_unique<AdamW>(p); }},
        {"Adamax", [](auto p) { return std::make_unique<Adamax>(p); }},
        {"NAdam", [](auto p) { return std::make_unique<NAdam>(p); }},
    };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nonfinite)

BOOST_AUTO_TEST_CASE(anomaly_names_the_first_op_with_a_non_finite_forward_value) {
    const Tensor x({0.5, 2.0, 3.0}, TensorOptions(DType::Float64).requires_grad(true));
    const DetectAnomalyGuard anomaly;
    // exp is fine, sub is fine, log of a negative is the first NaN; sqrt would be the second.
    XGRAD_CHECK_THROWS(sqrt(log(exp(x) - 2.0)), GraphError,
                       "op 'log' produced NaN or Inf in forward");
    // Inf counts too: the division, not the exp after it.
    XGRAD_CHECK_THROWS(exp(1.0 / (x - 2.0)), GraphError, "op 'rdiv_scalar' produced NaN or Inf");
}

BOOST_AUTO_TEST_CASE(anomaly_names_the_first_op_with_a_non_finite_gradient) {
    for (const bool create_graph : {false, true}) {
        BOOST_TEST_CONTEXT("create_graph " << create_graph) {
            const Tensor x({0.0, 1.0, 4.0}, TensorOptions(DType::Float64).requires_grad(true));
            const DetectAnomalyGuard anomaly;
            // Forward finite everywhere. Backward runs sum, mul, sqrt, mul_scalar: sqrt's gradient
            // at 0 is the first Inf, and mul_scalar would pass it on.
            const Tensor y = sum(sqrt(x * 2.0) * 3.0);
            XGRAD_CHECK_THROWS(y.backward(Tensor(), false, create_graph), GraphError,
                               "backward of op 'sqrt'");
            BOOST_TEST(!x.grad().defined());
        }
    }
    // Without anomaly mode the same backward just yields Inf.
    const Tensor x({0.0, 1.0}, TensorOptions(DType::Float64).requires_grad(true));
    sum(sqrt(x * 2.0) * 3.0).backward();
    BOOST_TEST(std::isinf(x.grad().to_vector()[0]));
}

BOOST_AUTO_TEST_CASE(optimizer_raises_before_touching_parameters_or_state) {
    for (const auto& [name, make] : every_rule()) {
        for (const double bad :
             {std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::infinity()}) {
            BOOST_TEST_CONTEXT(name << " with a gradient holding " << bad) {
                Tensor w = testing::uniform({2, 3}, 1), b = testing::uniform({3}, 2);
                auto opt = make({w, b});
                w.set_grad(testing::uniform({2, 3}, 3, -1, 1, false));
                b.set_grad(testing::uniform({3}, 4, -1, 1, false));
                opt->step();  // state exists now (moments, step counts)
                opt->set_nonfinite_policy(NonFinitePolicy::raise);
                w.set_grad(testing::uniform({2, 3}, 5, -1, 1, false));
                b.set_grad(Tensor({0.5, bad, 1.0}, DType::Float64));
                const auto before = snapshot(*opt);
                XGRAD_CHECK_THROWS(opt->step(), NonFiniteError,
                                   "parameter 1 (group 0, index 1, shape (3,))");
                BOOST_TEST((snapshot(*opt) == before));  // w was before b, and is untouched too

                // Finite again: the step goes through.
                b.set_grad(testing::uniform({3}, 6, -1, 1, false));
                opt->step();
                BOOST_TEST((snapshot(*opt) != before));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(by_default_a_non_finite_gradient_is_applied_like_pytorch) {
    for (const auto& [name, make] : every_rule()) {
        BOOST_TEST_CONTEXT(name) {
            Tensor w = testing::uniform({3}, 1);
            auto opt = make({w});
            BOOST_TEST((opt->nonfinite_policy() == NonFinitePolicy::ignore));
            w.set_grad(
                Tensor({std::numeric_limits<double>::quiet_NaN(), 0.5, 0.5}, DType::Float64));
            opt->step();
            BOOST_TEST(std::isnan(w.to_vector()[0]));
        }
    }
}

BOOST_AUTO_TEST_CASE(vectorised_functions_at_infinities_and_nan) {
    // Arrays long enough for the vectorised paths (xsimd), with ±inf and NaN among ordinary
    // values: torch's results, and no undefined behaviour under UBSan.
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (DType dtype : {DType::Float32, DType::Float64}) {
        std::vector<double> v(96, 0.5);
        v[3] = inf;
        v[40] = -inf;
        v[77] = nan;
        const Tensor x = from_vector(v, {96}, dtype);
        const auto s = sigmoid(x).to_vector();
        BOOST_TEST(s[3] == 1.0);
        BOOST_TEST(s[40] == 0.0);
        BOOST_TEST(std::isnan(s[77]));
        const auto e = exp(x).to_vector();
        BOOST_TEST(e[3] == inf);
        BOOST_TEST(e[40] == 0.0);
        BOOST_TEST(std::isnan(e[77]));
        const auto t = tanh(x).to_vector();
        BOOST_TEST(t[3] == 1.0);
        BOOST_TEST(t[40] == -1.0);
        BOOST_TEST(std::isnan(t[77]));
        const auto p = softmax(reshape(x, {2, 48}), 1).to_vector();
        BOOST_TEST(std::isnan(p[0]));   // a row with +inf and -inf: inf - inf
        BOOST_TEST(std::isnan(p[48]));  // a row with NaN
    }
}

BOOST_AUTO_TEST_SUITE_END()
