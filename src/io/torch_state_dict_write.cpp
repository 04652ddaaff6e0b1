// Writing torch.save archives: a protocol-2 pickle of an OrderedDict whose values are
// torch._utils._rebuild_tensor_v2 calls on one contiguous storage per tensor, as torch.save
// writes it, and the storages as archive records.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#include "io/torch_storage_types.hpp"
#include "io/zip_archive.hpp"
#include "platform/posix_file.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/io/torch_state_dict.hpp"

namespace xgrad::io {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "torch.save's records are little-endian; this code copies host-order bytes");

namespace {

/// The opcodes torch.save itself writes, appended to a byte string.
class PickleWriter {
public:
    PickleWriter() { bytes_ += "\x80\x02"; }  // PROTO 2

    void global(const char* module, const char* name) {
        bytes_ += 'c';
        bytes_ += module;
        bytes_ += '\n';
        bytes_ += name;
        bytes_ += '\n';
    }
    void string(const std::string& text) {  // BINUNICODE
        bytes_ += 'X';
        const auto n = static_cast<std::uint32_t>(text.size());
        bytes_.append(reinterpret_cast<const char*>(&n), 4);
        bytes_ += text;
    }
    void integer(std::uint64_t v) {
        if (v < 256) {  // BININT1
            bytes_ += 'K';
            bytes_ += static_cast<char>(v);
        } else if (v < (1u << 31)) {  // BININT
            bytes_ += 'J';
            const auto n = static_cast<std::uint32_t>(v);
            bytes_.append(reinterpret_cast<const char*>(&n), 4);
        } else {  // LONG1, 8 bytes (v < 2^63: the sign bit stays clear)
            bytes_ += "\x8a\x08";
            bytes_.append(reinterpret_cast<const char*>(&v), 8);
        }
    }
    void integers(const std::vector<std::uint64_t>& values) {
        mark();
        for (auto v : values) integer(v);
        op('t');  // TUPLE
    }
    void mark() { op('('); }
    void op(char code) { bytes_ += code; }
    /// collections.OrderedDict(): GLOBAL, EMPTY_TUPLE, REDUCE.
    void ordered_dict() {
        global("collections", "OrderedDict");
        op(')');
        op('R');
    }
    std::string finish() {
        op('.');  // STOP
        return std::move(bytes_);
    }

private:
    std::string bytes_;
};

/// The integer type recorded for each tensor; ValueError for any other metadata.
std::map<std::string, const detail::TorchStorageType*> recorded_types(const StateDict& state) {
    std::map<std::string, const detail::TorchStorageType*> types;
    const std::string prefix = kTorchDtypePrefix;
    for (const auto& [key, value] : state.metadata) {
        if (key.compare(0, prefix.size(), prefix) != 0)
            throw ValueError("save_torch_state_dict: metadata '" + key +
                             "' has no place in a PyTorch state_dict (it holds tensors only; "
                             "metadata may only record integer types as '" +
                             prefix + "<name>')");
        const std::string name = key.substr(prefix.size());
        if (!state.tensors.count(name))
            throw ValueError("save_torch_state_dict: metadata '" + key +
                             "' records the type of a tensor the state does not hold");
        const auto* type = detail::find_storage_type(value, true);
        if (!type)
            throw ValueError("save_torch_state_dict: metadata '" + key + "' records type '" +
                             value + "'; expected int64, int32, int16, int8, uint8 or bool");
        types[name] = type;
    }
    return types;
}

template <class Integer>
void append_integers(const std::string& name, const double* values, std::size_t n,
                     const char* dtype, std::string& out) {
    for (std::size_t i = 0; i < n; ++i) {
        const double v = values[i];
        if (!(v == std::floor(v) && v >= double(std::numeric_limits<Integer>::lowest()) &&
              v <= double(std::numeric_limits<Integer>::max())))
            throw ValueError("save_torch_state_dict: tensor '" + name + "' is recorded as " +
                             dtype + " but holds " + format_exact(v) + " at element " +
                             std::to_string(i));
        const auto k = static_cast<Integer>(v);
        out.append(reinterpret_cast<const char*>(&k), sizeof k);
    }
}

/// The storage bytes of `tensor` as `type`.
std::string storage_bytes(const std::string& name, const Tensor& tensor,
                          const detail::TorchStorageType& type) {
    const std::string dtype = type.dtype;
    const bool same = (dtype == "float32" && tensor.dtype() == DType::Float32) ||
                      (dtype == "float64" && tensor.dtype() == DType::Float64);
    if (same)
        return std::visit(
            [](const auto& a) {
                return std::string(reinterpret_cast<const char*>(a.data()),
                                   a.size() * sizeof(*a.data()));
            },
            array_of(tensor));
    const Tensor as_double = tensor.dtype() == DType::Float64 ? tensor : tensor.to(DType::Float64);
    const double* values = as_double.value<double>().data();
    const std::size_t n = as_double.numel();
    std::string out;
    if (dtype == "int64") append_integers<std::int64_t>(name, values, n, "int64", out);
    if (dtype == "int32") append_integers<std::int32_t>(name, values, n, "int32", out);
    if (dtype == "int16") append_integers<std::int16_t>(name, values, n, "int16", out);
    if (dtype == "int8") append_integers<std::int8_t>(name, values, n, "int8", out);
    if (dtype == "uint8") append_integers<std::uint8_t>(name, values, n, "uint8", out);
    if (dtype == "bool") append_integers<bool>(name, values, n, "bool", out);
    return out;
}

std::vector<std::uint64_t> contiguous_strides(const Shape& shape) {
    std::vector<std::uint64_t> strides(shape.size());
    std::uint64_t stride = 1;
    for (std::size_t d = shape.size(); d-- > 0;) {
        strides[d] = stride;
        stride *= std::max<std::uint64_t>(shape[d], 1);  // as torch: size-0 axes count as 1
    }
    return strides;
}

}  // namespace

std::string serialize_torch_state_dict(const StateDict& state) {
    const auto types = recorded_types(state);
    const std::string archive = "archive/";
    std::vector<std::pair<std::string, std::string>> records;
    PickleWriter pickle;
    pickle.ordered_dict();
    pickle.mark();
    std::size_t key = 0;
    for (const auto& [name, tensor] : state.tensors) {
        if (name.empty()) throw ValueError("save_torch_state_dict: a tensor has an empty name");
        if (!tensor.defined())
            throw ValueError("save_torch_state_dict: tensor '" + name + "' is undefined");
        const auto recorded = types.find(name);
        const detail::TorchStorageType& type =
            recorded != types.end()
                ? *recorded->second
                : *detail::find_storage_type(
                      tensor.dtype() == DType::Float64 ? "float64" : "float32", true);
        const std::string storage_key = std::to_string(key++);
        records.emplace_back(archive + "data/" + storage_key, storage_bytes(name, tensor, type));

        pickle.string(name);
        pickle.global("torch._utils", "_rebuild_tensor_v2");
        pickle.mark();
        pickle.mark();  // the persistent id ('storage', type, key, 'cpu', numel)
        pickle.string("storage");
        const std::string global = type.global;
        pickle.global("torch", global.substr(6).c_str());  // "torch.FloatStorage" -> FloatStorage
        pickle.string(storage_key);
        pickle.string("cpu");
        pickle.integer(tensor.numel());
        pickle.op('t');
        pickle.op('Q');     // BINPERSID
        pickle.integer(0);  // storage offset
        const Shape& shape = tensor.shape();
        pickle.integers(std::vector<std::uint64_t>(shape.begin(), shape.end()));
        pickle.integers(contiguous_strides(shape));
        pickle.op('\x89');      // requires_grad=False
        pickle.ordered_dict();  // backward hooks
        pickle.op('t');
        pickle.op('R');
    }
    pickle.op('u');  // SETITEMS
    records.insert(records.begin(), {archive + "data.pkl", pickle.finish()});
    records.emplace_back(archive + "version", "3\n");
    return detail::write_zip(records);
}

void save_torch_state_dict(const std::string& path, const StateDict& state) {
    const std::string bytes = serialize_torch_state_dict(state);
    detail::write_atomically(
        path, [&](int fd) { detail::write_all(fd, bytes.data(), bytes.size(), path); });
}

}  // namespace xgrad::io
