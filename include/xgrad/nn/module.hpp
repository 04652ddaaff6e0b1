#pragma once
/// \file module.hpp
/// nn::Module: the base of every layer and model. A module owns named parameters (leaf tensors
/// the optimizer updates), named buffers (state that is saved but not trained) and named
/// submodules; it lists them recursively under dotted names ("fc1.weight"), switches between
/// training and evaluation mode, and saves and restores its state as a StateDict.

#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

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

/// Base class of layers and models. Subclasses register their tensors and submodules in their
/// constructor and implement forward(); calling the module runs forward().
///
///     struct Net : nn::Module {
///         std::shared_ptr<nn::Linear> fc1, fc2;
///         Net() {
///             fc1 = register_module("fc1", std::make_shared<nn::Linear>(784, 128));
///             fc2 = register_module("fc2", std::make_shared<nn::Linear>(128, 10));
///         }
///         Tensor forward(const Tensor& x) override { return (*fc2)(relu((*fc1)(x))); }
///     };
///
/// Modules are shared through std::shared_ptr and are not copyable (a copy would silently share
/// or split the parameters).
class Module {
public:
    Module() = default;
    virtual ~Module() = default;
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    /// The computation of the module.
    virtual Tensor forward(const Tensor& input) = 0;
    /// Runs forward().
    Tensor operator()(const Tensor& input) { return forward(input); }

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
    template <class M>
    std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
        add_child(name, module);
        return module;
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

    NamedTensors parameters_;
    NamedTensors buffers_;
    std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
    bool training_ = true;
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
