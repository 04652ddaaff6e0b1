#pragma once
/// \file sequential.hpp
/// A chain of modules applied one after the other.

#include <cstddef>
#include <initializer_list>
#include <memory>

#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

/// Feeds the input through its modules in order. The modules are registered as "0", "1", ...,
/// so parameters are named "0.weight", "2.bias" as in torch.nn.Sequential.
///
///     auto model = std::make_shared<nn::Sequential>(
///         std::make_shared<nn::Linear>(784, 128), std::make_shared<nn::ReLU>(),
///         std::make_shared<nn::Linear>(128, 10));
class Sequential : public Module {
public:
    Sequential() = default;
    /// The modules in the order they are applied.
    template <class First, class... Rest>
    explicit Sequential(std::shared_ptr<First> first, std::shared_ptr<Rest>... rest) {
        append(std::move(first));
        (append(std::move(rest)), ...);
    }
    Sequential(std::initializer_list<std::shared_ptr<Module>> modules);

    /// Appends `module` under the next index and returns it.
    template <class M>
    std::shared_ptr<M> push_back(std::shared_ptr<M> module) {
        append(module);
        return module;
    }

    Tensor forward(const Tensor& input) override;
    std::string describe() const override { return "Sequential"; }

    std::size_t size() const { return modules_.size(); }
    /// The module at `index`; IndexError when out of range.
    const std::shared_ptr<Module>& at(std::size_t index) const;

private:
    void append(std::shared_ptr<Module> module);
    std::vector<std::shared_ptr<Module>> modules_;
};

}  // namespace xgrad::nn
