// Random expressions over the whole op set (tests/random_graph.hpp), each gradient checked
// against central differences in float64: the direct backward kernels (no-grad sweep), the
// differentiable backward functions (create_graph), accumulation into .grad, and second
// derivatives on a subset. A failure prints its seed; XGRAD_RANDOM_GRAPH_SEED=<seed> reruns it
// alone.
#include <cstdlib>

#include "helpers.hpp"
#include "random_graph.hpp"

using namespace xgrad;
using xgrad::testing::RandomGraph;

namespace {

constexpr std::uint64_t kFirstSeed = 1000;
constexpr int kGraphs = 300;
constexpr int kOpsPerGraph = 16;
/// Every kSecondOrderEvery-th graph also checks its second derivatives (costlier: the numeric
/// side differentiates once per perturbation).
constexpr int kSecondOrderEvery = 5;

std::vector<std::uint64_t> seeds() {
    if (const char* one = std::getenv("XGRAD_RANDOM_GRAPH_SEED"))
        return {std::strtoull(one, nullptr, 10)};
    std::vector<std::uint64_t> all;
    for (int i = 0; i < kGraphs; ++i) all.push_back(kFirstSeed + static_cast<std::uint64_t>(i));
    return all;
}

/// |a - b| <= tol (1 + |a|) elementwise, same shapes; undefined only together.
bool close(const Tensor& a, const Tensor& b, double tol) {
    if (a.defined() != b.defined()) return false;
    if (!a.defined()) return true;
    if (a.shape() != b.shape()) return false;
    const auto x = a.to_vector(), y = b.to_vector();
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!(std::abs(x[i] - y[i]) <= tol * (1.0 + std::abs(x[i])))) return false;
    return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(random_graphs)

BOOST_AUTO_TEST_CASE(gradients_match_central_differences) {
    for (const std::uint64_t seed : seeds()) {
        const RandomGraph graph(seed, kOpsPerGraph);
        BOOST_TEST_CONTEXT("seed " << seed << " (rerun: XGRAD_RANDOM_GRAPH_SEED=" << seed
                                   << "): " << graph.description()) {
            const std::vector<Tensor>& x = graph.inputs();
            const auto fn = [&graph](const std::vector<Tensor>& in) { return graph(in); };
            XGRAD_CHECK_GRAD(fn, x);

            // The same gradients by the differentiable backward functions and into .grad.
            const Tensor out = graph(x);
            const auto direct = grad({out}, x, {}, false, true, true);
            const auto composed = grad({out}, x, {}, true, true);
            for (auto& leaf : x) leaf.zero_grad();
            out.backward();
            for (std::size_t i = 0; i < x.size(); ++i) {
                BOOST_TEST(close(direct[i], composed[i], 1e-10), "create_graph gradient of x" << i);
                BOOST_TEST(close(direct[i], x[i].grad(), 1e-12), ".grad of x" << i);
                x[i].zero_grad();
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(second_derivatives_match_central_differences) {
    for (const std::uint64_t seed : seeds()) {
        if (std::getenv("XGRAD_RANDOM_GRAPH_SEED") == nullptr && seed % kSecondOrderEvery != 0)
            continue;
        const RandomGraph graph(seed, kOpsPerGraph);
        BOOST_TEST_CONTEXT("seed " << seed << " (rerun: XGRAD_RANDOM_GRAPH_SEED=" << seed
                                   << "): " << graph.description()) {
            // v . ∇f with constant random v: its gradient is the Hessian-vector product H v.
            std::vector<Tensor> directions;
            for (std::size_t i = 0; i < graph.inputs().size(); ++i)
                directions.push_back(
                    testing::uniform(graph.inputs()[i].shape(), seed * 31 + i, -1, 1, false));
            const auto first_order = [&](const std::vector<Tensor>& in) {
                const auto g =
                    grad({graph(in)}, in, {}, /*create_graph=*/true, /*allow_unused=*/true);
                Tensor total(0.0, DType::Float64);
                for (std::size_t i = 0; i < g.size(); ++i)
                    if (g[i].defined()) total = total + sum(g[i] * directions[i]);
                return total;
            };
            XGRAD_CHECK_GRAD(first_order, graph.inputs());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
