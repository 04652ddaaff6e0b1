#include "nn/recurrence.hpp"

#include "xgrad/error.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad::nn {

std::size_t gate_count(RNNMode mode) {
    switch (mode) {
        case RNNMode::LSTM:
            return 4;
        case RNNMode::GRU:
            return 3;
        default:
            return 1;
    }
}

namespace detail {

RNNState cell_step(RNNMode mode, const Tensor& x_gates, const RNNState& state,
                   const Tensor& weight_hh, const Tensor& bias_hh) {
    const Tensor h_gates = linear(state.h, weight_hh, bias_hh);
    switch (mode) {
        case RNNMode::RNNTanh:
            return {tanh(x_gates + h_gates), Tensor()};
        case RNNMode::RNNRelu:
            return {relu(x_gates + h_gates), Tensor()};
        case RNNMode::LSTM: {
            // i, f, g, o = chunks of W_ih x + b_ih + W_hh h + b_hh;
            // c' = sigmoid(f) c + sigmoid(i) tanh(g), h' = sigmoid(o) tanh(c').
            const auto q = chunk(x_gates + h_gates, 4, 1);
            const Tensor c = sigmoid(q[1]) * state.c + sigmoid(q[0]) * tanh(q[2]);
            return {sigmoid(q[3]) * tanh(c), c};
        }
        case RNNMode::GRU: {
            // r, z from both parts; the reset gate scales only the hidden part of n:
            // n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 - z) n + z h = n + z (h - n).
            const auto xq = chunk(x_gates, 3, 1), hq = chunk(h_gates, 3, 1);
            const Tensor r = sigmoid(xq[0] + hq[0]), z = sigmoid(xq[1] + hq[1]);
            const Tensor n = tanh(xq[2] + r * hq[2]);
            return {n + z * (state.h - n), Tensor()};
        }
    }
    return {};
}

RNNMode plain_rnn_mode(const std::string& nonlinearity, const char* layer) {
    if (nonlinearity == "tanh") return RNNMode::RNNTanh;
    if (nonlinearity == "relu") return RNNMode::RNNRelu;
    throw ValueError(std::string(layer) + ": unknown nonlinearity '" + nonlinearity +
                     "' (expected 'tanh' or 'relu')");
}

}  // namespace detail
}  // namespace xgrad::nn
