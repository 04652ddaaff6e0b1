#pragma once
// The IDX header and value encoding, shared by the whole-file reader, the streaming reader and
// the writer.

#include <cstddef>
#include <cstdint>
#include <string>

#include "xgrad/data/idx.hpp"

namespace xgrad::data::detail {

/// The longest possible header: 4 bytes of magic number and 255 dimensions.
constexpr std::size_t kMaxIdxHeader = 4 + 4 * 255;

/// Parses the header at the start of `bytes` (the first `available` bytes of the content of
/// `path`). FormatError naming the file and byte offset for a bad magic number, an unknown type
/// code, no dimensions or a header cut short.
IdxHeader parse_idx_header(const std::string& path, const unsigned char* bytes,
                           std::size_t available);

/// FormatError unless the content is exactly header + data: names the file, the expected size
/// and the offset where it ends (truncated) or where the extra bytes start.
void check_idx_size(const std::string& path, const IdxHeader& header, std::uint64_t content_size);

/// Decodes `count` big-endian values of `type` into `out`, multiplied by `scale`.
void decode_idx(IdxType type, const unsigned char* bytes, std::size_t count, float* out,
                double scale);
void decode_idx(IdxType type, const unsigned char* bytes, std::size_t count, double* out,
                double scale);

}  // namespace xgrad::data::detail
