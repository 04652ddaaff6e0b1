#include "xgrad/nn/dropout.hpp"

#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/state_dict.hpp"

namespace xgrad::nn {

Dropout::Dropout(double p) : p_(p) {
    if (!(p >= 0.0 && p <= 1.0))
        throw ValueError("Dropout: expected 0 <= p <= 1, got " + format_exact(p));
}

Dropout::Dropout(double p, Generator& generator) : Dropout(p) { generator_ = &generator; }

Tensor Dropout::forward(const Tensor& input) {
    if (!is_training() || p_ == 0.0) return input;
    Generator& generator = generator_ ? *generator_ : default_generator();
    // The mask holds 0 or 1/(1-p); the product is an ordinary differentiable mul, so the
    // gradient is masked and scaled the same way.
    Array mask = std::visit(
        [&](const auto& x) -> Array {
            using T = typename std::decay_t<decltype(x)>::value_type;
            auto m = xt::xarray<T>::from_shape(x.shape());
            generator.fill_uniform(m.data(), m.size());
            const T keep = static_cast<T>(1.0 - p_);
            const T scale = p_ < 1.0 ? static_cast<T>(1.0 / (1.0 - p_)) : T(0);
            for (auto& v : m) v = v < keep ? scale : T(0);
            return Array(std::move(m));
        },
        array_of(input));
    return input * make_leaf(std::move(mask));
}

std::string Dropout::describe() const { return "Dropout(p=" + format_exact(p_) + ")"; }

}  // namespace xgrad::nn
