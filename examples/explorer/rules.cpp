#include "rules.hpp"

namespace explorer {

namespace xo = xgrad::optim;
using Params = std::vector<xgrad::Tensor>;

namespace {

template <class Rule, class Options>
std::unique_ptr<xo::Optimizer> build(Params params, const Options& options) {
    return std::make_unique<Rule>(std::move(params), options);
}

xo::SGDOptions sgd(const Settings& s, double momentum, bool nesterov) {
    return xo::SGDOptions(s.lr).momentum(momentum).nesterov(nesterov);
}

/// The Adam family's options: lr, betas and eps from the sliders, PyTorch's other defaults.
template <class Options>
Options adam_like(const Settings& s) {
    return Options(s.lr).betas({s.beta1, s.beta2}).eps(s.eps);
}

xo::AdagradOptions adagrad(const Settings& s) { return xo::AdagradOptions(s.lr).eps(s.eps); }

xo::AdadeltaOptions adadelta(const Settings& s) {
    return xo::AdadeltaOptions(s.lr).rho(s.beta2).eps(s.eps);
}

xo::RMSpropOptions rmsprop(const Settings& s) {
    return xo::RMSpropOptions(s.lr).alpha(s.beta2).eps(s.eps).momentum(s.momentum);
}

xo::RpropOptions rprop(const Settings& s) { return xo::RpropOptions(s.lr); }

xo::ASGDOptions asgd(const Settings& s) { return xo::ASGDOptions(s.lr); }

/// One L-BFGS iteration (with its strong-Wolfe line search) per step, so that its path shows
/// each iterate as the other racers' paths do; a step may evaluate the loss several times.
xo::LBFGSOptions lbfgs(const Settings& s) {
    return xo::LBFGSOptions(s.lr).max_iter(1).line_search_fn("strong_wolfe");
}

/// Settings{lr, momentum, beta1, beta2, eps}.
Settings with(double lr, double momentum, double beta1, double beta2, double eps) {
    return {lr, momentum, beta1, beta2, eps};
}

}  // namespace

const std::vector<Rule>& rules() {
    // clang-format off
    static const std::vector<Rule> list{
        {"sgd", "gradient descent", "lr", with(0.1, 0, 0, 0, 0),
         [](Params p, const Settings& s) { return build<xo::SGD>(std::move(p), sgd(s, 0.0, false)); }},
        {"momentum", "momentum", "lr momentum", with(0.1, 0.9, 0, 0, 0),
         [](Params p, const Settings& s) { return build<xo::SGD>(std::move(p), sgd(s, s.momentum, false)); }},
        {"nesterov", "Nesterov", "lr momentum", with(0.1, 0.9, 0, 0, 0),
         [](Params p, const Settings& s) { return build<xo::SGD>(std::move(p), sgd(s, s.momentum, true)); }},
        {"adagrad", "Adagrad", "lr eps", with(0.5, 0, 0, 0, 1e-10),
         [](Params p, const Settings& s) { return build<xo::Adagrad>(std::move(p), adagrad(s)); }},
        {"adadelta", "Adadelta", "lr beta2 eps", with(1.0, 0, 0, 0.9, 1e-6),
         [](Params p, const Settings& s) { return build<xo::Adadelta>(std::move(p), adadelta(s)); }},
        {"rmsprop", "RMSprop", "lr momentum beta2 eps", with(0.01, 0, 0, 0.99, 1e-8),
         [](Params p, const Settings& s) { return build<xo::RMSprop>(std::move(p), rmsprop(s)); }},
        {"adam", "Adam", "lr beta1 beta2 eps", with(0.1, 0, 0.9, 0.999, 1e-8),
         [](Params p, const Settings& s) { return build<xo::Adam>(std::move(p), adam_like<xo::AdamOptions>(s)); }},
        {"adamw", "AdamW", "lr beta1 beta2 eps", with(0.1, 0, 0.9, 0.999, 1e-8),
         [](Params p, const Settings& s) { return build<xo::AdamW>(std::move(p), adam_like<xo::AdamWOptions>(s)); }},
        {"adamax", "Adamax", "lr beta1 beta2 eps", with(0.1, 0, 0.9, 0.999, 1e-8),
         [](Params p, const Settings& s) { return build<xo::Adamax>(std::move(p), adam_like<xo::AdamaxOptions>(s)); }},
        {"nadam", "NAdam", "lr beta1 beta2 eps", with(0.1, 0, 0.9, 0.999, 1e-8),
         [](Params p, const Settings& s) { return build<xo::NAdam>(std::move(p), adam_like<xo::NAdamOptions>(s)); }},
        {"radam", "RAdam", "lr beta1 beta2 eps", with(0.1, 0, 0.9, 0.999, 1e-8),
         [](Params p, const Settings& s) { return build<xo::RAdam>(std::move(p), adam_like<xo::RAdamOptions>(s)); }},
        {"rprop", "Rprop", "lr", with(0.01, 0, 0, 0, 0),
         [](Params p, const Settings& s) { return build<xo::Rprop>(std::move(p), rprop(s)); }},
        {"asgd", "ASGD", "lr", with(0.1, 0, 0, 0, 0),
         [](Params p, const Settings& s) { return build<xo::ASGD>(std::move(p), asgd(s)); }},
        {"lbfgs", "L-BFGS", "lr", with(1.0, 0, 0, 0, 0),
         [](Params p, const Settings& s) { return build<xo::LBFGS>(std::move(p), lbfgs(s)); }},
    };
    // clang-format on
    return list;
}

const Rule& rule(const std::string& name) {
    std::string names;
    for (const auto& r : rules()) {
        if (r.name == name) return r;
        names += (names.empty() ? "" : ", ") + r.name;
    }
    throw xgrad::ValueError("explorer: unknown update rule '" + name + "' (expected one of " +
                            names + ")");
}

}  // namespace explorer
