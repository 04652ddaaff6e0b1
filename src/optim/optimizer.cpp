#include "xgrad/optim/optimizer.hpp"

#include <algorithm>
#include <cmath>

#include "xgrad/function.hpp"

namespace xgrad::optim {

void Optimizer::zero_grad(bool set_to_none) {
    for (std::size_t g = 0; g < num_param_groups(); ++g) {
        for (const Tensor& param : params(g)) {
            Tensor grad = param.grad();
            if (!grad.defined()) continue;
            if (set_to_none) {
                Tensor(param).zero_grad();
            } else {
                dispatch(grad.dtype(), [&](auto tag) {
                    using T = decltype(tag);
                    grad.value<T>().fill(T(0));
                });
            }
        }
    }
}

std::vector<Tensor> Optimizer::parameters() const {
    std::vector<Tensor> all;
    for (std::size_t g = 0; g < num_param_groups(); ++g)
        all.insert(all.end(), params(g).begin(), params(g).end());
    return all;
}

double Optimizer::step(const std::function<Tensor()>& closure) {
    const double loss = detail::closure_loss(name(), closure());
    step();
    return loss;
}

void Optimizer::set_lr(double lr) {
    for (std::size_t g = 0; g < num_param_groups(); ++g) set_lr(g, lr);
}

void Optimizer::check_gradients_finite() const {
    if (nonfinite_policy_ != NonFinitePolicy::raise) return;
    std::size_t index = 0;
    for (std::size_t g = 0; g < num_param_groups(); ++g) {
        const std::vector<Tensor>& group = params(g);
        for (std::size_t k = 0; k < group.size(); ++k, ++index) {
            const Tensor grad = group[k].grad();
            if (!grad.defined()) continue;
            const NonFiniteScan bad = scan_nonfinite(array_of(grad));
            if (bad)
                throw NonFiniteError(std::string(name()) + ".step: the gradient of parameter " +
                                     std::to_string(index) + " (group " + std::to_string(g) +
                                     ", index " + std::to_string(k) + ", shape " +
                                     shape_str(grad.shape()) + ") holds " +
                                     std::to_string(bad.count) + " non-finite values, the first " +
                                     format_exact(bad.first_value) + " at flat index " +
                                     std::to_string(bad.first_index) +
                                     " (expected finite gradients; no parameter or state was "
                                     "changed)");
        }
    }
}

namespace detail {

void require(bool ok, const char* rule, const char* name, double value, const char* expected) {
    if (!ok)
        throw ValueError(std::string(rule) + ": invalid " + name + " " + format_exact(value) +
                         " (expected " + expected + ")");
}

void check_params(const char* rule, const std::vector<Tensor>& params,
                  std::vector<const void*>& seen) {
    if (params.empty()) throw ValueError(std::string(rule) + ": empty parameter list");
    for (std::size_t i = 0; i < params.size(); ++i) {
        const Tensor& p = params[i];
        const std::string which = std::string(rule) + ": parameter " + std::to_string(i);
        if (!p.defined()) throw ValueError(which + " is an undefined tensor");
        if (!p.is_leaf())
            throw ValueError(which + " is not a leaf (it was produced by '" + p.op_name() +
                             "'); optimize leaves only");
        if (!p.requires_grad())
            throw ValueError(which + " of shape " + shape_str(p.shape()) +
                             " does not require grad");
        const void* node = p.node().get();
        if (std::find(seen.begin(), seen.end(), node) != seen.end())
            throw ValueError(which + " appears twice (in this group or an earlier one)");
        seen.push_back(node);
    }
}

double closure_loss(const char* rule, const Tensor& loss) {
    if (!loss.defined() || loss.numel() != 1)
        throw ShapeError(std::string(rule) + ".step: the closure returned " +
                         (loss.defined() ? "a tensor of shape " + shape_str(loss.shape())
                                         : std::string("an undefined tensor")) +
                         " (expected the loss, a tensor with one element); nothing was updated");
    return loss.item();
}

}  // namespace detail
}  // namespace xgrad::optim
