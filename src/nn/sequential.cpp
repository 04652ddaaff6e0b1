#include "xgrad/nn/sequential.hpp"

#include <string>

#include "xgrad/error.hpp"

namespace xgrad::nn {

Sequential::Sequential(std::initializer_list<std::shared_ptr<Module>> modules) {
    for (const auto& module : modules) append(module);
}

void Sequential::append(std::shared_ptr<Module> module) {
    register_module(std::to_string(modules_.size()), module);
    modules_.push_back(std::move(module));
}

Tensor Sequential::forward(const Tensor& input) {
    Tensor x = input;
    for (const auto& module : modules_) x = (*module)(x);  // through operator(): hooks run
    return x;
}

const std::shared_ptr<Module>& Sequential::at(std::size_t index) const {
    if (index >= modules_.size())
        throw IndexError("Sequential::at: index " + std::to_string(index) +
                         " is out of range for " + std::to_string(modules_.size()) + " modules");
    return modules_[index];
}

}  // namespace xgrad::nn
