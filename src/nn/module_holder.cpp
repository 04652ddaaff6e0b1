// The errors of nn::ModuleHolder, out of line so that the header needs no error.hpp.
#include "xgrad/nn/module_holder.hpp"

#include <string>

#include "nn/repr.hpp"
#include "xgrad/error.hpp"
#include "xgrad/nn/module.hpp"

namespace xgrad::nn::detail {

void throw_empty_holder(const std::type_info& type) {
    throw ValueError("ModuleHolder<" + type_name(type) +
                     ">: called while empty (null); assign it a module first, e.g. from "
                     "register_module()");
}

void throw_hooks_skipped(const Module& module, std::size_t arguments) {
    throw ValueError(module.describe() +
                     " has hooks, which run only when it is called with one Tensor; this call "
                     "passes " +
                     std::to_string(arguments) +
                     " argument(s) of other kinds. Remove the hooks, or hook its submodules that "
                     "take one tensor");
}

bool has_hooks(const Module& module) { return module.has_hooks(); }

}  // namespace xgrad::nn::detail
