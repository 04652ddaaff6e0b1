#include "xgrad/state_fields.hpp"

#include <charconv>
#include <limits>

#include "xgrad/error.hpp"
#include "xgrad/function.hpp"

namespace xgrad {
namespace {

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

std::string int_list_text(const std::vector<int>& values) {
    std::string text;
    for (std::size_t i = 0; i < values.size(); ++i)
        text += (i ? "," : "") + std::to_string(values[i]);
    return text;
}

}  // namespace

void FieldSaver::operator()(const char* name, double& value) {
    out_.metadata[prefix_ + name] = format_exact(value);
}
void FieldSaver::operator()(const char* name, bool& value) {
    out_.metadata[prefix_ + name] = bool_text(value);
}
void FieldSaver::operator()(const char* name, int& value) {
    out_.metadata[prefix_ + name] = std::to_string(value);
}
void FieldSaver::operator()(const char* name, std::int64_t& value) {
    out_.metadata[prefix_ + name] = std::to_string(value);
}
void FieldSaver::operator()(const char* name, std::string& value) {
    out_.metadata[prefix_ + name] = value;
}
void FieldSaver::operator()(const char* name, std::vector<double>& value) {
    for (std::size_t i = 0; i < value.size(); ++i)
        out_.metadata[prefix_ + name + "." + std::to_string(i)] = format_exact(value[i]);
}
void FieldSaver::operator()(const char* name, std::vector<int>& value) {
    out_.metadata[prefix_ + name] = int_list_text(value);
}
void FieldSaver::operator()(const char* name, Tensor& value) {
    if (value.defined()) out_.tensors[prefix_ + name] = detail::copy_as(value, value.dtype());
}
void FieldSaver::operator()(const char* name, Stateful& value) {
    out_.merge(value.state_dict(), prefix_ + name + ".");
}

const std::string& FieldLoader::entry(const std::string& key) const {
    return detail::required_entry(in_, prefix_ + key, owner_);
}

void FieldLoader::operator()(const char* name, double& value) {
    value = parse_exact(entry(name), prefix_ + name);
}
void FieldLoader::operator()(const char* name, bool& value) {
    value = parse_bool(entry(name), prefix_ + name);
}
void FieldLoader::operator()(const char* name, int& value) {
    const std::int64_t wide = parse_int(entry(name), prefix_ + name);
    if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max())
        throw ValueError(std::string(owner_) + ".load_state_dict: " + prefix_ + name +
                         " out of range");
    value = static_cast<int>(wide);
}
void FieldLoader::operator()(const char* name, std::int64_t& value) {
    value = parse_int(entry(name), prefix_ + name);
}
void FieldLoader::operator()(const char* name, std::string& value) { value = entry(name); }
void FieldLoader::operator()(const char* name, std::vector<double>& value) {
    const std::string key = prefix_ + name;
    for (std::size_t i = 0; i < value.size(); ++i)
        value[i] = parse_exact(detail::required_entry(in_, key + "." + std::to_string(i), owner_),
                               key + "." + std::to_string(i));
    if (in_.metadata.count(key + "." + std::to_string(value.size())))
        throw ValueError(std::string(owner_) + ".load_state_dict: '" + key + "' has more than " +
                         std::to_string(value.size()) +
                         " entries (one per parameter group expected)");
}
void FieldLoader::operator()(const char* name, std::vector<int>& value) {
    const std::string& text = entry(name);
    std::vector<int> values;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        values.push_back(
            static_cast<int>(parse_int(text.substr(start, end - start), prefix_ + name)));
        start = end + 1;
    }
    value = std::move(values);
}
void FieldLoader::operator()(const char* name, Tensor& value) {
    const auto found = in_.tensors.find(prefix_ + name);
    if (found == in_.tensors.end()) {
        value = Tensor();
        return;
    }
    const Tensor& saved = found->second;
    if (like_ && saved.shape() != like_->shape())
        throw ValueError(std::string(owner_) + ".load_state_dict: " + prefix_ + name +
                         " has shape " + shape_str(saved.shape()) + " but the parameter has " +
                         shape_str(like_->shape()));
    value = detail::copy_as(saved, like_ ? like_->dtype() : saved.dtype());
}
void FieldLoader::operator()(const char* name, Stateful& value) {
    value.load_state_dict(in_.extract(prefix_ + name + "."));
}

namespace detail {

const std::string& required_entry(const StateDict& state, const std::string& key,
                                  const char* owner) {
    const auto found = state.metadata.find(key);
    if (found == state.metadata.end())
        throw ValueError(std::string(owner) + ".load_state_dict: missing entry '" + key + "'");
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

Tensor copy_as(const Tensor& source, DType dtype) {
    return make_leaf(converted(array_of(source), dtype));
}

}  // namespace detail
}  // namespace xgrad
