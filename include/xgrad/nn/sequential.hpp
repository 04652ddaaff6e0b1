#pragma once
/// \file sequential.hpp
/// A chain of modules applied one after the other.

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <type_traits>
#include <utility>

#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

/// Feeds the input through its modules in order. The modules are registered as "0", "1", ...,
/// so parameters are named "0.weight", "2.bias" as in torch.nn.Sequential.
///
///     nn::ModuleHolder<nn::Sequential> model = nn::Sequential{
///         nn::Linear(784, 128), nn::ReLU(), nn::Linear(128, 10)};
///
/// The items may be module temporaries (moved into the Sequential), std::shared_ptrs or
/// ModuleHolders (shared with whoever else holds them), mixed.
class Sequential : public Module {
public:
    Sequential() = default;
    /// The modules in the order they are applied. (A lone Sequential rvalue is a move, not a
    /// Sequential of one Sequential.)
    template <
        class First, class... Rest,
        std::enable_if_t<sizeof...(Rest) != 0 || !std::is_same_v<std::decay_t<First>, Sequential>,
                         int> = 0>
    explicit Sequential(First&& first, Rest&&... rest) {
        append(detail::share_module(std::forward<First>(first)));
        (append(detail::share_module(std::forward<Rest>(rest))), ...);
    }
    Sequential(std::initializer_list<std::shared_ptr<Module>> modules);

    /// Appends `module` under the next index and returns it.
    template <class M>
    ModuleHolder<M> push_back(std::shared_ptr<M> module) {
        append(module);
        return module;
    }
    /// Appends a module given by value (moved into a new shared_ptr) and returns it.
    template <class M, std::enable_if_t<std::is_base_of_v<Module, std::decay_t<M>>, int> = 0>
    ModuleHolder<std::decay_t<M>> push_back(M&& module) {
        return push_back(detail::share_module(std::forward<M>(module)));
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
