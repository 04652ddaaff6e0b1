#pragma once
/// \file nn/layer_options.hpp
/// What the layers' options classes (nn::Conv2dOptions, nn::LSTMOptions, ...) share. As in
/// libtorch's C++ frontend, an options class takes a layer's required arguments in its
/// constructor and the optional ones through chained setters named as torch's keywords:
/// `nn::Conv2d(nn::Conv2dOptions(1, 32, 3).stride(2).padding(1).bias(false))`. Beyond torch,
/// `.dtype(DType::Float64)` and `.generator(g)` choose the parameters' dtype and the generator
/// they are drawn from. The positional constructors that pass more than the first optional
/// argument still build, deprecated.

#include <cstddef>
#include <type_traits>

#include "xgrad/arg.hpp"
#include "xgrad/ops/conv.hpp"
#include "xgrad/random.hpp"

/// Marks a layer constructor taking two or more optional arguments by position; `spelling` shows
/// the options form to use instead. Defining XGRAD_NO_DEPRECATED_LAYER_ARGS removes those
/// constructors from overload resolution, so that a build also finds the calls the warning misses
/// (GCC is silent about std::make_shared<nn::Conv2d>(1, 32, 3, 1, 1): the call is in a system
/// header).
#ifdef XGRAD_NO_DEPRECATED_LAYER_ARGS
#define XGRAD_DEPRECATED_LAYER_ARGS(spelling) \
    template <int Removed = 0, std::enable_if_t<Removed == 1, int> = 0>
#else
#define XGRAD_DEPRECATED_LAYER_ARGS(spelling) \
    [[deprecated("optional layer arguments by position: use " spelling)]]
#endif

namespace xgrad::nn {

/// The size of a D-dimensional window (kernel, stride, padding, ...): a number for the 1-D layers,
/// a Pair2 (height, width) for the 2-D ones. Conv1dOptions and Conv2dOptions are ConvOptions<1>
/// and ConvOptions<2>, as libtorch's.
template <std::size_t D>
using WindowSize = std::conditional_t<D == 1, std::size_t, Pair2>;

/// The generator an options object draws a layer's initial values from: the one given to
/// `.generator(g)`, else default_generator() (looked up when used). It refers to `g`, which must
/// outlive the constructor call (for Dropout, the module).
class GeneratorRef {
public:
    GeneratorRef() = default;
    GeneratorRef(Generator& generator) : generator_(&generator) {}  // NOLINT: `.generator(g)`
    /// The generator given, or default_generator().
    Generator& get() const { return generator_ ? *generator_ : default_generator(); }
    operator Generator&() const { return get(); }  // NOLINT: passes where a Generator& is taken
    /// Whether a generator was given.
    bool is_set() const { return generator_ != nullptr; }

private:
    Generator* generator_ = nullptr;
};

}  // namespace xgrad::nn
