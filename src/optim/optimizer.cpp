#include "xgrad/optim/optimizer.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

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
            std::size_t bad = 0, first = 0;
            double first_value = 0.0;
            dispatch(grad.dtype(), [&](auto tag) {
                using T = decltype(tag);
                const auto& a = grad.value<T>();
                for (std::size_t i = 0; i < a.size(); ++i)
                    if (!std::isfinite(a.data()[i]) && bad++ == 0) {
                        first = i;
                        first_value = static_cast<double>(a.data()[i]);
                    }
            });
            if (bad > 0)
                throw NonFiniteError(
                    std::string(name()) + ".step: the gradient of parameter " +
                    std::to_string(index) + " (group " + std::to_string(g) + ", index " +
                    std::to_string(k) + ", shape " + shape_str(grad.shape()) + ") holds " +
                    std::to_string(bad) + " non-finite values, the first " +
                    detail::number_text(first_value) + " at flat index " + std::to_string(first) +
                    " (expected finite gradients; no parameter or state was "
                    "changed)");
        }
    }
}

namespace detail {

std::string number_text(double value) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

void require(bool ok, const char* rule, const char* name, double value, const char* expected) {
    if (!ok)
        throw ValueError(std::string(rule) + ": invalid " + name + " " + number_text(value) +
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

Tensor copy_as(const Tensor& source, DType dtype) {
    return dispatch(dtype, [&](auto tag) {
        using T = decltype(tag);
        return dispatch(source.dtype(), [&](auto source_tag) {
            using S = decltype(source_tag);
            return Tensor(xt::xarray<T>(xt::cast<T>(source.value<S>())));
        });
    });
}

std::string bool_text(bool value) { return value ? "true" : "false"; }

bool parse_bool(const std::string& text, const std::string& what) {
    if (text == "true") return true;
    if (text == "false") return false;
    throw ValueError("load_state_dict: " + what + " is not true or false: '" + text + "'");
}

std::int64_t parse_int(const std::string& text, const std::string& what) {
    std::int64_t value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size())
        throw ValueError("load_state_dict: " + what + " is not an integer: '" + text + "'");
    return value;
}

const std::string& required_entry(const StateDict& state, const std::string& key,
                                  const char* rule) {
    const auto found = state.metadata.find(key);
    if (found == state.metadata.end())
        throw ValueError(std::string(rule) + ".load_state_dict: missing entry '" + key + "'");
    return found->second;
}

bool has_prefix(const StateDict& state, const std::string& prefix) {
    const auto starts = [&](const auto& entry) {
        return entry.first.compare(0, prefix.size(), prefix) == 0;
    };
    const auto tensor = state.tensors.lower_bound(prefix);
    const auto text = state.metadata.lower_bound(prefix);
    return (tensor != state.tensors.end() && starts(*tensor)) ||
           (text != state.metadata.end() && starts(*text));
}

void FieldLoader::operator()(const char* name, double& value) const {
    value = parse_exact(required_entry(in, prefix + name, rule), prefix + name);
}

void FieldLoader::operator()(const char* name, bool& value) const {
    value = parse_bool(required_entry(in, prefix + name, rule), prefix + name);
}

void FieldLoader::operator()(const char* name, std::int64_t& value) const {
    value = parse_int(required_entry(in, prefix + name, rule), prefix + name);
}

void FieldLoader::operator()(const char* name, Tensor& value) const {
    const auto found = in.tensors.find(prefix + name);
    if (found == in.tensors.end()) {
        value = Tensor();
        return;
    }
    const Tensor& saved = found->second;
    if (like && saved.shape() != like->shape())
        throw ValueError(std::string(rule) + ".load_state_dict: " + prefix + name + " has shape " +
                         shape_str(saved.shape()) + " but the parameter has " +
                         shape_str(like->shape()));
    value = copy_as(saved, like ? like->dtype() : saved.dtype());
}

}  // namespace detail
}  // namespace xgrad::optim
