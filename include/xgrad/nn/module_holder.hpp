#pragma once
/// \file module_holder.hpp
/// nn::ModuleHolder: a std::shared_ptr to a module that can be called like the module, so that a
/// submodule reads `fc1(x)` rather than `(*fc1)(x)`, and a module whose forward() takes several
/// inputs is called `net(a, b)`. It *is* a std::shared_ptr (public base), so code written against
/// `std::shared_ptr<nn::Linear>` (`fc1->weight()`, `(*fc1)(x)`, passing it where a shared_ptr is
/// expected) keeps working unchanged.
///
/// Included by module.hpp; include that one.

#include <cstddef>
#include <memory>
#include <ostream>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "xgrad/tensor.hpp"

namespace xgrad::nn {

class Module;

namespace detail {
/// ValueError for calling an empty holder of `type` (out of line: keeps error.hpp out of here).
[[noreturn]] void throw_empty_holder(const std::type_info& type);
/// ValueError for a call of `module` that would bypass its hooks (see Module::has_hooks()).
[[noreturn]] void throw_hooks_skipped(const Module& module, std::size_t arguments);
/// Module::has_hooks() of `module`, callable before Module is complete.
bool has_hooks(const Module& module);

/// Whether a call with these arguments is the one-tensor call that Module::operator() handles.
template <class... Args>
constexpr bool is_tensor_call = sizeof...(Args) == 1 &&
                                (std::is_base_of_v<Tensor, std::decay_t<Args>> && ...);

/// `item` as a shared module: a module rvalue is moved into a new std::shared_ptr; a
/// std::shared_ptr or ModuleHolder is shared as it is. What register_module() and Sequential's
/// constructor accept.
template <class T>
auto share_module(T&& item) {
    using D = std::decay_t<T>;
    if constexpr (std::is_base_of_v<Module, D>) {
        static_assert(
            !std::is_lvalue_reference_v<T> && !std::is_const_v<std::remove_reference_t<T>>,
            "xgrad::nn: modules are not copyable; pass a temporary (nn::Linear(4, 2)), "
            "std::move(module), or a std::shared_ptr / nn::ModuleHolder to share it");
        return std::make_shared<D>(std::move(item));
    } else {
        return std::forward<T>(item);
    }
}
}  // namespace detail

/// A shared module that forwards calls to it: libtorch's module holder, without its
/// default-construction (an empty holder is null, as a shared_ptr is). Returned by
/// Module::register_module(), so a model declares its submodules as
///
///     struct Net : nn::Module {
///         nn::ModuleHolder<nn::Linear> fc1 = register_module("fc1", nn::Linear(784, 128));
///         nn::ModuleHolder<nn::Linear> fc2 = register_module("fc2", nn::Linear(128, 10));
///         Tensor forward(const Tensor& x) override { return fc2(relu(fc1(x))); }
///     };
///
/// Members initialise in declaration order, so the parameters are named and created in that
/// order ("fc1.weight", "fc1.bias", "fc2.weight", ...).
template <class M>
class ModuleHolder : public std::shared_ptr<M> {
public:
    /// Empty: calling it raises a ValueError naming M.
    ModuleHolder() = default;
    ModuleHolder(std::nullptr_t) {}
    /// Shares `module` (of M or a class derived from it).
    template <class D, std::enable_if_t<std::is_convertible_v<D*, M*>, int> = 0>
    ModuleHolder(std::shared_ptr<D> module) : std::shared_ptr<M>(std::move(module)) {}
    /// Moves `module` into a new shared_ptr: `ModuleHolder<Net> net = Net();`.
    /// (Holders themselves are excluded first, so that copying a holder of an incomplete
    /// type never asks whether that type is a base.)
    template <
        class D,
        std::enable_if_t<
            std::conjunction_v<std::negation<std::is_base_of<std::shared_ptr<M>, std::decay_t<D>>>,
                               std::negation<std::is_lvalue_reference<D>>,
                               std::is_base_of<M, std::decay_t<D>>>,
            int> = 0>
    ModuleHolder(D&& module) : std::shared_ptr<M>(detail::share_module(std::move(module))) {}

    /// Calls the module. With one Tensor this is Module::operator(), so the module's hooks run;
    /// with any other arguments it is the module's own forward(args...) overload, e.g.
    /// `attn(q, k, v)`, `lstm(x, h0, c0)` or a user's two-input forward: hooks are defined over
    /// one input and one output, so such a call on a module that has hooks raises a ValueError
    /// rather than skipping them silently. ValueError naming M when the holder is empty.
    template <class... Args>
    decltype(auto) operator()(Args&&... args) const {
        M& module = checked();
        if constexpr (detail::is_tensor_call<Args...>) {
            return static_cast<Module&>(module)(std::forward<Args>(args)...);
        } else {
            if (detail::has_hooks(module)) detail::throw_hooks_skipped(module, sizeof...(Args));
            return module.forward(std::forward<Args>(args)...);
        }
    }

private:
    M& checked() const {
        if (!*this) detail::throw_empty_holder(typeid(M));
        return **this;
    }
};

/// Prints the module (operator<< of Module), not the pointer a std::shared_ptr would print.
template <class M>
std::ostream& operator<<(std::ostream& out, const ModuleHolder<M>& holder) {
    if (!holder) return out << "ModuleHolder(null)";
    return out << *holder;
}

}  // namespace xgrad::nn
