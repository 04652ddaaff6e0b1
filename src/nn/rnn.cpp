// RNN, LSTM, GRU: the stack of layers and directions around the shared step. Each layer projects
// the inputs of all steps in one matmul, then runs one matmul per step for the recurrence; the
// steps are cut with unbind, so backward through time stays O(L).
#include "xgrad/nn/rnn.hpp"

#include <cmath>

#include "nn/recurrence.hpp"
#include "nn/repr.hpp"
#include "xgrad/error.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad::nn {
namespace {
double checked_dropout(const char* name, double p) {
    if (!(p >= 0.0 && p <= 1.0))
        throw ValueError(std::string(name) + ": expected 0 <= dropout <= 1, got " +
                         format_exact(p));
    return p;
}

/// Per step, the (N, 1) masks of the sequences still running (1) and of those past their end
/// (1 - that); undefined at the steps every sequence still runs. pack_padded_sequence's
/// semantics by masking: a finished sequence keeps its state and outputs zeros.
struct StepMasks {
    std::vector<Tensor> running, finished;
};

StepMasks step_masks(const Lengths& lengths, std::size_t steps, DType dtype) {
    StepMasks m;
    if (lengths.empty()) return m;
    m.running.resize(steps);
    m.finished.resize(steps);
    const std::size_t batch = lengths.size();
    for (std::size_t t = 0; t < steps; ++t) {
        xt::xarray<double> run = xt::zeros<double>({batch, std::size_t{1}});
        bool all = true;
        for (std::size_t b = 0; b < batch; ++b) {
            run(b, 0) = static_cast<std::size_t>(lengths[b]) > t ? 1.0 : 0.0;
            all = all && run(b, 0) == 1.0;
        }
        if (all) continue;
        xt::xarray<double> done = 1.0 - run;
        m.running[t] = Tensor(std::move(run)).to(dtype);
        m.finished[t] = Tensor(std::move(done)).to(dtype);
    }
    return m;
}
}  // namespace

RNNBase::RNNBase(RNNMode mode, const char* name, std::size_t input_size, std::size_t hidden_size,
                 std::size_t num_layers, bool bias, bool batch_first, double dropout,
                 bool bidirectional, DType dtype, Generator& generator)
    : mode_(mode),
      name_(name),
      input_size_(input_size),
      hidden_size_(hidden_size),
      num_layers_(num_layers),
      batch_first_(batch_first),
      dropout_(checked_dropout(name, dropout)),
      bidirectional_(bidirectional),
      between_layers_(DropoutOptions(dropout).generator(generator)) {
    if (input_size == 0 || hidden_size == 0 || num_layers == 0)
        throw ValueError(std::string(name) +
                         ": expected positive sizes, got input_size=" + std::to_string(input_size) +
                         ", hidden_size=" + std::to_string(hidden_size) +
                         ", num_layers=" + std::to_string(num_layers));
    const std::size_t rows = gate_count(mode) * hidden_size, directions = bidirectional ? 2 : 1;
    // torch's order: per layer, per direction, weight_ih, weight_hh, bias_ih, bias_hh.
    for (std::size_t l = 0; l < num_layers; ++l)
        for (std::size_t d = 0; d < directions; ++d) {
            const std::string suffix = "_l" + std::to_string(l) + (d ? "_reverse" : "");
            const std::size_t in = l == 0 ? input_size : hidden_size * directions;
            std::array<Tensor, 4> w;
            w[0] = register_parameter("weight_ih" + suffix, zeros({rows, in}, dtype));
            w[1] = register_parameter("weight_hh" + suffix, zeros({rows, hidden_size}, dtype));
            if (bias) {
                w[2] = register_parameter("bias_ih" + suffix, zeros({rows}, dtype));
                w[3] = register_parameter("bias_hh" + suffix, zeros({rows}, dtype));
            }
            weights_.push_back(w);
        }
    reset_parameters(generator);
}

void RNNBase::reset_parameters(Generator& generator) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(hidden_size_));
    for (const auto& [name, p] : named_parameters()) init::uniform_(p, -bound, bound, generator);
}

std::string RNNBase::describe() const {
    // torch's RNNBase.extra_repr: the settings that differ from their defaults. (It does not
    // print an RNN's nonlinearity.)
    std::string s = std::string(name_) + "(" + std::to_string(input_size_) + ", " +
                    std::to_string(hidden_size_);
    if (num_layers_ != 1) s += ", num_layers=" + std::to_string(num_layers_);
    if (!weights_.front()[2].defined()) s += ", bias=False";
    if (batch_first_) s += ", batch_first=True";
    if (dropout_ != 0.0) s += ", dropout=" + detail::number_str(dropout_);
    if (bidirectional_) s += ", bidirectional=True";
    return s + ")";
}

Tensor RNNBase::forward(const Tensor& input) { return run(input, Tensor(), Tensor(), {}).output; }

RNNOutput RNNBase::run(const Tensor& input, const Tensor& h0, const Tensor& c0,
                       const Lengths& lengths) {
    const std::string I = std::to_string(input_size_);
    const std::string layout = batch_first_ ? "(N, L, " + I + ")" : "(L, N, " + I + ")";
    if ((input.dim() != 2 && input.dim() != 3) || input.shape().back() != input_size_ ||
        input.shape()[input.dim() == 3 && batch_first_ ? 1 : 0] == 0)
        throw ShapeError(describe() + ": expected input " + layout + " or unbatched (L, " + I +
                         ") with L >= 1, got " + shape_str(input.shape()));
    const bool batched = input.dim() == 3;
    // Time-major inside: x is (L, N, features) from here on.
    Tensor x = !batched ? unsqueeze(input, 1) : batch_first_ ? transpose(input, 0, 1) : input;
    const std::size_t steps = x.shape()[0], batch = x.shape()[1];
    const std::size_t directions = bidirectional_ ? 2 : 1, G = gate_count(mode_);
    const Shape state_shape = batched ? Shape{num_layers_ * directions, batch, hidden_size_}
                                      : Shape{num_layers_ * directions, hidden_size_};
    auto initial = [&](const Tensor& s, const char* what) {
        std::vector<Tensor> per_layer;
        if (!s.defined()) {
            for (std::size_t k = 0; k < num_layers_ * directions; ++k)
                per_layer.push_back(zeros({batch, hidden_size_}, input.dtype()));
            return per_layer;
        }
        if (s.shape() != state_shape)
            throw ShapeError(describe() + ": expected " + what + " of shape " +
                             shape_str(state_shape) + " (num_layers * num_directions, " +
                             (batched ? "N, " : "") + "H) for input " + shape_str(input.shape()) +
                             ", got " + shape_str(s.shape()));
        return unbind(batched ? s : unsqueeze(s, 1), 0);
    };
    if (!lengths.empty() && lengths.size() != batch)
        throw ValueError(describe() + ": got " + std::to_string(lengths.size()) +
                         " lengths for a batch of " + std::to_string(batch) +
                         " sequences (expected one per sequence)");
    for (std::size_t b = 0; b < lengths.size(); ++b)
        if (lengths[b] < 1 || static_cast<std::size_t>(lengths[b]) > steps)
            throw ValueError(describe() + ": lengths[" + std::to_string(b) +
                             "] = " + std::to_string(lengths[b]) +
                             " is out of range for an input of " + std::to_string(steps) +
                             " steps (expected 1 <= length <= " + std::to_string(steps) + ")");
    const std::vector<Tensor> h_init = initial(h0, "h0");
    const std::vector<Tensor> c_init =
        mode_ == RNNMode::LSTM ? initial(c0, "c0") : std::vector<Tensor>();
    const StepMasks masks = step_masks(lengths, steps, input.dtype());

    std::vector<Tensor> h_n, c_n;
    for (std::size_t l = 0; l < num_layers_; ++l) {
        std::vector<Tensor> direction_outputs;
        for (std::size_t d = 0; d < directions; ++d) {
            const std::size_t k = l * directions + d;
            const auto& [w_ih, w_hh, b_ih, b_hh] = weights_[k];
            // The input part of the gates of every step in one matmul.
            const std::size_t features = x.shape()[2];
            const std::vector<Tensor> x_gates =
                unbind(reshape(linear(reshape(x, {steps * batch, features}), w_ih, b_ih),
                               {steps, batch, G * hidden_size_}),
                       0);
            RNNState state{h_init[k], c_init.empty() ? Tensor() : c_init[k]};
            std::vector<Tensor> outputs(steps);
            for (std::size_t i = 0; i < steps; ++i) {
                const std::size_t t = d == 0 ? i : steps - 1 - i;
                RNNState next = detail::cell_step(mode_, x_gates[t], state, w_hh, b_hh);
                if (masks.running.empty() || !masks.running[t].defined()) {
                    outputs[t] = next.h;
                    state = std::move(next);
                    continue;
                }
                // Sequences past their end output zeros and keep their state, so the reverse
                // direction starts at each one's own last step.
                const Tensor& run = masks.running[t];
                const Tensor& done = masks.finished[t];
                outputs[t] = next.h * run;
                state.h = outputs[t] + state.h * done;
                if (state.c.defined()) state.c = next.c * run + state.c * done;
            }
            h_n.push_back(state.h);
            if (state.c.defined()) c_n.push_back(state.c);
            direction_outputs.push_back(stack(outputs, 0));
        }
        x = directions == 2 ? concat(direction_outputs, 2) : direction_outputs[0];
        if (dropout_ > 0.0 && is_training() && l + 1 < num_layers_) x = between_layers_.forward(x);
    }
    RNNOutput out{x, stack(h_n, 0), c_n.empty() ? Tensor() : stack(c_n, 0)};
    if (!batched) {
        out.output = squeeze(out.output, 1);
        out.h_n = squeeze(out.h_n, 1);
        if (out.c_n.defined()) out.c_n = squeeze(out.c_n, 1);
    } else if (batch_first_) {
        out.output = transpose(out.output, 0, 1);
    }
    return out;
}

RNN::RNN(const RNNOptions& o)
    : RNNBase(detail::plain_rnn_mode(o.nonlinearity(), "RNN"), "RNN", o.input_size(),
              o.hidden_size(), o.num_layers(), o.bias(), o.batch_first(), o.dropout(),
              o.bidirectional(), o.dtype(), o.generator()) {}

RNNOutput RNN::forward(const Tensor& input, const Tensor& h0, const Lengths& lengths) {
    return run(input, h0, Tensor(), lengths);
}

LSTM::LSTM(const LSTMOptions& o)
    : RNNBase(RNNMode::LSTM, "LSTM", o.input_size(), o.hidden_size(), o.num_layers(), o.bias(),
              o.batch_first(), o.dropout(), o.bidirectional(), o.dtype(), o.generator()) {}

RNNOutput LSTM::forward(const Tensor& input, const Tensor& h0, const Tensor& c0,
                        const Lengths& lengths) {
    return run(input, h0, c0, lengths);
}

GRU::GRU(const GRUOptions& o)
    : RNNBase(RNNMode::GRU, "GRU", o.input_size(), o.hidden_size(), o.num_layers(), o.bias(),
              o.batch_first(), o.dropout(), o.bidirectional(), o.dtype(), o.generator()) {}

RNNOutput GRU::forward(const Tensor& input, const Tensor& h0, const Lengths& lengths) {
    return run(input, h0, Tensor(), lengths);
}

}  // namespace xgrad::nn
