// RNNCell, LSTMCell, GRUCell: parameters, checks and the unbatched form around the shared step.
#include <cmath>

#include "nn/recurrence.hpp"
#include "xgrad/error.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad::nn {

RNNCellBase::RNNCellBase(RNNMode mode, const char* name, std::size_t input_size,
                         std::size_t hidden_size, bool bias, DType dtype, Generator& generator)
    : mode_(mode), name_(name), input_size_(input_size), hidden_size_(hidden_size) {
    if (input_size == 0 || hidden_size == 0)
        throw ValueError(std::string(name) +
                         ": expected positive sizes, got input_size=" + std::to_string(input_size) +
                         ", hidden_size=" + std::to_string(hidden_size));
    const std::size_t rows = gate_count(mode) * hidden_size;
    weight_ih_ = register_parameter("weight_ih", zeros({rows, input_size}, dtype));
    weight_hh_ = register_parameter("weight_hh", zeros({rows, hidden_size}, dtype));
    if (bias) {
        bias_ih_ = register_parameter("bias_ih", zeros({rows}, dtype));
        bias_hh_ = register_parameter("bias_hh", zeros({rows}, dtype));
    }
    reset_parameters(generator);
}

void RNNCellBase::reset_parameters(Generator& generator) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(hidden_size_));
    for (const auto& [name, p] : named_parameters()) init::uniform_(p, -bound, bound, generator);
}

std::string RNNCellBase::describe() const {
    return std::string(name_) + "(" + std::to_string(input_size_) + ", " +
           std::to_string(hidden_size_) + (bias_ih_.defined() ? "" : ", bias=False") +
           (mode_ == RNNMode::RNNRelu ? ", nonlinearity=relu" : "") + ")";
}

RNNState RNNCellBase::step(const Tensor& input, const RNNState& state) const {
    const std::string I = std::to_string(input_size_), H = std::to_string(hidden_size_);
    if ((input.dim() != 1 && input.dim() != 2) || input.shape().back() != input_size_)
        throw ShapeError(describe() + ": expected input (N, " + I + ") or unbatched (" + I +
                         "), got " + shape_str(input.shape()));
    const bool batched = input.dim() == 2;
    const Tensor x = batched ? input : unsqueeze(input, 0);
    const std::size_t batch = x.shape()[0];
    const Shape want = batched ? Shape{batch, hidden_size_} : Shape{hidden_size_};
    auto initial = [&](const Tensor& s, const char* what) {
        if (!s.defined()) return zeros({batch, hidden_size_}, input.dtype());
        if (s.shape() != want)
            throw ShapeError(describe() + ": expected " + what + " of shape " + shape_str(want) +
                             " for input " + shape_str(input.shape()) + ", got " +
                             shape_str(s.shape()));
        return batched ? s : unsqueeze(s, 0);
    };
    const RNNState start{initial(state.h, "hidden state"),
                         mode_ == RNNMode::LSTM ? initial(state.c, "cell state") : Tensor()};
    RNNState next =
        detail::cell_step(mode_, linear(x, weight_ih_, bias_ih_), start, weight_hh_, bias_hh_);
    if (!batched) {
        next.h = squeeze(next.h, 0);
        if (next.c.defined()) next.c = squeeze(next.c, 0);
    }
    return next;
}

RNNCell::RNNCell(const RNNCellOptions& o)
    : RNNCellBase(detail::plain_rnn_mode(o.nonlinearity(), "RNNCell"), "RNNCell", o.input_size(),
                  o.hidden_size(), o.bias(), o.dtype(), o.generator()) {}

Tensor RNNCell::forward(const Tensor& input) { return step(input, {}).h; }

Tensor RNNCell::forward(const Tensor& input, const Tensor& hx) {
    return step(input, {hx, Tensor()}).h;
}

LSTMCell::LSTMCell(const LSTMCellOptions& o)
    : RNNCellBase(RNNMode::LSTM, "LSTMCell", o.input_size(), o.hidden_size(), o.bias(), o.dtype(),
                  o.generator()) {}

Tensor LSTMCell::forward(const Tensor& input) { return step(input, {}).h; }

RNNState LSTMCell::forward(const Tensor& input, const Tensor& h, const Tensor& c) {
    return step(input, {h, c});
}

GRUCell::GRUCell(const GRUCellOptions& o)
    : RNNCellBase(RNNMode::GRU, "GRUCell", o.input_size(), o.hidden_size(), o.bias(), o.dtype(),
                  o.generator()) {}

Tensor GRUCell::forward(const Tensor& input) { return step(input, {}).h; }

Tensor GRUCell::forward(const Tensor& input, const Tensor& hx) {
    return step(input, {hx, Tensor()}).h;
}

}  // namespace xgrad::nn
