#pragma once
// Errors raised inside a layer's forward carry the layer's description in front ("Conv2d(3, 8,
// kernel_size=(3, 3), ...): conv2d: ..."), keeping their type.

#include <string>

#include "nn/repr.hpp"
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

}  // namespace xgrad::nn::detail
