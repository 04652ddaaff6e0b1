#include "optim/scheduler_util.hpp"

#include <limits>

namespace xgrad::optim::detail {

void save_list(StateDict& out, const std::string& key, const std::vector<double>& values) {
    for (std::size_t i = 0; i < values.size(); ++i)
        out.metadata[key + "." + std::to_string(i)] = number_text(values[i]);
}

std::vector<double> load_list(const StateDict& in, const std::string& key, std::size_t count,
                              const char* owner) {
    std::vector<double> values;
    for (std::size_t i = 0; i < count; ++i)
        values.push_back(load_number(in, key + "." + std::to_string(i), owner));
    if (in.metadata.count(key + "." + std::to_string(count)))
        throw ValueError(std::string(owner) + ".load_state_dict: '" + key + "' has more than " +
                         std::to_string(count) + " entries (one per parameter group expected)");
    return values;
}

int load_int(const StateDict& in, const std::string& key, const char* owner) {
    const std::int64_t value = parse_int(required_entry(in, key, owner), key);
    if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max())
        throw ValueError(std::string(owner) + ".load_state_dict: " + key + " out of range");
    return static_cast<int>(value);
}

double load_number(const StateDict& in, const std::string& key, const char* owner) {
    return parse_exact(required_entry(in, key, owner), key);
}

bool load_bool(const StateDict& in, const std::string& key, const char* owner) {
    return parse_bool(required_entry(in, key, owner), key);
}

std::string int_list_text(const std::vector<int>& values) {
    std::string text;
    for (std::size_t i = 0; i < values.size(); ++i)
        text += (i ? "," : "") + std::to_string(values[i]);
    return text;
}

std::vector<int> parse_int_list(const std::string& text, const std::string& what) {
    std::vector<int> values;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        values.push_back(static_cast<int>(parse_int(text.substr(start, end - start), what)));
        start = end + 1;
    }
    return values;
}

}  // namespace xgrad::optim::detail
