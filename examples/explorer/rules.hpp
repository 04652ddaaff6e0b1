#pragma once
// The update rules the explorer races, each built from xgrad's public optimizer API. Adding a
// rule (RAdam, Rprop, ...) is one entry of rules() in rules.cpp; the page lists what it finds.

#include <memory>
#include <string>
#include <vector>
#include <xgrad/optim.hpp>

namespace explorer {

/// The hyperparameters the page's sliders set; each rule reads the ones it has.
struct Settings {
    double lr = 0.1;
    /// SGD's and RMSprop's momentum.
    double momentum = 0.0;
    /// The Adam family's β1.
    double beta1 = 0.9;
    /// The decay of the squared-gradient average: the Adam family's β2, RMSprop's α,
    /// Adadelta's ρ.
    double beta2 = 0.999;
    double eps = 1e-8;
};

/// One update rule: its name in URLs, its title, which Settings fields it reads (space
/// separated), its defaults and how to build it.
struct Rule {
    std::string name, title, uses;
    Settings defaults;
    std::unique_ptr<xgrad::optim::Optimizer> (*make)(std::vector<xgrad::Tensor> params,
                                                     const Settings& s);
};

/// Every rule, in the order the page lists them.
const std::vector<Rule>& rules();
/// The rule named `name`; ValueError listing the names otherwise.
const Rule& rule(const std::string& name);

}  // namespace explorer
