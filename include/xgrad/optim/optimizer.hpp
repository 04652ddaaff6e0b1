#pragma once
/// \file optimizer.hpp
/// The optimizer base: parameter groups (tensors + typed hyperparameters), per-parameter state
/// (momentum buffers, moments, step counts), step(), zero_grad(), add_param_group() and
/// state_dict()/load_state_dict(). The update rules (sgd.hpp, adam.hpp, ...) only supply their
/// hyperparameter struct, their state struct and one function `update_tensor<T>(options, param,
/// grad, state)` over arrays of a concrete element type: the arithmetic of one update of one
/// tensor, like torch.optim's `_single_tensor_*` functions. The Rule template does the rest.
///
/// optim/ depends on the Tensor API only: an update reads `param.grad()` and rewrites
/// `param.value<T>()` in place, so it never records a graph.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "xgrad/arg.hpp"
#include "xgrad/autograd.hpp"
#include "xgrad/dtype.hpp"
#include "xgrad/error.hpp"
#include "xgrad/state_dict.hpp"
#include "xgrad/state_fields.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::optim {

/// Two coefficients of one option: Adam's betas, Rprop's etas and step sizes.
using DoublePair = std::array<double, 2>;

/// What step() does with a gradient that holds NaN or Inf.
enum class NonFinitePolicy {
    /// Apply the update anyway (PyTorch's behaviour): the NaN spreads into the parameters.
    ignore,
    /// Check every gradient before touching anything and throw NonFiniteError naming the
    /// parameter; parameters and optimizer state stay exactly as they were.
    raise
};

/// What every optimizer offers whatever its update rule: the interface of training loops and of
/// learning-rate schedulers. Optimizers are neither copyable nor movable (schedulers keep a
/// reference to theirs, and a copy would share the state buffers).
class Optimizer {
public:
    Optimizer() = default;
    Optimizer(const Optimizer&) = delete;
    Optimizer& operator=(const Optimizer&) = delete;
    virtual ~Optimizer() = default;

    /// The rule's name as in PyTorch ("SGD", "Adam", ...); used in messages and state dicts.
    virtual const char* name() const = 0;

    /// One update of every parameter that has a gradient; parameters whose grad is undefined
    /// are skipped (their state is left untouched), as in PyTorch. Records no graph.
    virtual void step() = 0;

    /// PyTorch's `step(closure)`: calls `closure` once, then step(), and returns the loss the
    /// closure returned. The closure contract is PyTorch's: it zeroes the gradients, evaluates
    /// the loss, backpropagates and returns the loss, a one-element tensor:
    ///
    ///     double loss = opt.step([&] {
    ///         opt.zero_grad();
    ///         Tensor loss = criterion(model(x), y);
    ///         loss.backward();
    ///         return loss;
    ///     });
    ///
    /// Rules that re-evaluate the function (LBFGS) call the closure several times. A closure
    /// that returns anything but one element is a ShapeError thrown before any parameter or
    /// state changes.
    virtual double step(const std::function<Tensor()>& closure);

    /// How step() treats a non-finite gradient; NonFinitePolicy::ignore by default. With
    /// `raise`, a training loop can catch NonFiniteError, skip the batch (zero_grad()) or lower
    /// the learning rate, and go on from intact parameters. Not saved in state_dict().
    void set_nonfinite_policy(NonFinitePolicy policy) { nonfinite_policy_ = policy; }
    NonFinitePolicy nonfinite_policy() const { return nonfinite_policy_; }

    /// Clears the gradient of every parameter: drops it (PyTorch's set_to_none=True, the
    /// default since PyTorch 2.0) or fills it with zeros.
    void zero_grad(bool set_to_none = true);

    virtual std::size_t num_param_groups() const = 0;
    /// The tensors of group `group`.
    virtual const std::vector<Tensor>& params(std::size_t group) const = 0;
    /// Every parameter, group after group: the order of the indices in state_dict().
    std::vector<Tensor> parameters() const;

    /// The learning rate of a group; schedulers read and write it through these.
    virtual double lr(std::size_t group = 0) const = 0;
    virtual void set_lr(std::size_t group, double lr) = 0;
    /// Sets the learning rate of every group.
    void set_lr(double lr);

    /// PyTorch's group['initial_lr']: the lr a schedule starts from, recorded by the first
    /// scheduler attached to the optimizer and saved with the optimizer's state.
    virtual std::optional<double> initial_lr(std::size_t group) const = 0;
    virtual void set_initial_lr(std::size_t group, std::optional<double> initial_lr) = 0;

    /// Whether the rule has a momentum a schedule can cycle (OneCycleLR): SGD's and RMSprop's
    /// `momentum`, the Adam family's beta1. Adagrad and Adadelta have none.
    virtual bool has_momentum() const = 0;
    /// That momentum of a group; throws ValueError when has_momentum() is false.
    virtual double momentum(std::size_t group) const = 0;
    virtual void set_momentum(std::size_t group, double momentum) = 0;

    /// A snapshot (deep copies) of the hyperparameters of every group and of the state of every
    /// parameter that has one. Names: "type", "param_groups.<g>.params" (comma-separated
    /// parameter indices), "param_groups.<g>.<hyperparameter>" (PyTorch's names; betas as
    /// "betas.0"/"betas.1"), "param_groups.<g>.initial_lr", "state.<i>.<buffer>" (tensors),
    /// "state.<i>.step" and other numbers (metadata), i = index of the parameter in
    /// parameters().
    virtual StateDict state_dict() const = 0;
    /// Restores what state_dict() saved, into an optimizer of the same rule over parameters of
    /// the same shapes in the same groups: the hyperparameters of every group (lr included) and
    /// the per-parameter state, copied and converted to each parameter's dtype. Throws
    /// ValueError on a mismatch.
    virtual void load_state_dict(const StateDict& state) = 0;

protected:
    /// Under NonFinitePolicy::raise: throws NonFiniteError if any parameter's gradient holds NaN
    /// or Inf, before step() changes anything.
    void check_gradients_finite() const;

private:
    NonFinitePolicy nonfinite_policy_ = NonFinitePolicy::ignore;
};

/// One parameter group: its tensors, its own hyperparameters and the schedulers' bookkeeping.
template <class Options>
struct ParamGroup {
    std::vector<Tensor> params;
    Options options;
    std::optional<double> initial_lr;

    explicit ParamGroup(std::vector<Tensor> params, Options options = Options())
        : params(std::move(params)), options(options) {}
};

namespace detail {

/// Throws ValueError "<rule>: invalid <name> <value> (expected <expected>)" unless ok.
void require(bool ok, const char* rule, const char* name, double value, const char* expected);
/// require(value >= 0).
inline void require_non_negative(const char* rule, const char* name, double value) {
    require(value >= 0.0, rule, name, value, ">= 0");
}
/// betas: each in [0, 1).
inline void require_beta(const char* rule, const char* name, double value) {
    require(value >= 0.0 && value < 1.0, rule, name, value, "in [0, 1)");
}

/// Checks a group's tensors: not empty, defined, leaves that require grad, not already in
/// `seen` (the node addresses of earlier groups, which this call extends).
void check_params(const char* rule, const std::vector<Tensor>& params,
                  std::vector<const void*>& seen);

/// The loss a closure returned, as a double; ShapeError naming `rule` unless it has one element.
double closure_loss(const char* rule, const Tensor& loss);

}  // namespace detail

/// The machinery shared by every update rule. `Options` is the rule's hyperparameter struct (a
/// `double lr` field, `void validate() const` throwing ValueError, and
/// `static void visit(Self&, Fn&&)` calling `fn(name, field)` for each field); `State` the
/// per-parameter state struct (with the same `visit`). A rule derives from it and implements
/// update().
template <class Options, class State>
class OptimizerImpl : public Optimizer {
public:
    using options_type = Options;
    using state_type = State;
    using group_type = ParamGroup<Options>;

    using Optimizer::step;
    void step() override {
        NoGradGuard no_grad;
        check_gradients_finite();
        std::size_t index = 0;
        for (auto& group : groups_) {
            for (auto& param : group.params) {
                const Tensor grad = param.grad();
                if (grad.defined()) {
                    if (grad.dtype() != param.dtype() || grad.shape() != param.shape())
                        throw ShapeError(std::string(name()) + ".step: parameter " +
                                         std::to_string(index) + " has shape " +
                                         shape_str(param.shape()) + " " +
                                         dtype_name(param.dtype()) + " but its grad " +
                                         shape_str(grad.shape()) + " " + dtype_name(grad.dtype()));
                    auto& slot = state_[index];
                    if (!slot) slot.emplace();
                    update(group.options, param, grad, *slot);
                }
                ++index;
            }
        }
    }

    /// Adds a group with the optimizer's default hyperparameters (those it was built with).
    void add_param_group(std::vector<Tensor> params) {
        add_param_group(group_type(std::move(params), defaults_));
    }
    /// Adds a group with its own hyperparameters. Its tensors must not be in another group.
    void add_param_group(std::vector<Tensor> params, const Options& options) {
        add_param_group(group_type(std::move(params), options));
    }
    void add_param_group(group_type group) {
        group.options.validate();
        detail::check_params(rule_, group.params, seen_);
        state_.resize(state_.size() + group.params.size());
        groups_.push_back(std::move(group));
    }

    const std::vector<group_type>& param_groups() const { return groups_; }
    /// A group's hyperparameters, writable (not re-validated: keep them sensible).
    Options& options(std::size_t group = 0) { return group_at(group).options; }
    const Options& options(std::size_t group = 0) const { return group_at(group).options; }
    /// The hyperparameters new groups get by default.
    const Options& defaults() const { return defaults_; }
    /// The state of parameter `index` (in parameters() order); null before its first update.
    const State* state(std::size_t index) const {
        if (index >= state_.size())
            throw IndexError(std::string(name()) + ".state: parameter " + std::to_string(index) +
                             " is out of range (expected < " + std::to_string(state_.size()) + ")");
        const auto& slot = state_[index];
        return slot ? &*slot : nullptr;
    }

    const char* name() const final { return rule_; }
    std::size_t num_param_groups() const override { return groups_.size(); }
    const std::vector<Tensor>& params(std::size_t group) const override {
        return group_at(group).params;
    }
    double lr(std::size_t group = 0) const override { return group_at(group).options.lr(); }
    void set_lr(std::size_t group, double lr) override { group_at(group).options.lr(lr); }
    using Optimizer::set_lr;
    std::optional<double> initial_lr(std::size_t group) const override {
        return group_at(group).initial_lr;
    }
    void set_initial_lr(std::size_t group, std::optional<double> initial_lr) override {
        group_at(group).initial_lr = initial_lr;
    }
    bool has_momentum() const override {
        Options probe = defaults_;
        return momentum_field(probe) != nullptr;
    }
    double momentum(std::size_t group) const override {
        Options probe = group_at(group).options;
        return *checked_momentum(probe);
    }
    void set_momentum(std::size_t group, double momentum) override {
        *checked_momentum(group_at(group).options) = momentum;
    }

    StateDict state_dict() const override {
        StateDict out;
        out.metadata["type"] = name();
        std::size_t index = 0;
        for (std::size_t g = 0; g < groups_.size(); ++g) {
            const std::string prefix = "param_groups." + std::to_string(g) + ".";
            std::string indices;
            for (std::size_t k = 0; k < groups_[g].params.size(); ++k)
                indices += (k ? "," : "") + std::to_string(index++);
            out.metadata[prefix + "params"] = indices;
            Options::visit(groups_[g].options, FieldSaver(out, prefix));
            if (groups_[g].initial_lr)
                out.metadata[prefix + "initial_lr"] = format_exact(*groups_[g].initial_lr);
        }
        for (std::size_t i = 0; i < state_.size(); ++i)
            if (state_[i])
                State::visit(*state_[i], FieldSaver(out, "state." + std::to_string(i) + "."));
        return out;
    }

    void load_state_dict(const StateDict& in) override {
        const auto type = in.metadata.find("type");
        if (type != in.metadata.end() && type->second != name())
            throw ValueError(std::string(name()) + ".load_state_dict: the state was saved by " +
                             type->second);
        // Parse everything first, so that a bad state dict leaves the optimizer unchanged.
        std::vector<group_type> groups = groups_;
        std::size_t index = 0;
        for (std::size_t g = 0; g < groups.size(); ++g) {
            const std::string prefix = "param_groups." + std::to_string(g) + ".";
            const std::string& indices =
                xgrad::detail::required_entry(in, prefix + "params", name());
            const std::size_t saved_count =
                indices.empty() ? 0 : 1 + std::count(indices.begin(), indices.end(), ',');
            if (saved_count != groups[g].params.size())
                throw ValueError(std::string(name()) + ".load_state_dict: group " +
                                 std::to_string(g) + " has " +
                                 std::to_string(groups[g].params.size()) +
                                 " parameters, the saved one " + std::to_string(saved_count));
            Options::visit(groups[g].options, FieldLoader(in, prefix, name()));
            groups[g].options.validate();
            const auto initial = in.metadata.find(prefix + "initial_lr");
            groups[g].initial_lr =
                initial == in.metadata.end()
                    ? std::nullopt
                    : std::optional<double>(parse_exact(initial->second, prefix + "initial_lr"));
            index += saved_count;
        }
        if (xgrad::detail::has_prefix(in, "param_groups." + std::to_string(groups.size()) + "."))
            throw ValueError(std::string(name()) + ".load_state_dict: the state has more than " +
                             std::to_string(groups.size()) + " parameter groups");
        std::vector<std::optional<State>> states(state_.size());
        index = 0;
        for (const auto& group : groups) {
            for (const auto& param : group.params) {
                const std::string prefix = "state." + std::to_string(index) + ".";
                if (xgrad::detail::has_prefix(in, prefix)) {
                    states[index].emplace();
                    State::visit(*states[index], FieldLoader(in, prefix, name(), &param));
                }
                ++index;
            }
        }
        groups_ = std::move(groups);
        state_ = std::move(states);
    }

protected:
    /// Validates `defaults` and every group; throws ValueError on an empty parameter list, a
    /// tensor that is undefined, not a leaf, does not require grad or is in two groups.
    OptimizerImpl(const char* rule, std::vector<group_type> groups, const Options& defaults)
        : rule_(rule), defaults_(defaults) {
        defaults_.validate();
        if (groups.empty()) throw ValueError(std::string(rule) + ": empty parameter list");
        for (auto& group : groups) add_param_group(std::move(group));
    }

    /// One update of `param` from `grad` (same dtype and shape) with the group's options.
    virtual void update(const Options& options, Tensor& param, const Tensor& grad,
                        State& state) = 0;
    /// The field OneCycleLR cycles (momentum or beta1), null when the rule has none.
    virtual double* momentum_field(Options&) const { return nullptr; }

private:
    template <class Self>
    static auto& group_at(Self& self, std::size_t group) {
        if (group >= self.groups_.size())
            throw IndexError(std::string(self.name()) + ": parameter group " +
                             std::to_string(group) + " is out of range (expected < " +
                             std::to_string(self.groups_.size()) + ")");
        return self.groups_[group];
    }
    group_type& group_at(std::size_t group) { return group_at(*this, group); }
    const group_type& group_at(std::size_t group) const { return group_at(*this, group); }

    double* checked_momentum(Options& options) const {
        double* field = momentum_field(options);
        if (!field) throw ValueError(std::string(name()) + " has no momentum to set or read");
        return field;
    }

    const char* rule_;
    Options defaults_;
    std::vector<group_type> groups_;
    std::vector<std::optional<State>> state_;  // by parameter index, empty until first update
    std::vector<const void*> seen_;            // nodes already in a group
};

/// An update rule written once over a concrete element type. `Derived` declares
///
///     static constexpr const char* kName = "Adamax";   // PyTorch's class name
///     template <class T>
///     static void update_tensor(const Options& o, xt::xarray<T>& param, const xt::xarray<T>& grad,
///                        State& state);
///
/// which reads like torch.optim's `_single_tensor_*` code for one tensor, as one loop over the
/// elements: scalar coefficients are computed in double, as PyTorch's Python does, and enter the
/// loop as `T(x)`, the one rounding PyTorch's kernel applies to a Python scalar. Rule supplies
/// the two constructors (one group, or several), the dtype dispatch and everything of
/// OptimizerImpl. The rule's .cpp defines update_tensor<T> and instantiates
/// `template class Rule<Derived, ...>`; the header declares it `extern`, so update_tensor<T> is
/// compiled once, with the rule's compile flags (-ffp-contract=off: PyTorch rounds a*b before
/// adding c).
template <class Derived, class Options, class State>
class Rule : public OptimizerImpl<Options, State> {
public:
    /// One group with `options` (also the defaults of add_param_group()).
    explicit Rule(std::vector<Tensor> params, const Options& options = Options())
        : Rule(std::vector<ParamGroup<Options>>{ParamGroup<Options>(std::move(params), options)},
               options) {}
    /// Several groups, each with its own options; `defaults` is what add_param_group() uses.
    explicit Rule(std::vector<ParamGroup<Options>> groups, const Options& defaults = Options())
        : OptimizerImpl<Options, State>(Derived::kName, std::move(groups), defaults) {}

protected:
    void update(const Options& options, Tensor& param, const Tensor& grad, State& state) override;
};

// Out of the class, so not inline: `extern template class Rule<...>` then keeps every other
// translation unit from instantiating it (update_tensor<T> is defined in the rule's .cpp only).
template <class Derived, class Options, class State>
void Rule<Derived, Options, State>::update(const Options& options, Tensor& param,
                                           const Tensor& grad, State& state) {
    dispatch(param.dtype(), [&](auto tag) {
        using T = decltype(tag);
        Derived::update_tensor(options, param.value<T>(), grad.value<T>(), state);
    });
}

}  // namespace xgrad::optim
