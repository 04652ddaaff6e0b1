#include "xgrad/state_dict.hpp"

#include <charconv>
#include <cstdlib>

#include "xgrad/error.hpp"

namespace xgrad {

void StateDict::merge(const StateDict& other, const std::string& prefix) {
    for (const auto& [name, tensor] : other.tensors) tensors[prefix + name] = tensor;
    for (const auto& [name, text] : other.metadata) metadata[prefix + name] = text;
}

StateDict StateDict::extract(const std::string& prefix) const {
    StateDict result;
    for (const auto& [name, tensor] : tensors)
        if (name.compare(0, prefix.size(), prefix) == 0)
            result.tensors[name.substr(prefix.size())] = tensor;
    for (const auto& [name, text] : metadata)
        if (name.compare(0, prefix.size(), prefix) == 0)
            result.metadata[name.substr(prefix.size())] = text;
    return result;
}

std::string format_exact(double value) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

double parse_exact(const std::string& text, const std::string& what) {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size())
        throw ValueError("parse_exact: " + what + " is not a number: '" + text + "'");
    return value;
}

}  // namespace xgrad
