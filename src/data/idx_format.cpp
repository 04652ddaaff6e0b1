#include "data/idx_format.hpp"

#include <cstdio>
#include <cstring>
#include <limits>

#include "xgrad/error.hpp"

namespace xgrad::data {

std::size_t idx_type_size(IdxType type) {
    switch (type) {
        case IdxType::UInt8:
        case IdxType::Int8:
            return 1;
        case IdxType::Int16:
            return 2;
        case IdxType::Int32:
        case IdxType::Float32:
            return 4;
        case IdxType::Float64:
            return 8;
    }
    throw ValueError("idx_type_size: unknown IDX type code " +
                     std::to_string(static_cast<int>(type)));
}

const char* idx_type_name(IdxType type) {
    switch (type) {
        case IdxType::UInt8:
            return "uint8";
        case IdxType::Int8:
            return "int8";
        case IdxType::Int16:
            return "int16";
        case IdxType::Int32:
            return "int32";
        case IdxType::Float32:
            return "float32";
        case IdxType::Float64:
            return "float64";
    }
    return "unknown";
}

Shape IdxHeader::item_shape() const {
    return dims.empty() ? Shape{} : Shape(dims.begin() + 1, dims.end());
}

std::size_t IdxHeader::item_values() const {
    std::size_t n = 1;
    for (std::size_t i = 1; i < dims.size(); ++i) n *= dims[i];
    return n;
}

std::uint64_t IdxHeader::data_bytes() const {
    std::uint64_t n = idx_type_size(type);
    for (auto d : dims) n *= d;
    return n;
}

namespace detail {

namespace {
std::uint32_t big_endian_u32(const unsigned char* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
           std::uint32_t(p[3]);
}

bool known_type(unsigned code) {
    return code == 0x08 || code == 0x09 || code == 0x0B || code == 0x0C || code == 0x0D ||
           code == 0x0E;
}

std::string hex(std::uint32_t value) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08X", value);
    return text;
}
}  // namespace

IdxHeader parse_idx_header(const std::string& path, const unsigned char* bytes,
                           std::size_t available) {
    const std::string where = "IDX file '" + path + "': ";
    if (available < 4)
        throw FormatError(where + "truncated header: the file ends at byte " +
                          std::to_string(available) + ", before the 4-byte magic number");
    const std::uint32_t magic = big_endian_u32(bytes);
    if (bytes[0] != 0 || bytes[1] != 0 || !known_type(bytes[2]) || bytes[3] == 0)
        throw FormatError(where + "bad magic number " + hex(magic) +
                          " at byte 0 (expected 0x0000TTDD: two zero bytes, a type code TT in "
                          "08 09 0B 0C 0D 0E and the number of dimensions DD >= 1)");
    IdxHeader header;
    header.type = static_cast<IdxType>(bytes[2]);
    const std::size_t rank = bytes[3];
    const std::size_t needed = 4 + 4 * rank;
    if (available < needed)
        throw FormatError(where + "truncated header: the file ends at byte " +
                          std::to_string(available) + " but " + std::to_string(rank) +
                          " dimensions need a header of " + std::to_string(needed) + " bytes");
    header.dims.resize(rank);
    // Reject sizes that overflow a signed 64-bit integer (a corrupt dimension) before they wrap
    // around. Zero dimensions are left out of the product: a file with no data must not declare
    // dimensions whose strides overflow either (found by fuzzing: xtensor's signed stride
    // arithmetic overflowed on dimensions (2, 2, 0, 2^30, ...)).
    std::uint64_t total = idx_type_size(header.type);
    for (std::size_t i = 0; i < rank; ++i) {
        header.dims[i] = big_endian_u32(bytes + 4 + 4 * i);
        if (header.dims[i] == 0) continue;
        if (total >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / header.dims[i])
            throw FormatError(where + "dimension " + std::to_string(i) + " (" +
                              std::to_string(header.dims[i]) + ", at byte " +
                              std::to_string(4 + 4 * i) + ") makes the data size overflow");
        total *= header.dims[i];
    }
    return header;
}

void check_idx_size(const std::string& path, const IdxHeader& header, std::uint64_t content_size) {
    const std::uint64_t expected = header.data_offset() + header.data_bytes();
    if (content_size < expected) {
        const std::uint64_t item_bytes = header.item_values() * idx_type_size(header.type);
        const std::uint64_t complete =
            item_bytes == 0 ? 0 : (content_size - header.data_offset()) / item_bytes;
        throw FormatError("IDX file '" + path + "': truncated data: dimensions " +
                          shape_str(header.dims) + " of " + idx_type_name(header.type) + " need " +
                          std::to_string(expected) + " bytes, but the file ends at byte " +
                          std::to_string(content_size) + " (item " + std::to_string(complete) +
                          " is incomplete)");
    }
    if (content_size > expected)
        throw FormatError("IDX file '" + path + "': " + std::to_string(content_size - expected) +
                          " unexpected bytes after the data, from byte " +
                          std::to_string(expected) + " (dimensions " + shape_str(header.dims) +
                          " of " + idx_type_name(header.type) + ")");
}

namespace {
template <class U>
U load_big_endian(const unsigned char* p) {
    static_assert(sizeof(U) <= 8);
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < sizeof(U); ++i) bits = (bits << 8) | p[i];
    U value;
    if constexpr (sizeof(U) == 1) {
        const auto b = static_cast<std::uint8_t>(bits);
        std::memcpy(&value, &b, 1);
    } else if constexpr (sizeof(U) == 2) {
        const auto b = static_cast<std::uint16_t>(bits);
        std::memcpy(&value, &b, 2);
    } else if constexpr (sizeof(U) == 4) {
        const auto b = static_cast<std::uint32_t>(bits);
        std::memcpy(&value, &b, 4);
    } else {
        std::memcpy(&value, &bits, 8);
    }
    return value;
}

template <class U, class T>
void decode_as(const unsigned char* bytes, std::size_t count, T* out, double scale) {
    if (scale == 1.0) {
        for (std::size_t i = 0; i < count; ++i)
            out[i] = static_cast<T>(load_big_endian<U>(bytes + i * sizeof(U)));
    } else {
        for (std::size_t i = 0; i < count; ++i)
            out[i] = static_cast<T>(static_cast<double>(load_big_endian<U>(bytes + i * sizeof(U))) *
                                    scale);
    }
}

template <class T>
void decode(IdxType type, const unsigned char* bytes, std::size_t count, T* out, double scale) {
    switch (type) {
        case IdxType::UInt8:
            return decode_as<std::uint8_t>(bytes, count, out, scale);
        case IdxType::Int8:
            return decode_as<std::int8_t>(bytes, count, out, scale);
        case IdxType::Int16:
            return decode_as<std::int16_t>(bytes, count, out, scale);
        case IdxType::Int32:
            return decode_as<std::int32_t>(bytes, count, out, scale);
        case IdxType::Float32:
            return decode_as<float>(bytes, count, out, scale);
        case IdxType::Float64:
            return decode_as<double>(bytes, count, out, scale);
    }
}
}  // namespace

void decode_idx(IdxType type, const unsigned char* bytes, std::size_t count, float* out,
                double scale) {
    decode(type, bytes, count, out, scale);
}

void decode_idx(IdxType type, const unsigned char* bytes, std::size_t count, double* out,
                double scale) {
    decode(type, bytes, count, out, scale);
}

}  // namespace detail
}  // namespace xgrad::data
