#pragma once
// The storage types of a torch.save archive that xgrad reads and writes, shared by the reader
// and the writer of torch_state_dict.hpp.

#include <cstddef>
#include <string>

namespace xgrad::io::detail {

/// One torch storage type: its pickled global, its torch dtype name and its element size.
struct TorchStorageType {
    const char* global;  // "torch.FloatStorage"
    const char* dtype;   // "float32"
    std::size_t size;    // bytes per element
};

/// The types xgrad handles; float32 and float64 map to xgrad's dtypes, the integer types (and
/// bool) load as float64.
inline constexpr TorchStorageType kTorchStorageTypes[] = {
    {"torch.FloatStorage", "float32", 4}, {"torch.DoubleStorage", "float64", 8},
    {"torch.LongStorage", "int64", 8},    {"torch.IntStorage", "int32", 4},
    {"torch.ShortStorage", "int16", 2},   {"torch.CharStorage", "int8", 1},
    {"torch.ByteStorage", "uint8", 1},    {"torch.BoolStorage", "bool", 1}};

/// The entry of `kTorchStorageTypes` whose global (or, with `by_dtype`, dtype) is `name`; null
/// when there is none.
inline const TorchStorageType* find_storage_type(const std::string& name, bool by_dtype) {
    for (const auto& type : kTorchStorageTypes)
        if (name == (by_dtype ? type.dtype : type.global)) return &type;
    return nullptr;
}

}  // namespace xgrad::io::detail
