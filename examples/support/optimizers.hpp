#pragma once
// Builds any of xgrad's update rules by name, for examples that take the rule as a flag.

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>
#include <xgrad/optim.hpp>

namespace examples {

inline const std::vector<std::string>& rule_names() {
    static const std::vector<std::string> names{"sgd",      "momentum", "nesterov", "adagrad",
                                                "adadelta", "rmsprop",  "adam",     "adamw",
                                                "adamax",   "nadam"};
    return names;
}

template <class Rule, class Options>
std::unique_ptr<xgrad::optim::Optimizer> with_lr(std::vector<xgrad::Tensor> params, double lr,
                                                 Options options = Options()) {
    return std::make_unique<Rule>(std::move(params), options.lr(lr));
}

/// The rule `name` over `params` with learning rate `lr` and PyTorch's other defaults
/// ("momentum" and "nesterov" are SGD with momentum 0.9).
inline std::unique_ptr<xgrad::optim::Optimizer> make_optimizer(const std::string& name,
                                                               std::vector<xgrad::Tensor> params,
                                                               double lr) {
    using namespace xgrad::optim;
    if (name == "sgd" || name == "momentum" || name == "nesterov") {
        return with_lr<SGD>(
            std::move(params), lr,
            SGDOptions().momentum(name == "sgd" ? 0.0 : 0.9).nesterov(name == "nesterov"));
    }
    if (name == "adagrad") return with_lr<Adagrad, AdagradOptions>(std::move(params), lr);
    if (name == "adadelta") return with_lr<Adadelta, AdadeltaOptions>(std::move(params), lr);
    if (name == "rmsprop") return with_lr<RMSprop, RMSpropOptions>(std::move(params), lr);
    if (name == "adam") return with_lr<Adam, AdamOptions>(std::move(params), lr);
    if (name == "adamw") return with_lr<AdamW, AdamWOptions>(std::move(params), lr);
    if (name == "adamax") return with_lr<Adamax, AdamaxOptions>(std::move(params), lr);
    if (name == "nadam") return with_lr<NAdam, NAdamOptions>(std::move(params), lr);
    throw std::invalid_argument(
        "unknown update rule '" + name +
        "' (expected one of sgd, momentum, "
        "nesterov, adagrad, adadelta, rmsprop, adam, adamw, adamax, nadam)");
}

}  // namespace examples
