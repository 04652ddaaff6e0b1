#pragma once
/// \file module.hpp
/// nn::Module: the base of every layer and model. A module owns named parameters (leaf tensors
/// the optimizer updates), named buffers (state that is saved but not trained) and named
/// submodules; it lists them recursively under dotted names ("fc1.weight"), switches between
/// training and evaluation mode, and saves and restores its state as a StateDict. Submodules are
/// held by nn::ModuleHolder (module_holder.hpp), a std::shared_ptr that calls like the module.

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "xgrad/hooks.hpp"
#include "xgrad/nn/module_holder.hpp"
#include "xgrad/state_dict.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::nn {

/// Names and tensors in registration order, submodules depth first.
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

/// What a non-strict load_state_dict() skipped (a strict load throws instead).
struct LoadReport {
    /// Parameters and buffers of the module that the state did not contain (they kept their
    /// values).
    std::vector<std::string> missing;
    /// Tensors of the state that the module has no parameter or buffer for.
    std::vector<std::string> unexpected;
};

class Module;

/// Runs before forward() with the module's input; a defined result replaces the input.
using ForwardPreHook = std::function<Tensor(Module& module, const Tensor& input)>;
/// Runs after forward() with the input and output; a defined result replaces the output.
using ForwardHook =
    std::function<Tensor(Module& module, const Tensor& input, const Tensor& output)>;
/// Runs in backward with the gradients of the module's input and output (torch's full backward
/// hook); a defined result replaces the input's gradient. grad_input is undefined when the input
/// does not require grad.
using BackwardHook =
    std::function<Tensor(Module& module, const Tensor& grad_input, const Tensor& grad_output)>;

/// Base class of layers and models. Subclasses register their tensors and submodules (in their
/// constructor or in default member initializers, which run in declaration order) and implement
/// forward(); calling the module runs forward().
///
///     struct Net : nn::Module {
///         nn::ModuleHolder<nn::Linear> fc1 = register_module("fc1", nn::Linear(784, 128));
///         nn::ModuleHolder<nn::Linear> fc2 = register_module("fc2", nn::Linear(128, 10));
///         Tensor forward(const Tensor& x) override { return fc2(relu(fc1(x))); }
///     };
///
/// Several inputs or outputs: the subclass adds `using Module::forward;` (for clang's
/// -Woverloaded-virtual) and its own `std::pair<Tensor, Tensor> forward(const Tensor& a, const
/// Tensor& b)`, called `net(a, b)` on a `ModuleHolder<Siamese> net`. Hooks see one input and one
/// output (torch's single-tensor case): they run on the one-Tensor call, and a call with other
/// arguments on a module that has hooks raises a ValueError instead of skipping them.
///
/// Modules are not copyable (a copy would silently share or split the parameters) but are
/// movable, so that register_module() and Sequential take `nn::Linear(784, 128)` by value: the
/// move carries the parameters, buffers, submodules and hooks (HookHandles still remove them).
/// The moved-from module is a husk: calling it, or listing the parameters of a parent that still
/// holds it, raises a ValueError naming it. Move a module before anything shares it, not after;
/// a module moved between a forward call with full backward hooks and its backward passes the
/// husk to those hooks. Move assignment is deleted: assigning over a module that a parent or an
/// optimizer already holds would change its tensors behind their backs.
class Module {
public:
    Module() = default;
    virtual ~Module() = default;
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;
    /// Takes over `other`'s parameters, buffers, submodules, hooks and mode; `other` is left a
    /// husk that refuses to be called.
    Module(Module&& other) noexcept;
    Module& operator=(Module&&) = delete;

    /// The computation of a module of one input and one output. The default raises a ValueError
    /// naming the module: one whose forward takes other inputs (several tensors, indices) defines
    /// its own overload instead and is called through a ModuleHolder.
    virtual Tensor forward(const Tensor& input);
    /// Runs forward(), with the module's hooks around it when it has any. Every call of a module
    /// (a Sequential's too) passes through here, so this is the one place hooks run.
    Tensor operator()(const Tensor& input) {
        if (!forward_pre_hooks_ && !forward_hooks_ && !backward_hooks_ && !moved_from_)
            return forward(input);
        return call_with_hooks(input);
    }
    /// Whether any forward-pre, forward or full backward hook is registered (and not removed).
    bool has_hooks() const;

    /// Registers a hook run by operator() before forward(), as PyTorch's
    /// register_forward_pre_hook: it receives the input and may return a replacement (or an
    /// undefined Tensor to keep it). Hooks run in registration order, each seeing the input the
    /// previous one left.
    HookHandle register_forward_pre_hook(ForwardPreHook hook);
    /// Registers a hook run by operator() after forward() with the input (as forward() saw it) and
    /// the output; a defined result replaces the output, which later hooks then see.
    HookHandle register_forward_hook(ForwardHook hook);
    /// Registers PyTorch's full backward hook for a module of one input and one output: during
    /// backward it receives grad_input, the gradient of the loss with respect to the input this
    /// module contributes (not the input's total gradient when the input is used elsewhere too),
    /// and grad_output, the gradient with respect to the output (after forward hooks). A defined
    /// result replaces grad_input; later hooks see it. Implemented by passing the input and the
    /// output through an identity op ("backward_hook", which copies the value) and hooking those
    /// tensors' gradients; modules called while no hook is registered, or under no-grad, get no
    /// identity ops. A hook registered after a forward call does not see that call's backward.
    HookHandle register_full_backward_hook(BackwardHook hook);

    /// The same three for hooks that return nothing (they observe, as a logger does).
    template <
        class F,
        std::enable_if_t<std::is_void_v<std::invoke_result_t<F&, Module&, const Tensor&>>, int> = 0>
    HookHandle register_forward_pre_hook(F hook) {
        return register_forward_pre_hook(
            ForwardPreHook([hook = std::move(hook)](Module& m, const Tensor& x) mutable {
                hook(m, x);
                return Tensor();
            }));
    }
    template <class F,
              std::enable_if_t<
                  std::is_void_v<std::invoke_result_t<F&, Module&, const Tensor&, const Tensor&>>,
                  int> = 0>
    HookHandle register_forward_hook(F hook) {
        return register_forward_hook(ForwardHook(
            [hook = std::move(hook)](Module& m, const Tensor& x, const Tensor& y) mutable {
                hook(m, x, y);
                return Tensor();
            }));
    }
    template <class F,
              std::enable_if_t<
                  std::is_void_v<std::invoke_result_t<F&, Module&, const Tensor&, const Tensor&>>,
                  int> = 0>
    HookHandle register_full_backward_hook(F hook) {
        return register_full_backward_hook(BackwardHook(
            [hook = std::move(hook)](Module& m, const Tensor& gi, const Tensor& go) mutable {
                hook(m, gi, go);
                return Tensor();
            }));
    }

    /// The type and settings of the module alone, in PyTorch's words: "Linear(in_features=4,
    /// out_features=2, bias=True)", "ReLU()". A container may return its type name alone
    /// ("Sequential"): operator<< adds the submodules. By default, the class name ("Net").
    virtual std::string describe() const;

    /// Registers `tensor` (a leaf) as a trainable parameter called `name` and sets its
    /// requires_grad (true by default). Returns the same handle. ValueError if the name is empty,
    /// contains a '.', or is already used by a parameter, buffer or submodule of this module, or
    /// if the tensor is undefined or not a leaf.
    Tensor register_parameter(const std::string& name, Tensor tensor, bool requires_grad = true);
    /// Registers `tensor` as a buffer: saved in state_dict(), converted by to(), not returned by
    /// parameters() and not trained. Same naming rules as register_parameter().
    Tensor register_buffer(const std::string& name, Tensor tensor);
    /// Registers `module` as a submodule called `name`; its parameters appear as "name.<...>".
    /// Same naming rules; also a ValueError if the module is null or would contain itself.
    /// Returns it as a holder (which converts to std::shared_ptr<M>, so older code that keeps a
    /// shared_ptr compiles unchanged).
    template <class M>
    ModuleHolder<M> register_module(const std::string& name, std::shared_ptr<M> module) {
        add_child(name, module);
        return module;
    }
    /// Registers a module given by value, `register_module("fc1", nn::Linear(784, 128))`: it is
    /// moved into a new shared_ptr, which the returned holder shares.
    template <class M, std::enable_if_t<std::is_base_of_v<Module, std::decay_t<M>>, int> = 0>
    ModuleHolder<std::decay_t<M>> register_module(const std::string& name, M&& module) {
        return register_module(name, detail::share_module(std::forward<M>(module)));
    }

    /// Parameters of this module and (with recurse) of its submodules, each tensor once even if
    /// it is registered under several names.
    std::vector<Tensor> parameters(bool recurse = true) const;
    /// Same, with dotted names.
    NamedTensors named_parameters(bool recurse = true) const;
    /// Buffers of this module and (with recurse) of its submodules.
    std::vector<Tensor> buffers(bool recurse = true) const;
    NamedTensors named_buffers(bool recurse = true) const;
    /// Direct submodules with their names.
    std::vector<std::pair<std::string, std::shared_ptr<Module>>> named_children() const;
    /// Direct submodules.
    std::vector<std::shared_ptr<Module>> children() const;

    /// Sets training mode (true) or evaluation mode (false) on this module and every submodule.
    /// Layers such as Dropout behave differently in the two modes.
    void train(bool mode = true);
    /// Evaluation mode: train(false).
    void eval() { train(false); }
    /// Whether this module is in training mode (the default).
    bool is_training() const { return training_; }

    /// Drops the gradient of every parameter (PyTorch's zero_grad(set_to_none=True)).
    void zero_grad();

    /// Converts every parameter and buffer to `dtype` in place: handles held elsewhere (by an
    /// optimizer, say) see the new values. Gradients are dropped.
    void to(DType dtype);

    /// Every parameter and buffer under its dotted name, as copies detached from the module (so
    /// the snapshot does not change as training goes on). Shared tensors appear under each name.
    StateDict state_dict() const;
    /// Copies the values of `state` into the parameters and buffers of the same names. Everything
    /// is checked before any value changes: with `strict`, missing and unexpected names raise a
    /// ValueError listing all of them; a shape mismatch raises a ShapeError naming the tensor and
    /// both shapes; values of another dtype are converted (PyTorch's copy_). On any error the
    /// module keeps its values. Metadata of `state` is ignored.
    LoadReport load_state_dict(const StateDict& state, bool strict = true);

private:
    void check_name(const std::string& name, const char* what) const;
    void add_child(const std::string& name, std::shared_ptr<Module> module);
    bool contains(const Module* module) const;
    void collect(const std::string& prefix, bool recurse, bool parameters, NamedTensors& out) const;
    Tensor call_with_hooks(const Tensor& input);

    // Null until a hook of the kind is registered: a module without hooks is called directly.
    // Shared so that a HookHandle can outlive the module (it holds the list weakly).
    std::shared_ptr<xgrad::detail::HookList<ForwardPreHook>> forward_pre_hooks_;
    std::shared_ptr<xgrad::detail::HookList<ForwardHook>> forward_hooks_;
    std::shared_ptr<xgrad::detail::HookList<BackwardHook>> backward_hooks_;

    NamedTensors parameters_;
    NamedTensors buffers_;
    std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
    bool training_ = true;
    // Set on the source of a move: its tensors and submodules went to the new module.
    bool moved_from_ = false;
};

/// Prints the module tree as PyTorch's repr does, one submodule per line, indented by depth:
///
///     Sequential(
///       (0): Linear(in_features=784, out_features=256, bias=True)
///       (1): ReLU()
///     )
std::ostream& operator<<(std::ostream& out, const Module& module);

/// A table of the parameters: each one's dotted name, shape and number of values, then the
/// total (a parameter shared under several names counted once, as parameters() lists it):
///
///     parameter  shape        count
///     0.weight   (256, 784)  200704
///     0.bias     (256,)         256
///     total                  200960
std::string summary(const Module& module);

}  // namespace xgrad::nn
