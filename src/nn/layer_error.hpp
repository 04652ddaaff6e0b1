#pragma once
// Errors raised inside a layer's forward carry the layer's description in front ("Conv2d(3, 8,
// kernel_size=(3, 3), ...): conv2d: ..."), keeping their type.

#include <sstream>
#include <string>

#include "xgrad/error.hpp"

namespace xgrad::nn::detail {

/// Runs `forward()`; a ShapeError, ValueError or IndexError from it is rethrown with `layer`
/// and ": " in front of its message.
template <class F>
auto naming_layer(const std::string& layer, F forward) -> decltype(forward()) {
    try {
        return forward();
    } catch (const ShapeError& e) {
        throw ShapeError(layer + ": " + e.what());
    } catch (const ValueError& e) {
        throw ValueError(layer + ": " + e.what());
    } catch (const IndexError& e) {
        throw IndexError(layer + ": " + e.what());
    }
}

/// A setting as Python prints it in a layer's repr: "1e-05", "0.1" (6 significant digits).
inline std::string number_str(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

/// "(3, 3)": a pair as PyTorch prints it.
inline std::string pair_str(std::size_t h, std::size_t w) {
    return "(" + std::to_string(h) + ", " + std::to_string(w) + ")";
}

}  // namespace xgrad::nn::detail
