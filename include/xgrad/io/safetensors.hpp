#pragma once
/// \file safetensors.hpp
/// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON mapping each
/// tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets into the data that
/// follows) plus an optional "__metadata__" object of strings, then the raw little-endian data.
/// A StateDict's tensors and metadata map onto it one to one. xgrad writes F32 and F64 and reads
/// them back; files are written atomically and validated completely before anything is returned.

#include <cstddef>
#include <cstdint>
#include <string>

#include "xgrad/state_dict.hpp"

namespace xgrad::io {

/// The largest JSON header accepted (as the reference implementation: 100 MB).
inline constexpr std::uint64_t kMaxSafetensorsHeader = 100'000'000;

/// Writes `state` to `path` atomically: a temporary file in the same directory, fsync, rename,
/// fsync of the directory. A crash or error during the save leaves the previous file intact; the
/// temporary file a killed save leaves behind is removed by the next save to `path`.
/// ValueError for an undefined tensor or an empty name; IOError when the OS refuses.
void save_safetensors(const std::string& path, const StateDict& state);

/// Reads a file written by save_safetensors() (or any safetensors file of F32/F64 tensors).
/// Everything is checked before a tensor is built: file at least 8 bytes, header length within
/// the file and kMaxSafetensorsHeader, valid JSON object, each entry with a known dtype, a shape
/// of non-negative integers, offsets with begin <= end inside the data, byte count equal to the
/// shape's element count times the dtype size, entries that neither overlap nor leave gaps,
/// string metadata. FormatError naming the file, the entry and the byte offset otherwise;
/// IOError when the file cannot be read.
StateDict load_safetensors(const std::string& path);

/// The bytes save_safetensors() writes.
std::string serialize_safetensors(const StateDict& state);

/// Parses safetensors bytes (as load_safetensors(); `name` is used in messages).
StateDict parse_safetensors(const unsigned char* bytes, std::size_t size,
                            const std::string& name = "<memory>");

}  // namespace xgrad::io
