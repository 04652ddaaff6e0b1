#include "xgrad/nn/dropout.hpp"

#include "nn/repr.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/state_dict.hpp"

namespace xgrad::nn {

Dropout::Dropout(const DropoutOptions& options) : options_(options) {
    const double p = options.p();
    if (!(p >= 0.0 && p <= 1.0))
        throw ValueError("Dropout: expected 0 <= p <= 1, got " + format_exact(p));
}

namespace {
/// A mask of `shape` holding 0 with probability p and 1 / (1 - p) otherwise, in x's dtype.
Tensor keep_mask(const Tensor& x, const Shape& shape, double p, Generator& generator) {
    return make_leaf(std::visit(
        [&](const auto& a) -> Array {
            using T = typename std::decay_t<decltype(a)>::value_type;
            auto m = xt::xarray<T>::from_shape(shape);
            generator.fill_uniform(m.data(), m.size());
            const T keep = static_cast<T>(1.0 - p);
            const T scale = p < 1.0 ? static_cast<T>(1.0 / (1.0 - p)) : T(0);
            for (auto& v : m) v = v < keep ? scale : T(0);
            return Array(std::move(m));
        },
        array_of(x)));
}
}  // namespace

Tensor Dropout::forward(const Tensor& input) {
    if (!is_training() || options_.p() == 0.0) return input;
    // The product is an ordinary differentiable mul: the gradient is masked and scaled alike.
    return input * keep_mask(input, input.shape(), options_.p(), options_.generator());
}

std::string Dropout::describe() const {
    return "Dropout(p=" + detail::number_str(options_.p()) + ", inplace=False)";
}

Dropout2d::Dropout2d(const Dropout2dOptions& options) : options_(options) {
    const double p = options.p();
    if (!(p >= 0.0 && p <= 1.0))
        throw ValueError("Dropout2d: expected 0 <= p <= 1, got " + format_exact(p));
}

Tensor Dropout2d::forward(const Tensor& input) {
    if (input.dim() != 3 && input.dim() != 4)
        throw ShapeError(describe() + ": expected an input (N, C, H, W) or (C, H, W), got " +
                         shape_str(input.shape()));
    if (!is_training() || options_.p() == 0.0) return input;
    // One draw per channel, broadcast over its height and width.
    Shape channels = input.shape();
    channels[channels.size() - 1] = channels[channels.size() - 2] = 1;
    return input * keep_mask(input, channels, options_.p(), options_.generator());
}

std::string Dropout2d::describe() const {
    return "Dropout2d(p=" + detail::number_str(options_.p()) + ", inplace=False)";
}

}  // namespace xgrad::nn
