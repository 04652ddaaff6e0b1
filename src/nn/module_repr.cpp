// Printing a module as PyTorch's Module.__repr__ does, and a table of its parameters.
#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <typeinfo>
#include <vector>

#include "nn/repr.hpp"
#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

std::string detail::type_name(const std::type_info& type) {
    int status = 0;
    const std::unique_ptr<char, void (*)(void*)> demangled(
        abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
    return status == 0 ? demangled.get() : type.name();
}

std::string Module::describe() const {
    // The dynamic type's name without its namespaces, as Python's type(self).__name__.
    std::string name = detail::type_name(typeid(*this));
    if (name.find('<') == std::string::npos) {
        const auto colons = name.rfind("::");
        if (colons != std::string::npos) name = name.substr(colons + 2);
    }
    return name;
}

namespace {

/// torch's _addindent: every line but the first indented by two spaces.
std::string indent(const std::string& text) {
    std::string out;
    for (char c : text) {
        out += c;
        if (c == '\n') out += "  ";
    }
    return out;
}

std::string repr(const Module& module) {
    // describe() is "Name(extra)" or "Name": torch's _get_name() and extra_repr().
    const std::string description = module.describe();
    const auto open = description.find('(');
    const std::string name = description.substr(0, open);
    std::vector<std::string> extra_lines;
    if (open != std::string::npos && description.back() == ')') {
        std::istringstream extra(description.substr(open + 1, description.size() - open - 2));
        for (std::string line; std::getline(extra, line);) extra_lines.push_back(line);
    }
    std::vector<std::string> child_lines;
    for (const auto& [key, child] : module.named_children())
        child_lines.push_back("(" + key + "): " + indent(repr(*child)));

    std::string out = name + "(";
    if (extra_lines.size() == 1 && child_lines.empty()) {
        out += extra_lines[0];
    } else if (!extra_lines.empty() || !child_lines.empty()) {
        for (const auto* lines : {&extra_lines, &child_lines})
            for (const auto& line : *lines) out += "\n  " + line;
        out += "\n";
    }
    return out + ")";
}

}  // namespace

std::ostream& operator<<(std::ostream& out, const Module& module) { return out << repr(module); }

std::string summary(const Module& module) {
    struct Row {
        std::string name, shape, count;
    };
    std::vector<Row> rows{{"parameter", "shape", "count"}};
    std::size_t total = 0;
    for (const auto& [name, tensor] : module.named_parameters()) {
        rows.push_back({name, shape_str(tensor.shape()), std::to_string(tensor.numel())});
        total += tensor.numel();
    }
    rows.push_back({"total", "", std::to_string(total)});

    std::size_t name_width = 0, shape_width = 0, count_width = 0;
    for (const auto& row : rows) {
        name_width = std::max(name_width, row.name.size());
        shape_width = std::max(shape_width, row.shape.size());
        count_width = std::max(count_width, row.count.size());
    }
    std::string out;
    for (const auto& row : rows) {
        out += row.name + std::string(name_width - row.name.size() + 2, ' ');
        out += row.shape + std::string(shape_width - row.shape.size() + 2, ' ');
        out += std::string(count_width - row.count.size(), ' ') + row.count + "\n";
    }
    return out;
}

}  // namespace xgrad::nn
