#include "xgrad/nn/module.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/grad_mode.hpp"

namespace xgrad::nn {

Module::Module(Module&& other) noexcept
    : forward_pre_hooks_(std::move(other.forward_pre_hooks_)),
      forward_hooks_(std::move(other.forward_hooks_)),
      backward_hooks_(std::move(other.backward_hooks_)),
      parameters_(std::move(other.parameters_)),
      buffers_(std::move(other.buffers_)),
      children_(std::move(other.children_)),
      training_(other.training_),
      moved_from_(other.moved_from_) {
    other.parameters_.clear();
    other.buffers_.clear();
    other.children_.clear();
    other.moved_from_ = true;
}

Tensor Module::forward(const Tensor&) {
    throw ValueError(describe() +
                     " was called with one tensor, but its forward() takes a different number of "
                     "inputs: call it with its own arguments (net(a, b) on an nn::ModuleHolder)");
}

namespace {
[[noreturn]] void throw_moved_from(const Module& module, const std::string& what) {
    throw ValueError(what + ": " + module.describe() +
                     " was moved from; its parameters and submodules belong to the module it was "
                     "moved into");
}
}  // namespace

bool Module::has_hooks() const {
    return (forward_pre_hooks_ && !forward_pre_hooks_->empty()) ||
           (forward_hooks_ && !forward_hooks_->empty()) ||
           (backward_hooks_ && !backward_hooks_->empty());
}

void Module::check_name(const std::string& name, const char* what) const {
    const std::string where = std::string("Module::register_") + what + ": ";
    if (name.empty()) throw ValueError(where + "the name is empty");
    if (name.find('.') != std::string::npos)
        throw ValueError(where + "name '" + name + "' contains '.', which separates submodules");
    const auto taken = [&](const auto& entries) {
        for (const auto& entry : entries)
            if (entry.first == name) return true;
        return false;
    };
    if (taken(parameters_) || taken(buffers_) || taken(children_))
        throw ValueError(where + "name '" + name + "' is already registered in this module");
}

Tensor Module::register_parameter(const std::string& name, Tensor tensor, bool requires_grad) {
    check_name(name, "parameter");
    if (!tensor.defined())
        throw ValueError("Module::register_parameter: parameter '" + name + "' is undefined");
    if (!tensor.is_leaf())
        throw ValueError("Module::register_parameter: parameter '" + name +
                         "' is not a leaf (it was produced by '" + tensor.op_name() +
                         "'); register detach() of it");
    tensor.requires_grad_(requires_grad);
    parameters_.emplace_back(name, tensor);
    return tensor;
}

Tensor Module::register_buffer(const std::string& name, Tensor tensor) {
    check_name(name, "buffer");
    if (!tensor.defined())
        throw ValueError("Module::register_buffer: buffer '" + name + "' is undefined");
    buffers_.emplace_back(name, tensor);
    return tensor;
}

bool Module::contains(const Module* module) const {
    if (this == module) return true;
    for (const auto& [name, child] : children_)
        if (child->contains(module)) return true;
    return false;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
    check_name(name, "module");
    if (!module) throw ValueError("Module::register_module: module '" + name + "' is null");
    if (module->contains(this))
        throw ValueError("Module::register_module: registering '" + name +
                         "' would make the module contain itself");
    children_.emplace_back(name, std::move(module));
}

void Module::collect(const std::string& prefix, bool recurse, bool parameters,
                     NamedTensors& out) const {
    for (const auto& [name, tensor] : parameters ? parameters_ : buffers_)
        out.emplace_back(prefix + name, tensor);
    if (!recurse) return;
    for (const auto& [name, child] : children_) {
        if (child->moved_from_) throw_moved_from(*child, "submodule '" + prefix + name + "'");
        child->collect(prefix + name + ".", true, parameters, out);
    }
}

namespace {
/// Keeps the first name of each tensor: a shared parameter is trained (and counted) once.
NamedTensors unique(NamedTensors all) {
    std::set<const Node*> seen;
    NamedTensors result;
    for (auto& entry : all)
        if (seen.insert(entry.second.node().get()).second) result.push_back(std::move(entry));
    return result;
}

std::vector<Tensor> tensors_of(const NamedTensors& named) {
    std::vector<Tensor> result;
    result.reserve(named.size());
    for (const auto& entry : named) result.push_back(entry.second);
    return result;
}
}  // namespace

NamedTensors Module::named_parameters(bool recurse) const {
    NamedTensors all;
    collect("", recurse, true, all);
    return unique(std::move(all));
}

std::vector<Tensor> Module::parameters(bool recurse) const {
    return tensors_of(named_parameters(recurse));
}

NamedTensors Module::named_buffers(bool recurse) const {
    NamedTensors all;
    collect("", recurse, false, all);
    return unique(std::move(all));
}

std::vector<Tensor> Module::buffers(bool recurse) const {
    return tensors_of(named_buffers(recurse));
}

std::vector<std::pair<std::string, std::shared_ptr<Module>>> Module::named_children() const {
    return children_;
}

std::vector<std::shared_ptr<Module>> Module::children() const {
    std::vector<std::shared_ptr<Module>> result;
    for (const auto& entry : children_) result.push_back(entry.second);
    return result;
}

void Module::train(bool mode) {
    training_ = mode;
    for (const auto& entry : children_) entry.second->train(mode);
}

void Module::zero_grad() {
    for (auto& tensor : parameters()) tensor.zero_grad();
}

namespace {
template <class Hook>
HookHandle add_hook(std::shared_ptr<xgrad::detail::HookList<Hook>>& list, Hook hook,
                    const char* what) {
    if (!hook) throw ValueError(std::string("Module::") + what + ": the hook is empty");
    if (!list) list = std::make_shared<xgrad::detail::HookList<Hook>>();
    const std::size_t id = list->add(std::move(hook));
    return HookHandle(list, id);
}

/// The identity, as an op of its own: the tensor a full backward hook hooks, so that its gradient
/// is this module call's alone even when `x` is also used elsewhere (torch's
/// BackwardHookFunction). A node owns its value, hence the copy.
Tensor hook_point(const Tensor& x) {
    return make_op("backward_hook", Array(array_of(x)), {x},
                   [](const Tensor& g, const Tensor&, const Inputs&) { return Grads{g}; });
}

/// Runs a module's full backward hooks, if the module is still there; the replaced grad_input, or
/// an undefined Tensor when no hook replaced it.
Tensor run_backward_hooks(const std::weak_ptr<xgrad::detail::HookList<BackwardHook>>& hooks,
                          Module& module, const Tensor& grad_input, const Tensor& grad_output) {
    // The list lives exactly as long as the module: once it is gone, so is the module.
    const auto list = hooks.lock();
    if (!list) return Tensor();
    Tensor current = grad_input;
    bool replaced = false;
    for (const BackwardHook& hook : list->snapshot()) {
        Tensor result = hook(module, current, grad_output);
        if (!result.defined()) continue;
        current = std::move(result);
        replaced = true;
    }
    return replaced ? current : Tensor();
}
}  // namespace

HookHandle Module::register_forward_pre_hook(ForwardPreHook hook) {
    return add_hook(forward_pre_hooks_, std::move(hook), "register_forward_pre_hook");
}

HookHandle Module::register_forward_hook(ForwardHook hook) {
    return add_hook(forward_hooks_, std::move(hook), "register_forward_hook");
}

HookHandle Module::register_full_backward_hook(BackwardHook hook) {
    return add_hook(backward_hooks_, std::move(hook), "register_full_backward_hook");
}

Tensor Module::call_with_hooks(const Tensor& input) {
    if (moved_from_) throw_moved_from(*this, "Module::operator()");
    Tensor x = input;
    if (forward_pre_hooks_)
        for (const ForwardPreHook& hook : forward_pre_hooks_->snapshot())
            if (Tensor replaced = hook(*this, x); replaced.defined()) x = std::move(replaced);

    // Full backward hooks: the output's gradient arrives first (the sweep runs from the loss
    // down); it is held until the input's gradient arrives, where the user's hooks run. An input
    // that needs no gradient gets none: the hooks then run at the output, with grad_input
    // undefined (as torch passes None).
    const bool backward = backward_hooks_ && !backward_hooks_->empty() && is_grad_enabled();
    const bool input_hooked = backward && x.requires_grad();
    struct Pending {
        Tensor grad_output;
    };
    std::shared_ptr<Pending> pending;
    const std::weak_ptr<xgrad::detail::HookList<BackwardHook>> hooks = backward_hooks_;
    if (input_hooked) {
        pending = std::make_shared<Pending>();
        x = hook_point(x);
        x.register_hook([pending, hooks, this](const Tensor& grad_input) {
            // Moved out: under create_graph grad_output may lead back to this graph's nodes.
            const Tensor grad_output = std::move(pending->grad_output);
            return run_backward_hooks(hooks, *this, grad_input, grad_output);
        });
    }

    Tensor y = forward(x);
    if (forward_hooks_)
        for (const ForwardHook& hook : forward_hooks_->snapshot())
            if (Tensor replaced = hook(*this, x, y); replaced.defined()) y = std::move(replaced);

    if (backward && y.defined() && y.requires_grad()) {
        y = hook_point(y);
        y.register_hook([pending, hooks, this](const Tensor& grad_output) {
            if (pending)
                pending->grad_output = grad_output;
            else
                run_backward_hooks(hooks, *this, Tensor(), grad_output);
            return Tensor();
        });
    }
    return y;
}

void Module::to(DType dtype) {
    NamedTensors all;
    collect("", true, true, all);
    collect("", true, false, all);
    for (auto& [name, tensor] : unique(std::move(all))) {
        if (tensor.dtype() == dtype) continue;
        tensor.node()->value = converted(tensor.node()->value, dtype);
        tensor.zero_grad();
    }
}

StateDict Module::state_dict() const {
    StateDict state;
    NamedTensors all;
    collect("", true, true, all);
    collect("", true, false, all);
    for (const auto& [name, tensor] : all) state.tensors[name] = tensor.detach();
    return state;
}

LoadReport Module::load_state_dict(const StateDict& state, bool strict) {
    NamedTensors all;
    collect("", true, true, all);
    collect("", true, false, all);

    LoadReport report;
    std::set<std::string> known;
    std::string shape_errors;
    std::vector<std::pair<Tensor, Array>> updates;
    for (const auto& [name, tensor] : all) {
        known.insert(name);
        const auto found = state.tensors.find(name);
        if (found == state.tensors.end()) {
            report.missing.push_back(name);
            continue;
        }
        const Tensor& source = found->second;
        if (!source.defined()) {
            shape_errors += "\n  '" + name + "': the state's tensor is undefined";
            continue;
        }
        if (source.shape() != tensor.shape()) {
            shape_errors += "\n  '" + name + "': the module has shape " +
                            shape_str(tensor.shape()) + ", the state has " +
                            shape_str(source.shape());
            continue;
        }
        // Converted (and so copied) up front: after the checks nothing can fail half way.
        updates.emplace_back(tensor, converted(array_of(source), tensor.dtype()));
    }
    for (const auto& entry : state.tensors)
        if (!known.count(entry.first)) report.unexpected.push_back(entry.first);

    if (!shape_errors.empty())
        throw ShapeError("Module::load_state_dict: shapes differ (nothing was loaded):" +
                         shape_errors);
    if (strict && (!report.missing.empty() || !report.unexpected.empty())) {
        std::string message =
            "Module::load_state_dict: the state does not match the module "
            "(nothing was loaded)";
        const auto list = [&](const char* what, const std::vector<std::string>& names) {
            if (names.empty()) return;
            message += std::string("\n  ") + what + ":";
            for (const auto& name : names) message += " '" + name + "'";
        };
        list("missing", report.missing);
        list("unexpected", report.unexpected);
        throw ValueError(message);
    }
    for (auto& update : updates) {
        // A named reference, not a structured binding: C++17 lambdas cannot capture bindings
        // (clang rejects it).
        const auto& value = update.second;
        // Same shape and dtype: assign element by element into the existing array, no realloc.
        std::visit(
            [&](auto& target) {
                using A = std::decay_t<decltype(target)>;
                const auto& source = std::get<A>(value);
                std::copy(source.data(), source.data() + source.size(), target.data());
            },
            update.first.node()->value);
    }
    return report;
}

}  // namespace xgrad::nn
