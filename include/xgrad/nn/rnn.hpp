#pragma once
/// \file rnn.hpp
/// Recurrent layers with PyTorch's semantics, names and parameter layouts. So far: a
/// single-layer, unidirectional LSTM (gate order i, f, g, o, as torch.nn.LSTM).

#include <cstddef>

#include "xgrad/nn/module.hpp"
#include "xgrad/random.hpp"

namespace xgrad::nn {

/// What LSTM::forward returns: the top layer's hidden state at every step and the final states.
struct LSTMOutput {
    /// (T, N, H).
    Tensor output;
    /// (1, N, H): the hidden state after the last step.
    Tensor h_n;
    /// (1, N, H): the cell state after the last step.
    Tensor c_n;
};

/// torch.nn.LSTM with num_layers=1, bidirectional=false, batch_first=false. Parameters
/// weight_ih_l0 (4H, I), weight_hh_l0 (4H, H), bias_ih_l0 (4H,), bias_hh_l0 (4H,), rows in gate
/// order i, f, g, o, all drawn from U(-1/sqrt(H), 1/sqrt(H)) as torch does.
class LSTM : public Module {
public:
    LSTM(std::size_t input_size, std::size_t hidden_size, bool bias = true,
         DType dtype = DType::Float32, Generator& generator = default_generator());

    /// `input` (T, N, I); `h0`, `c0` (1, N, H) or undefined for zeros. ShapeError naming the
    /// module and the expected layout otherwise.
    LSTMOutput forward(const Tensor& input, const Tensor& h0, const Tensor& c0);
    /// The output sequence alone, with zero initial states (for Sequential).
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;

    void reset_parameters(Generator& generator = default_generator());

    std::size_t input_size() const { return input_size_; }
    std::size_t hidden_size() const { return hidden_size_; }

private:
    std::size_t input_size_;
    std::size_t hidden_size_;
    Tensor weight_ih_, weight_hh_, bias_ih_, bias_hh_;
};

}  // namespace xgrad::nn
