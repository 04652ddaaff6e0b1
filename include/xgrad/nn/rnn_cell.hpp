#pragma once
/// \file rnn_cell.hpp
/// One step of a recurrent layer, as torch.nn.RNNCell, LSTMCell and GRUCell: PyTorch's gate order,
/// parameter names (weight_ih, weight_hh, bias_ih, bias_hh) and initialisation (every parameter
/// from U(-1/sqrt(H), 1/sqrt(H))). The equations are in docs/layers.md.

#include <cstddef>
#include <string>

#include "xgrad/nn/layer_options.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/random.hpp"

namespace xgrad::nn {

/// Which recurrence a cell or layer runs; fixes the number of gates G (rows of weight_ih are
/// G * hidden_size): 1 for the plain RNNs, 4 for LSTM (i, f, g, o), 3 for GRU (r, z, n).
enum class RNNMode { RNNTanh, RNNRelu, LSTM, GRU };

/// The number of gates of `mode`.
std::size_t gate_count(RNNMode mode);

/// A cell's hidden state and, for LSTM, its cell state (undefined otherwise).
struct RNNState {
    /// (N, H), or (H,) for an unbatched input.
    Tensor h;
    /// (N, H) or (H,): LSTM only.
    Tensor c;
};

/// What the three cells share: the parameters, their initialisation and input checks.
class RNNCellBase : public Module {
public:
    std::string describe() const override;
    /// Re-draws every parameter from U(-1/sqrt(H), 1/sqrt(H)), as the constructor does.
    void reset_parameters(Generator& generator = default_generator());
    /// I.
    std::size_t input_size() const { return input_size_; }
    /// H.
    std::size_t hidden_size() const { return hidden_size_; }
    /// The recurrence this cell runs.
    RNNMode mode() const { return mode_; }

protected:
    /// `name` is the torch class name, for describe() and errors. ValueError for zero sizes.
    RNNCellBase(RNNMode mode, const char* name, std::size_t input_size, std::size_t hidden_size,
                bool bias, DType dtype, Generator& generator);
    /// One step from `input` (N, I) or (I,) and the state (each part (N, H) or (H,), undefined
    /// for zeros). ShapeError naming the cell for any other shape.
    RNNState step(const Tensor& input, const RNNState& state) const;

private:
    RNNMode mode_;
    const char* name_;
    std::size_t input_size_, hidden_size_;
    Tensor weight_ih_, weight_hh_, bias_ih_, bias_hh_;
};

/// torch.nn.RNNCell's arguments: `nn::RNNCellOptions(8, 16).nonlinearity("relu")`.
class RNNCellOptions {
public:
    RNNCellOptions(std::size_t input_size, std::size_t hidden_size)
        : input_size_(input_size), hidden_size_(hidden_size) {}
    XGRAD_ARG(std::size_t, input_size);
    XGRAD_ARG(std::size_t, hidden_size);
    XGRAD_ARG(bool, bias) = true;
    /// "tanh" or "relu".
    XGRAD_ARG(std::string, nonlinearity) = "tanh";
    XGRAD_ARG(DType, dtype) = DType::Float32;
    /// Where the initial parameters are drawn from.
    XGRAD_ARG(GeneratorRef, generator);
};

/// torch.nn.RNNCell: h' = act(W_ih x + b_ih + W_hh h + b_hh), act tanh or relu.
class RNNCell : public RNNCellBase {
public:
    /// ValueError for a nonlinearity other than "tanh" or "relu".
    explicit RNNCell(const RNNCellOptions& options);
    RNNCell(std::size_t input_size, std::size_t hidden_size, bool bias = true)
        : RNNCell(RNNCellOptions(input_size, hidden_size).bias(bias)) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::RNNCell(nn::RNNCellOptions(in, hidden).nonlinearity(f))")
    RNNCell(std::size_t input_size, std::size_t hidden_size, bool bias,
            const std::string& nonlinearity, DType dtype = DType::Float32,
            Generator& generator = default_generator())
        : RNNCell(RNNCellOptions(input_size, hidden_size)
                      .bias(bias)
                      .nonlinearity(nonlinearity)
                      .dtype(dtype)
                      .generator(generator)) {}
    /// h' from a zero state.
    Tensor forward(const Tensor& input) override;
    /// h' from `input` (N, I) or (I,) and `hx` (N, H) or (H,), undefined for zeros.
    Tensor forward(const Tensor& input, const Tensor& hx);
};

namespace detail {
/// torch.nn.LSTMCell's and GRUCell's arguments: two types, as libtorch's, of one definition.
template <RNNMode Mode>
class GatedCellOptions {
public:
    GatedCellOptions(std::size_t input_size, std::size_t hidden_size)
        : input_size_(input_size), hidden_size_(hidden_size) {}
    XGRAD_ARG(std::size_t, input_size);
    XGRAD_ARG(std::size_t, hidden_size);
    XGRAD_ARG(bool, bias) = true;
    XGRAD_ARG(DType, dtype) = DType::Float32;
    /// Where the initial parameters are drawn from.
    XGRAD_ARG(GeneratorRef, generator);
};
}  // namespace detail
/// torch.nn.LSTMCell's arguments: `nn::LSTMCellOptions(8, 16).bias(false)`.
using LSTMCellOptions = detail::GatedCellOptions<RNNMode::LSTM>;
/// torch.nn.GRUCell's arguments: `nn::GRUCellOptions(8, 16).bias(false)`.
using GRUCellOptions = detail::GatedCellOptions<RNNMode::GRU>;

/// torch.nn.LSTMCell: gates i, f, g, o (rows of the weights in that order), c' = f c + i g,
/// h' = o tanh(c').
class LSTMCell : public RNNCellBase {
public:
    explicit LSTMCell(const LSTMCellOptions& options);
    LSTMCell(std::size_t input_size, std::size_t hidden_size, bool bias = true)
        : LSTMCell(LSTMCellOptions(input_size, hidden_size).bias(bias)) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::LSTMCell(nn::LSTMCellOptions(in, hidden).bias(b).dtype(d))")
    LSTMCell(std::size_t input_size, std::size_t hidden_size, bool bias, DType dtype,
             Generator& generator = default_generator())
        : LSTMCell(LSTMCellOptions(input_size, hidden_size)
                       .bias(bias)
                       .dtype(dtype)
                       .generator(generator)) {}
    /// h' from zero states.
    Tensor forward(const Tensor& input) override;
    /// (h', c') from `input` (N, I) or (I,) and `h`, `c` (N, H) or (H,), each undefined for zeros.
    RNNState forward(const Tensor& input, const Tensor& h, const Tensor& c);
};

/// torch.nn.GRUCell: gates r, z, n; n = tanh(W_in x + b_in + r (W_hn h + b_hn)),
/// h' = (1 - z) n + z h.
class GRUCell : public RNNCellBase {
public:
    explicit GRUCell(const GRUCellOptions& options);
    GRUCell(std::size_t input_size, std::size_t hidden_size, bool bias = true)
        : GRUCell(GRUCellOptions(input_size, hidden_size).bias(bias)) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::GRUCell(nn::GRUCellOptions(in, hidden).bias(b).dtype(d))")
    GRUCell(std::size_t input_size, std::size_t hidden_size, bool bias, DType dtype,
            Generator& generator = default_generator())
        : GRUCell(GRUCellOptions(input_size, hidden_size)
                      .bias(bias)
                      .dtype(dtype)
                      .generator(generator)) {}
    /// h' from a zero state.
    Tensor forward(const Tensor& input) override;
    /// h' from `input` (N, I) or (I,) and `hx` (N, H) or (H,), undefined for zeros.
    Tensor forward(const Tensor& input, const Tensor& hx);
};

}  // namespace xgrad::nn
