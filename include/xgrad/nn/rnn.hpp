#pragma once
/// \file rnn.hpp
/// Recurrent layers as torch.nn.RNN, LSTM and GRU: stacked layers, either direction, batch_first,
/// dropout between layers, initial and final states, and variable-length batches. Parameter names,
/// their order (a state_dict lines up with torch's name for name), layouts, gate order and
/// initialisation are PyTorch's. Shapes, equations and the lengths semantics: docs/layers.md.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "xgrad/nn/dropout.hpp"
#include "xgrad/nn/layer_options.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/nn/rnn_cell.hpp"
#include "xgrad/random.hpp"

namespace xgrad::nn {

/// What the recurrent layers return: torch's (output, h_n) or, for LSTM, (output, (h_n, c_n)).
/// L steps, N sequences, D = 2 if bidirectional else 1, H = hidden_size.
struct RNNOutput {
    /// The last layer's hidden state at every step: (L, N, D H), (N, L, D H) with batch_first,
    /// (L, D H) unbatched; the forward direction's H features first. Zero past a sequence's
    /// length.
    Tensor output;
    /// The final hidden state of every layer and direction, (num_layers D, N, H) or
    /// (num_layers D, H) unbatched, in the order layer 0, layer 0 reverse, layer 1, ...
    Tensor h_n;
    /// LSTM only: the final cell states, shaped as h_n. Undefined for RNN and GRU.
    Tensor c_n;
};

/// The length of every sequence of a padded batch (pack_padded_sequence's lengths, in any
/// order): one per batch entry, each in [1, L]. Empty: every sequence has all L steps.
using Lengths = std::vector<std::int64_t>;

/// What RNN, LSTM and GRU share: the stack of layers and the loop over time.
class RNNBase : public Module {
public:
    /// The output sequence alone, from zero initial states (as in Sequential).
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    /// Re-draws every parameter from U(-1/sqrt(H), 1/sqrt(H)), as the constructor does.
    void reset_parameters(Generator& generator = default_generator());

    /// The recurrence this layer runs.
    RNNMode mode() const { return mode_; }
    /// I.
    std::size_t input_size() const { return input_size_; }
    /// H.
    std::size_t hidden_size() const { return hidden_size_; }
    /// The number of stacked layers.
    std::size_t num_layers() const { return num_layers_; }
    /// Whether input and output are (N, L, features) rather than (L, N, features).
    bool batch_first() const { return batch_first_; }
    /// The dropout probability on the outputs of every layer but the last, in training mode.
    double dropout() const { return dropout_; }
    /// Whether every layer also runs from the last step to the first.
    bool bidirectional() const { return bidirectional_; }

protected:
    /// `name` is the torch class name, for describe() and errors. ValueError for zero sizes or
    /// a dropout outside [0, 1].
    RNNBase(RNNMode mode, const char* name, std::size_t input_size, std::size_t hidden_size,
            std::size_t num_layers, bool bias, bool batch_first, double dropout, bool bidirectional,
            DType dtype, Generator& generator);
    /// The whole forward pass; `c0` only for LSTM. Checks every shape and length first
    /// (ShapeError or ValueError naming the layer and the expected layout).
    RNNOutput run(const Tensor& input, const Tensor& h0, const Tensor& c0, const Lengths& lengths);

private:
    RNNMode mode_;
    const char* name_;
    std::size_t input_size_, hidden_size_, num_layers_;
    bool batch_first_;
    double dropout_;
    bool bidirectional_;
    /// weight_ih, weight_hh, bias_ih, bias_hh of layer l, direction d at [l D + d] (biases
    /// undefined with bias=false).
    std::vector<std::array<Tensor, 4>> weights_;
    Dropout between_layers_;
};

/// torch.nn.RNN's arguments: `nn::RNNOptions(32, 64).nonlinearity("relu")`.
class RNNOptions {
public:
    RNNOptions(std::size_t input_size, std::size_t hidden_size)
        : input_size_(input_size), hidden_size_(hidden_size) {}
    XGRAD_ARG(std::size_t, input_size);
    XGRAD_ARG(std::size_t, hidden_size);
    /// The number of stacked layers.
    XGRAD_ARG(std::size_t, num_layers) = 1;
    /// "tanh" or "relu".
    XGRAD_ARG(std::string, nonlinearity) = "tanh";
    XGRAD_ARG(bool, bias) = true;
    /// Whether input and output are (N, L, features) rather than (L, N, features).
    XGRAD_ARG(bool, batch_first) = false;
    /// The dropout probability on the outputs of every layer but the last, in training mode.
    XGRAD_ARG(double, dropout) = 0.0;
    /// Whether every layer also runs from the last step to the first.
    XGRAD_ARG(bool, bidirectional) = false;
    XGRAD_ARG(DType, dtype) = DType::Float32;
    /// Where the initial parameters and the dropout masks are drawn from.
    XGRAD_ARG(GeneratorRef, generator);
};

/// torch.nn.RNN: h_t = act(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh), act tanh or relu.
class RNN : public RNNBase {
public:
    /// ValueError for a nonlinearity other than "tanh" or "relu".
    explicit RNN(const RNNOptions& options);
    RNN(std::size_t input_size, std::size_t hidden_size, std::size_t num_layers = 1)
        : RNN(RNNOptions(input_size, hidden_size).num_layers(num_layers)) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::RNN(nn::RNNOptions(in, hidden).num_layers(n).nonlinearity(f))")
    RNN(std::size_t input_size, std::size_t hidden_size, std::size_t num_layers,
        const std::string& nonlinearity, bool bias = true, bool batch_first = false,
        double dropout = 0.0, bool bidirectional = false, DType dtype = DType::Float32,
        Generator& generator = default_generator())
        : RNN(RNNOptions(input_size, hidden_size)
                  .num_layers(num_layers)
                  .nonlinearity(nonlinearity)
                  .bias(bias)
                  .batch_first(batch_first)
                  .dropout(dropout)
                  .bidirectional(bidirectional)
                  .dtype(dtype)
                  .generator(generator)) {}
    using RNNBase::forward;
    /// (output, h_n) from `input` (L, N, I), (N, L, I) with batch_first or (L, I) unbatched,
    /// `h0` (num_layers D, N, H) or (num_layers D, H) (undefined for zeros) and optional
    /// per-sequence lengths.
    RNNOutput forward(const Tensor& input, const Tensor& h0, const Lengths& lengths = {});
};

namespace detail {
/// torch.nn.LSTM's and GRU's arguments (RNN's without the nonlinearity): two types, as libtorch's,
/// of one definition.
template <RNNMode Mode>
class GatedRNNOptions {
public:
    GatedRNNOptions(std::size_t input_size, std::size_t hidden_size)
        : input_size_(input_size), hidden_size_(hidden_size) {}
    XGRAD_ARG(std::size_t, input_size);
    XGRAD_ARG(std::size_t, hidden_size);
    /// The number of stacked layers.
    XGRAD_ARG(std::size_t, num_layers) = 1;
    XGRAD_ARG(bool, bias) = true;
    /// Whether input and output are (N, L, features) rather than (L, N, features).
    XGRAD_ARG(bool, batch_first) = false;
    /// The dropout probability on the outputs of every layer but the last, in training mode.
    XGRAD_ARG(double, dropout) = 0.0;
    /// Whether every layer also runs from the last step to the first.
    XGRAD_ARG(bool, bidirectional) = false;
    XGRAD_ARG(DType, dtype) = DType::Float32;
    /// Where the initial parameters and the dropout masks are drawn from.
    XGRAD_ARG(GeneratorRef, generator);
};
}  // namespace detail
/// torch.nn.LSTM's arguments: `nn::LSTMOptions(64, 128).num_layers(2).batch_first(true)`.
using LSTMOptions = detail::GatedRNNOptions<RNNMode::LSTM>;
/// torch.nn.GRU's arguments: `nn::GRUOptions(64, 128).bidirectional(true)`.
using GRUOptions = detail::GatedRNNOptions<RNNMode::GRU>;

/// torch.nn.LSTM: per layer and step, gates i, f, g, o from W_ih x_t + b_ih + W_hh h + b_hh;
/// c_t = sigmoid(f) c_(t-1) + sigmoid(i) tanh(g), h_t = sigmoid(o) tanh(c_t).
class LSTM : public RNNBase {
public:
    explicit LSTM(const LSTMOptions& options);
    LSTM(std::size_t input_size, std::size_t hidden_size, std::size_t num_layers = 1)
        : LSTM(LSTMOptions(input_size, hidden_size).num_layers(num_layers)) {}
    XGRAD_DEPRECATED_LAYER_ARGS(
        "nn::LSTM(nn::LSTMOptions(in, hidden).num_layers(n).batch_first(b))")
    LSTM(std::size_t input_size, std::size_t hidden_size, std::size_t num_layers, bool bias,
         bool batch_first = false, double dropout = 0.0, bool bidirectional = false,
         DType dtype = DType::Float32, Generator& generator = default_generator())
        : LSTM(LSTMOptions(input_size, hidden_size)
                   .num_layers(num_layers)
                   .bias(bias)
                   .batch_first(batch_first)
                   .dropout(dropout)
                   .bidirectional(bidirectional)
                   .dtype(dtype)
                   .generator(generator)) {}
    using RNNBase::forward;
    /// (output, h_n, c_n) from `input` as for RNN, `h0` and `c0` (num_layers D, N, H) or
    /// (num_layers D, H) (each undefined for zeros) and optional per-sequence lengths.
    RNNOutput forward(const Tensor& input, const Tensor& h0, const Tensor& c0,
                      const Lengths& lengths = {});
};

/// torch.nn.GRU: gates r, z, n; n = tanh(W_in x + b_in + r (W_hn h + b_hn)),
/// h_t = (1 - z) n + z h_(t-1).
class GRU : public RNNBase {
public:
    explicit GRU(const GRUOptions& options);
    GRU(std::size_t input_size, std::size_t hidden_size, std::size_t num_layers = 1)
        : GRU(GRUOptions(input_size, hidden_size).num_layers(num_layers)) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::GRU(nn::GRUOptions(in, hidden).num_layers(n).batch_first(b))")
    GRU(std::size_t input_size, std::size_t hidden_size, std::size_t num_layers, bool bias,
        bool batch_first = false, double dropout = 0.0, bool bidirectional = false,
        DType dtype = DType::Float32, Generator& generator = default_generator())
        : GRU(GRUOptions(input_size, hidden_size)
                  .num_layers(num_layers)
                  .bias(bias)
                  .batch_first(batch_first)
                  .dropout(dropout)
                  .bidirectional(bidirectional)
                  .dtype(dtype)
                  .generator(generator)) {}
    using RNNBase::forward;
    /// (output, h_n) as for RNN.
    RNNOutput forward(const Tensor& input, const Tensor& h0, const Lengths& lengths = {});
};

}  // namespace xgrad::nn
