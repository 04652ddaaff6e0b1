#include "xgrad/nn/rnn.hpp"

#include <cmath>

#include "nn/repr.hpp"
#include "xgrad/error.hpp"
#include "xgrad/factories.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad::nn {

LSTM::LSTM(std::size_t input_size, std::size_t hidden_size, bool bias, DType dtype,
           Generator& generator)
    : input_size_(input_size), hidden_size_(hidden_size) {
    if (input_size == 0 || hidden_size == 0)
        throw ValueError(
            "LSTM: expected positive sizes, got input_size=" + std::to_string(input_size) +
            ", hidden_size=" + std::to_string(hidden_size));
    const std::size_t gates = 4 * hidden_size;
    weight_ih_ = register_parameter("weight_ih_l0", zeros({gates, input_size}, dtype));
    weight_hh_ = register_parameter("weight_hh_l0", zeros({gates, hidden_size}, dtype));
    if (bias) {
        bias_ih_ = register_parameter("bias_ih_l0", zeros({gates}, dtype));
        bias_hh_ = register_parameter("bias_hh_l0", zeros({gates}, dtype));
    }
    reset_parameters(generator);
}

void LSTM::reset_parameters(Generator& generator) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(hidden_size_));
    for (Tensor* p : {&weight_ih_, &weight_hh_, &bias_ih_, &bias_hh_})
        if (p->defined()) init::uniform_(*p, -bound, bound, generator);
}

std::string LSTM::describe() const {
    return "LSTM(" + std::to_string(input_size_) + ", " + std::to_string(hidden_size_) +
           (bias_ih_.defined() ? "" : ", bias=False") + ")";
}

LSTMOutput LSTM::forward(const Tensor& input, const Tensor& h0, const Tensor& c0) {
    const std::string layout = " (T, N, " + std::to_string(input_size_) + ")";
    if (input.dim() != 3 || input.shape()[2] != input_size_ || input.shape()[0] == 0)
        throw ShapeError(describe() + ": expected input of shape" + layout + ", got " +
                         shape_str(input.shape()));
    const std::size_t steps = input.shape()[0], batch = input.shape()[1];
    const auto H = static_cast<std::ptrdiff_t>(hidden_size_);
    const Shape state_shape{1, batch, hidden_size_};
    for (const Tensor* s : {&h0, &c0})
        if (s->defined() && s->shape() != state_shape)
            throw ShapeError(describe() + ": expected initial states of shape " +
                             shape_str(state_shape) + " for input " + shape_str(input.shape()) +
                             ", got " + shape_str(s->shape()));
    Tensor h = h0.defined() ? squeeze(h0, 0) : zeros({batch, hidden_size_}, input.dtype());
    Tensor c = c0.defined() ? squeeze(c0, 0) : zeros({batch, hidden_size_}, input.dtype());
    // The input projection of every step in one matmul: (T*N, I) x W_ih^T.
    const Tensor projected =
        reshape(linear(reshape(input, {steps * batch, input_size_}), weight_ih_, bias_ih_),
                {steps, batch, 4 * hidden_size_});
    std::vector<Tensor> outputs;
    outputs.reserve(steps);
    for (std::size_t t = 0; t < steps; ++t) {
        const auto at = static_cast<std::ptrdiff_t>(t);
        const Tensor gates =
            squeeze(slice(projected, 0, at, at + 1), 0) + linear(h, weight_hh_, bias_hh_);
        const Tensor i = sigmoid(slice(gates, 1, 0, H));
        const Tensor f = sigmoid(slice(gates, 1, H, 2 * H));
        const Tensor g = tanh(slice(gates, 1, 2 * H, 3 * H));
        const Tensor o = sigmoid(slice(gates, 1, 3 * H, 4 * H));
        c = f * c + i * g;
        h = o * tanh(c);
        outputs.push_back(h);
    }
    return {stack(outputs, 0), unsqueeze(h, 0), unsqueeze(c, 0)};
}

Tensor LSTM::forward(const Tensor& input) { return forward(input, Tensor(), Tensor()).output; }

}  // namespace xgrad::nn
