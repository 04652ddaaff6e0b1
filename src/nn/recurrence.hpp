#pragma once
// The step shared by the recurrent cells and the recurrent layers: one update of the state from
// the input's part of the gates (projected beforehand, for all steps at once in the layers).

#include <string>

#include "xgrad/nn/rnn_cell.hpp"

namespace xgrad::nn::detail {

/// The next state from `x_gates` = x W_ih^T + b_ih for this step, (N, G H), and `state`; the
/// recurrence adds h W_hh^T + b_hh in one matmul.
RNNState cell_step(RNNMode mode, const Tensor& x_gates, const RNNState& state,
                   const Tensor& weight_hh, const Tensor& bias_hh);

/// RNNTanh or RNNRelu from torch's `nonlinearity` argument; ValueError naming `layer` otherwise.
RNNMode plain_rnn_mode(const std::string& nonlinearity, const char* layer);

}  // namespace xgrad::nn::detail
