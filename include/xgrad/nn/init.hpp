#pragma once
/// \file init.hpp
/// In-place initialisation of parameters, as torch.nn.init: constant fills, normal and uniform
/// draws, and the Xavier (Glorot) and Kaiming (He) schemes scaled by fan-in / fan-out. Random
/// fills draw from a Generator (the default generator unless one is passed), so a seeded run is
/// reproducible. Each function writes into the tensor's value (which must be a leaf), records
/// nothing in the graph, and returns the same handle.

#include <cstddef>
#include <utility>

#include "xgrad/random.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::nn::init {

/// The nonlinearity that follows a layer, for calculate_gain().
enum class Nonlinearity { Linear, Sigmoid, Tanh, ReLU, LeakyReLU };

/// Whether Kaiming init preserves the variance of the forward pass (FanIn) or of the backward
/// pass (FanOut).
enum class FanMode { FanIn, FanOut };

/// The recommended gain for `nonlinearity` (torch.nn.init.calculate_gain): 1 for Linear and
/// Sigmoid, 5/3 for Tanh, sqrt(2) for ReLU, sqrt(2 / (1 + slope^2)) for LeakyReLU with
/// `negative_slope`.
double calculate_gain(Nonlinearity nonlinearity, double negative_slope = 0.01);

/// (fan_in, fan_out) of a weight of shape (out, in, *kernel): in * receptive field and
/// out * receptive field. ValueError for fewer than 2 dimensions.
std::pair<std::size_t, std::size_t> fan_in_and_fan_out(const Tensor& tensor);

/// Fills with `value`.
Tensor constant_(Tensor tensor, double value);
/// Fills with 0.
Tensor zeros_(Tensor tensor);
/// Fills with 1.
Tensor ones_(Tensor tensor);
/// Draws from U[low, high).
Tensor uniform_(Tensor tensor, double low = 0.0, double high = 1.0,
                Generator& generator = default_generator());
/// Draws from N(mean, std^2).
Tensor normal_(Tensor tensor, double mean = 0.0, double std = 1.0,
               Generator& generator = default_generator());
/// U[-a, a] with a = gain * sqrt(6 / (fan_in + fan_out)).
Tensor xavier_uniform_(Tensor tensor, double gain = 1.0,
                       Generator& generator = default_generator());
/// N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).
Tensor xavier_normal_(Tensor tensor, double gain = 1.0, Generator& generator = default_generator());
/// U[-b, b] with b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a), fan chosen by
/// `mode`. PyTorch's defaults (a = 0, FanIn, LeakyReLU) give He init for ReLU networks.
Tensor kaiming_uniform_(Tensor tensor, double a = 0.0, FanMode mode = FanMode::FanIn,
                        Nonlinearity nonlinearity = Nonlinearity::LeakyReLU,
                        Generator& generator = default_generator());
/// N(0, std^2) with std = gain / sqrt(fan).
Tensor kaiming_normal_(Tensor tensor, double a = 0.0, FanMode mode = FanMode::FanIn,
                       Nonlinearity nonlinearity = Nonlinearity::LeakyReLU,
                       Generator& generator = default_generator());

}  // namespace xgrad::nn::init
