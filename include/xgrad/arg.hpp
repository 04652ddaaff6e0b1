#pragma once
/// \file arg.hpp
/// Options that read at the call site, as libtorch's: `SGDOptions(0.1).momentum(0.9)`,
/// `nn::Conv2dOptions(1, 32, 3).stride(2).padding(1)`, `TensorOptions().requires_grad(true)`.
/// Each XGRAD_ARG(T, name) declares the private field `name_` and three accessors: the chained
/// setter `name(value)` returning the options object, the getter `name()`, and a mutable `name()`
/// for code that updates one option in place (`options.lr() *= 0.1`). It is torch/arg.h's
/// TORCH_ARG, so a libtorch user's spelling carries over. The declaration ends with the field's
/// initialiser: `XGRAD_ARG(double, lr) = 1e-3;`. A type with a comma needs an alias first
/// (`using Betas = std::array<double, 2>;`), as with any macro argument.

#include <utility>

/// Marks the positional constructor that keeps a former aggregate's spelling, such as
/// `SGDOptions{0.1, 0.9}`, compiling.
#define XGRAD_DEPRECATED_POSITIONAL_OPTIONS \
    [[deprecated("name the options, as libtorch: SGDOptions(0.1).momentum(0.9)")]]

#define XGRAD_ARG(T, name)                                   \
public:                                                      \
    auto name(const T& new_##name)->decltype(*this) {        \
        this->name##_ = new_##name;                          \
        return *this;                                        \
    }                                                        \
    auto name(T&& new_##name)->decltype(*this) {             \
        this->name##_ = std::move(new_##name);               \
        return *this;                                        \
    }                                                        \
    const T& name() const noexcept { return this->name##_; } \
    T& name() noexcept { return this->name##_; }             \
                                                             \
private:                                                     \
    T name##_
