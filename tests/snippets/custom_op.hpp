#include <xgrad/xgrad.hpp>

// softsign(x) = x / (1 + |x|), defined outside xgrad with make_op: the value, and the backward
// written with differentiable ops, so create_graph gives second derivatives for free.
inline xgrad::Tensor softsign(const xgrad::Tensor& x) {
    using namespace xgrad;
    Array value = std::visit(
        [](const auto& a) -> Array { return std::decay_t<decltype(a)>(a / (1 + xt::abs(a))); },
        array_of(x));
    return make_op("softsign", std::move(value), {x},
                   [](const Tensor& g, const Tensor&, const Inputs& in) {
                       const Tensor d = 1.0 + abs(in[0]);  // d/dx = 1 / (1 + |x|)^2
                       return Grads{g / (d * d)};
                   });
}

// The same op from one value function and one derivative rule: xgrad runs the rule on Tensors
// under create_graph and as a fused loop over the elements otherwise.
inline xgrad::Tensor softsign_pointwise(const xgrad::Tensor& x) {
    using std::abs;
    return xgrad::unary_pointwise(
        "softsign", x, [](auto v) { return v / (1 + abs(v)); },
        [](auto g, auto x, auto) { return g / ((1 + abs(x)) * (1 + abs(x))); });
}
