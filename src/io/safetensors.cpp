#include "xgrad/io/safetensors.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "platform/posix_file.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"

namespace xgrad::io {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors data is little-endian; this code copies host-order bytes");

namespace {

using json = nlohmann::json;

const char* dtype_code(DType dtype) { return dtype == DType::Float64 ? "F64" : "F32"; }

std::size_t dtype_size(DType dtype) { return dtype == DType::Float64 ? 8 : 4; }

const void* data_of(const Tensor& tensor) {
    return std::visit([](const auto& a) -> const void* { return a.data(); }, array_of(tensor));
}

// ---- writing ---------------------------------------------------------------------------------

struct Planned {
    std::string name;
    Tensor tensor;
    std::uint64_t begin;
    std::uint64_t end;
};

/// The header text (padded with spaces to a multiple of 8, so the data starts aligned) and the
/// tensors in file order: 8-byte types first, then by name, as the reference writer does.
std::pair<std::string, std::vector<Planned>> plan(const StateDict& state) {
    std::vector<Planned> planned;
    for (const auto& [name, tensor] : state.tensors) {
        if (name.empty()) throw ValueError("save_safetensors: a tensor has an empty name");
        if (name == "__metadata__")
            throw ValueError(
                "save_safetensors: '__metadata__' is reserved and cannot name a tensor");
        if (!tensor.defined())
            throw ValueError("save_safetensors: tensor '" + name + "' is undefined");
        planned.push_back({name, tensor, 0, 0});
    }
    std::stable_sort(planned.begin(), planned.end(), [](const Planned& a, const Planned& b) {
        return dtype_size(a.tensor.dtype()) > dtype_size(b.tensor.dtype());
    });
    json header = json::object();
    std::uint64_t offset = 0;
    for (auto& entry : planned) {
        entry.begin = offset;
        entry.end = offset + entry.tensor.numel() * dtype_size(entry.tensor.dtype());
        offset = entry.end;
        json shape = json::array();
        for (auto d : entry.tensor.shape()) shape.push_back(static_cast<std::uint64_t>(d));
        header[entry.name] = {{"dtype", dtype_code(entry.tensor.dtype())},
                              {"shape", shape},
                              {"data_offsets", {entry.begin, entry.end}}};
    }
    if (!state.metadata.empty()) header["__metadata__"] = state.metadata;
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    return {std::move(text), std::move(planned)};
}

void write(const StateDict& state, const std::function<void(const void*, std::size_t)>& sink) {
    const auto [text, planned] = plan(state);
    unsigned char length[8];
    const std::uint64_t n = text.size();
    std::memcpy(length, &n, 8);
    sink(length, 8);
    sink(text.data(), text.size());
    for (const auto& entry : planned) sink(data_of(entry.tensor), entry.end - entry.begin);
}

// ---- reading ---------------------------------------------------------------------------------

struct Entry {
    std::string name;
    DType dtype;
    Shape shape;
    std::uint64_t begin;
    std::uint64_t end;
};

struct Layout {
    std::uint64_t data_start;  // 8 + header length
    std::vector<Entry> entries;
    std::map<std::string, std::string> metadata;
};

/// Reads `count` bytes at `offset` of the source, or throws.
using ReadAt = std::function<void(void* buffer, std::size_t count, std::uint64_t offset)>;

class Checker {
public:
    explicit Checker(std::string file) : file_(std::move(file)) {}

    [[noreturn]] void fail(const std::string& what) const {
        throw FormatError("safetensors file '" + file_ + "': " + what);
    }

    Layout read(std::uint64_t size, const ReadAt& read_at) const {
        if (size < 8)
            fail("the file is " + std::to_string(size) +
                 " bytes long, shorter than the 8-byte header length at byte 0");
        std::uint64_t n = 0;
        read_at(&n, 8, 0);
        if (n > kMaxSafetensorsHeader)
            fail("the header length " + std::to_string(n) + " at byte 0 exceeds the limit of " +
                 std::to_string(kMaxSafetensorsHeader) + " bytes");
        if (n > size - 8)
            fail("the header length " + std::to_string(n) + " at byte 0 runs past the end of the " +
                 "file (" + std::to_string(size - 8) + " bytes follow it)");
        std::string text(n, '\0');
        read_at(text.data(), n, 8);
        Layout layout;
        layout.data_start = 8 + n;
        parse(text, size - layout.data_start, layout);
        return layout;
    }

private:
    std::string header_range(std::uint64_t n) const {
        return "the header (bytes 8 to " + std::to_string(8 + n) + ")";
    }

    void parse(const std::string& text, std::uint64_t data_size, Layout& layout) const {
        std::set<std::string> keys;
        std::string duplicate;
        const json::parser_callback_t on_event = [&](int depth, json::parse_event_t event,
                                                     json& parsed) {
            if (event == json::parse_event_t::key && depth == 1 &&
                !keys.insert(parsed.get<std::string>()).second && duplicate.empty())
                duplicate = parsed.get<std::string>();
            return true;
        };
        json header;
        try {
            header = json::parse(text, on_event);
        } catch (const json::parse_error& error) {
            fail("invalid JSON at byte " + std::to_string(8 + error.byte - 1) + " in " +
                 header_range(text.size()) + ": " + error.what());
        } catch (const json::exception& error) {
            // Not a parse_error: a number too large for a double (out_of_range 406; found by
            // fuzzing, it escaped as a non-xgrad exception).
            fail("invalid JSON in " + header_range(text.size()) + ": " + error.what());
        }
        if (!header.is_object()) fail(header_range(text.size()) + " is not a JSON object");
        if (!duplicate.empty()) fail("the name '" + duplicate + "' appears twice in the header");

        for (const auto& [name, value] : header.items()) {
            if (name == "__metadata__") {
                read_metadata(value, layout);
                continue;
            }
            layout.entries.push_back(read_entry(name, value, data_size, layout.data_start));
        }
        check_coverage(layout.entries, data_size, layout.data_start);
    }

    void read_metadata(const json& value, Layout& layout) const {
        if (!value.is_object()) fail("'__metadata__' is not an object");
        for (const auto& [key, text] : value.items()) {
            if (!text.is_string()) fail("metadata entry '" + key + "' is not a string");
            layout.metadata[key] = text.get<std::string>();
        }
    }

    Entry read_entry(const std::string& name, const json& value, std::uint64_t data_size,
                     std::uint64_t data_start) const {
        const std::string where = "tensor '" + name + "': ";
        if (name.empty()) fail("a tensor has an empty name");
        if (!value.is_object()) fail(where + "the entry is not an object");
        for (const auto& item : value.items())
            if (item.key() != "dtype" && item.key() != "shape" && item.key() != "data_offsets")
                fail(where + "unknown field '" + item.key() + "'");
        if (!value.contains("dtype") || !value["dtype"].is_string())
            fail(where + "'dtype' is missing or not a string");
        if (!value.contains("shape") || !value["shape"].is_array())
            fail(where + "'shape' is missing or not an array");
        if (!value.contains("data_offsets") || !value["data_offsets"].is_array() ||
            value["data_offsets"].size() != 2 || !value["data_offsets"][0].is_number_unsigned() ||
            !value["data_offsets"][1].is_number_unsigned())
            fail(where + "'data_offsets' must be [begin, end] with non-negative integers");

        Entry entry;
        entry.name = name;
        const std::string dtype = value["dtype"].get<std::string>();
        if (dtype == "F32")
            entry.dtype = DType::Float32;
        else if (dtype == "F64")
            entry.dtype = DType::Float64;
        else
            fail(where + "dtype '" + dtype + "' is not supported (xgrad reads F32 and F64)");

        // The byte count, and the product of the non-zero dimensions: with a zero dimension
        // there are no bytes, but the tensor's strides are still products of the others and
        // must not overflow (xtensor computes them in signed 64-bit arithmetic).
        std::uint64_t bytes = dtype_size(entry.dtype);
        std::uint64_t nonzero = bytes;
        for (const auto& d : value["shape"]) {
            if (!d.is_number_unsigned())
                fail(where + "the shape " + value["shape"].dump() +
                     " holds something other than a non-negative integer");
            const std::uint64_t size = d.get<std::uint64_t>();
            if (size != 0 &&
                nonzero >
                    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / size)
                fail(where + "the shape " + value["shape"].dump() + " overflows 63 bits");
            bytes *= size;
            if (size != 0) nonzero *= size;
            entry.shape.push_back(static_cast<std::size_t>(size));
        }
        entry.begin = value["data_offsets"][0].get<std::uint64_t>();
        entry.end = value["data_offsets"][1].get<std::uint64_t>();
        const std::string range = "data_offsets [" + std::to_string(entry.begin) + ", " +
                                  std::to_string(entry.end) + ") (file bytes " +
                                  std::to_string(data_start + entry.begin) + " to " +
                                  std::to_string(data_start + entry.end) + ")";
        if (entry.begin > entry.end) fail(where + range + " end before they begin");
        if (entry.end > data_size)
            fail(where + range + " run past the end of the data (" + std::to_string(data_size) +
                 " bytes, the file ends at byte " + std::to_string(data_start + data_size) + ")");
        if (entry.end - entry.begin != bytes)
            fail(where + range + " hold " + std::to_string(entry.end - entry.begin) +
                 " bytes but dtype " + dtype + " and shape " + value["shape"].dump() + " need " +
                 std::to_string(bytes));
        return entry;
    }

    /// The entries must tile the data exactly: no overlap, no gap, nothing after the last one.
    void check_coverage(std::vector<Entry> entries, std::uint64_t data_size,
                        std::uint64_t data_start) const {
        std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
            return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
        });
        std::uint64_t covered = 0;
        const Entry* previous = nullptr;
        for (const auto& entry : entries) {
            if (entry.begin < covered)
                fail("tensor '" + entry.name + "' (data bytes " + std::to_string(entry.begin) +
                     " to " + std::to_string(entry.end) + ") overlaps tensor '" + previous->name +
                     "' (data bytes " + std::to_string(previous->begin) + " to " +
                     std::to_string(previous->end) + ")");
            if (entry.begin > covered)
                fail("data bytes " + std::to_string(covered) + " to " +
                     std::to_string(entry.begin) + " (file byte " +
                     std::to_string(data_start + covered) + ") belong to no tensor");
            covered = entry.end;
            previous = &entry;
        }
        if (covered != data_size)
            fail(std::to_string(data_size - covered) + " bytes after the last tensor, from file " +
                 "byte " + std::to_string(data_start + covered));
    }

    std::string file_;
};

StateDict build(const Layout& layout, const ReadAt& read_at) {
    StateDict state;
    state.metadata = layout.metadata;
    for (const auto& entry : layout.entries) {
        Array value = dispatch(entry.dtype, [&](auto tag) -> Array {
            using T = decltype(tag);
            auto array = xt::xarray<T>::from_shape(entry.shape);
            read_at(array.data(), entry.end - entry.begin, layout.data_start + entry.begin);
            return Array(std::move(array));
        });
        state.tensors[entry.name] = make_leaf(std::move(value));
    }
    return state;
}

}  // namespace

void save_safetensors(const std::string& path, const StateDict& state) {
    plan(state);  // validates names and tensors before a temporary file is created
    detail::write_atomically(path, [&](int fd) {
        write(state, [&](const void* data, std::size_t count) {
            detail::write_all(fd, data, count, path);
        });
    });
}

std::string serialize_safetensors(const StateDict& state) {
    std::string bytes;
    write(state, [&](const void* data, std::size_t count) {
        bytes.append(static_cast<const char*>(data), count);
    });
    return bytes;
}

StateDict parse_safetensors(const unsigned char* bytes, std::size_t size, const std::string& name) {
    const ReadAt read_at = [&](void* buffer, std::size_t count, std::uint64_t offset) {
        // Bounds checked by Checker; an empty tensor has no buffer (memcpy with null is UB).
        if (count) std::memcpy(buffer, bytes + offset, count);
    };
    return build(Checker(name).read(size, read_at), read_at);
}

StateDict load_safetensors(const std::string& path) {
    const detail::ReadFile file(path);
    const std::uint64_t size = file.size();
    const ReadAt read_at = [&](void* buffer, std::size_t count, std::uint64_t offset) {
        if (file.read_at(buffer, count, offset) != count)
            throw FormatError("safetensors file '" + path +
                              "': the file shrank while being read (" + std::to_string(count) +
                              " bytes at byte " + std::to_string(offset) + ")");
    };
    return build(Checker(path).read(size, read_at), read_at);
}

}  // namespace xgrad::io
