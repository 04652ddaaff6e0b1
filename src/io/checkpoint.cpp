#include "xgrad/io/checkpoint.hpp"

#include <limits>
#include <set>

#include "xgrad/error.hpp"
#include "xgrad/io/safetensors.hpp"
#include "xgrad/random.hpp"

namespace xgrad::io {

namespace {
constexpr const char* kFormat = "xgrad-checkpoint-1";

void check_part_name(const std::string& name) {
    if (name.empty() || name.find('.') != std::string::npos || name == "xgrad")
        throw ValueError("checkpoint: part name '" + name +
                         "' must be non-empty, hold no '.', and not be 'xgrad'");
}

std::uint64_t parse_count(const StateDict& state, const std::string& key) {
    const auto found = state.metadata.find(key);
    if (found == state.metadata.end())
        throw FormatError("checkpoint: metadata entry '" + key + "' is missing");
    const std::string& text = found->second;
    const auto fail = [&] {
        throw FormatError("checkpoint: '" + key + "' is not a count: '" + text + "'");
    };
    if (text.empty()) fail();
    std::uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') fail();
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) fail();
        value = value * 10 + digit;
    }
    return value;
}

std::vector<std::string> split_names(const std::string& text) {
    std::vector<std::string> names;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        names.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return names;
}
}  // namespace

StateDict to_state_dict(const Checkpoint& checkpoint) {
    StateDict state;
    std::string names;
    for (const auto& [name, part] : checkpoint.parts) {
        check_part_name(name);
        state.merge(part, name + ".");
        names += (names.empty() ? "" : ",") + name;
    }
    state.metadata["xgrad.format"] = kFormat;
    state.metadata["xgrad.parts"] = names;
    state.metadata["xgrad.epoch"] = std::to_string(checkpoint.epoch);
    state.metadata["xgrad.step"] = std::to_string(checkpoint.step);
    if (!checkpoint.rng_state.empty()) state.metadata["xgrad.rng"] = checkpoint.rng_state;
    return state;
}

Checkpoint from_state_dict(const StateDict& state) {
    const auto format = state.metadata.find("xgrad.format");
    if (format == state.metadata.end())
        throw FormatError(
            "checkpoint: no 'xgrad.format' metadata entry; this is not an xgrad "
            "training checkpoint (load_safetensors() reads plain state dicts)");
    if (format->second != kFormat)
        throw FormatError("checkpoint: format '" + format->second + "' is not '" + kFormat + "'");
    Checkpoint checkpoint;
    checkpoint.epoch = parse_count(state, "xgrad.epoch");
    checkpoint.step = parse_count(state, "xgrad.step");
    if (const auto rng = state.metadata.find("xgrad.rng"); rng != state.metadata.end())
        checkpoint.rng_state = rng->second;
    const auto names = state.metadata.find("xgrad.parts");
    if (names == state.metadata.end())
        throw FormatError("checkpoint: metadata entry 'xgrad.parts' is missing");
    std::set<std::string> known;
    for (const std::string& name : split_names(names->second)) {
        check_part_name(name);
        checkpoint.parts[name] = state.extract(name + ".");
        known.insert(name);
    }
    // Every entry must belong to a listed part or to xgrad's own.
    const auto owned = [&](const std::string& key) {
        const auto dot = key.find('.');
        return dot != std::string::npos &&
               (key.compare(0, dot, "xgrad") == 0 || known.count(key.substr(0, dot)));
    };
    for (const auto& entry : state.tensors)
        if (!owned(entry.first))
            throw FormatError("checkpoint: tensor '" + entry.first + "' belongs to no part");
    for (const auto& entry : state.metadata)
        if (!owned(entry.first))
            throw FormatError("checkpoint: metadata '" + entry.first + "' belongs to no part");
    return checkpoint;
}

void save_checkpoint(const std::string& path, const Checkpoint& checkpoint) {
    save_safetensors(path, to_state_dict(checkpoint));
}

Checkpoint load_checkpoint(const std::string& path) {
    const StateDict state = load_safetensors(path);
    try {
        return from_state_dict(state);
    } catch (const FormatError& error) {
        throw FormatError("'" + path + "': " + error.what());
    }
}

Checkpoint capture(const std::vector<Component>& parts, std::uint64_t epoch, std::uint64_t step) {
    Checkpoint checkpoint;
    for (const auto& part : parts) {
        check_part_name(part.name);
        if (!checkpoint.parts.emplace(part.name, part.state_dict()).second)
            throw ValueError("checkpoint: two parts are named '" + part.name + "'");
    }
    checkpoint.epoch = epoch;
    checkpoint.step = step;
    checkpoint.rng_state = default_generator().state();
    return checkpoint;
}

void restore(const Checkpoint& checkpoint, const std::vector<Component>& parts, bool strict) {
    std::set<std::string> given;
    std::string missing;
    for (const auto& part : parts) {
        if (!given.insert(part.name).second)
            throw ValueError("checkpoint: two parts are named '" + part.name + "'");
        if (!checkpoint.parts.count(part.name)) missing += " '" + part.name + "'";
    }
    std::string unexpected;
    for (const auto& entry : checkpoint.parts)
        if (!given.count(entry.first)) unexpected += " '" + entry.first + "'";
    if (!missing.empty() || (strict && !unexpected.empty()))
        throw ValueError("checkpoint::restore: the checkpoint does not match the parts given " +
                         std::string("(nothing was restored)") +
                         (missing.empty() ? "" : "; missing:" + missing) +
                         (strict && !unexpected.empty() ? "; unexpected:" + unexpected : ""));
    // Check the generator state before anything changes.
    if (!checkpoint.rng_state.empty()) Generator().set_state(checkpoint.rng_state);

    std::vector<StateDict> before;
    for (const auto& part : parts) before.push_back(part.state_dict());
    std::size_t loaded = 0;
    try {
        for (; loaded < parts.size(); ++loaded)
            parts[loaded].load_state_dict(checkpoint.parts.at(parts[loaded].name));
    } catch (...) {
        for (std::size_t i = 0; i < loaded; ++i) parts[i].load_state_dict(before[i]);
        throw;
    }
    if (!checkpoint.rng_state.empty()) default_generator().set_state(checkpoint.rng_state);
}

}  // namespace xgrad::io
