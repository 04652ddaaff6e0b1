// IdxWriter and write_idx: values encoded big-endian after the header, optionally gzipped.

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "data/gzip.hpp"
#include "xgrad/data/idx.hpp"
#include "xgrad/error.hpp"
#include "xgrad/state_dict.hpp"

namespace xgrad::data {

struct IdxWriter::Impl {
    detail::GzipWriter out;
    std::string path;
    IdxType type;
    std::uint64_t expected = 0;
    std::uint64_t written = 0;
    std::vector<unsigned char> buffer;

    Impl(const std::string& path, IdxType type, bool compress)
        : out(path, compress), path(path), type(type) {}

    void count(std::size_t values) {
        if (written + values > expected)
            throw ValueError("IdxWriter '" + path + "': " + std::to_string(written + values) +
                             " values exceed the " + std::to_string(expected) +
                             " the dimensions call for");
        written += values;
    }
};

namespace {
void store_big_endian(std::uint64_t bits, std::size_t size, unsigned char* out) {
    for (std::size_t i = 0; i < size; ++i)
        out[i] = static_cast<unsigned char>(bits >> (8 * (size - 1 - i)));
}

template <class I>
std::uint64_t integer_bits(double value, const std::string& path) {
    if (!(value == std::floor(value)) || value < double(std::numeric_limits<I>::min()) ||
        value > double(std::numeric_limits<I>::max()))
        throw ValueError("IdxWriter '" + path + "': " + format_exact(value) +
                         " is not representable exactly in the file's integer type");
    return static_cast<std::uint64_t>(static_cast<std::make_unsigned_t<I>>(static_cast<I>(value)));
}

std::uint64_t encode(IdxType type, double value, const std::string& path) {
    switch (type) {
        case IdxType::UInt8:
            return integer_bits<std::uint8_t>(value, path);
        case IdxType::Int8:
            return integer_bits<std::int8_t>(value, path);
        case IdxType::Int16:
            return integer_bits<std::int16_t>(value, path);
        case IdxType::Int32:
            return integer_bits<std::int32_t>(value, path);
        case IdxType::Float32: {
            const float f = static_cast<float>(value);
            std::uint32_t bits;
            std::memcpy(&bits, &f, 4);
            return bits;
        }
        case IdxType::Float64: {
            std::uint64_t bits;
            std::memcpy(&bits, &value, 8);
            return bits;
        }
    }
    return 0;
}
}  // namespace

IdxWriter::IdxWriter(const std::string& path, IdxType type, const Shape& dims, bool compress) {
    idx_type_size(type);  // rejects an unknown code
    if (dims.empty() || dims.size() > 255)
        throw ValueError("IdxWriter '" + path + "': expected 1 to 255 dimensions, got " +
                         std::to_string(dims.size()));
    impl_ = std::make_unique<Impl>(path, type, compress);
    std::vector<unsigned char> header(4 + 4 * dims.size());
    header[2] = static_cast<unsigned char>(type);
    header[3] = static_cast<unsigned char>(dims.size());
    impl_->expected = 1;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] > 0x7fffffffu)
            throw ValueError("IdxWriter '" + path + "': dimension " + std::to_string(dims[i]) +
                             " does not fit a 32-bit signed integer");
        store_big_endian(dims[i], 4, header.data() + 4 + 4 * i);
        impl_->expected *= dims[i];
    }
    impl_->out.write(header.data(), header.size());
}

IdxWriter::~IdxWriter() = default;

void IdxWriter::write(const double* values, std::size_t count) {
    impl_->count(count);
    const std::size_t size = idx_type_size(impl_->type);
    impl_->buffer.resize(count * size);
    for (std::size_t i = 0; i < count; ++i)
        store_big_endian(encode(impl_->type, values[i], impl_->path), size,
                         impl_->buffer.data() + i * size);
    impl_->out.write(impl_->buffer.data(), impl_->buffer.size());
}

void IdxWriter::write_bytes(const std::uint8_t* values, std::size_t count) {
    if (idx_type_size(impl_->type) != 1)
        throw ValueError("IdxWriter '" + impl_->path +
                         "': write_bytes needs a one-byte type, the "
                         "file holds " +
                         idx_type_name(impl_->type));
    impl_->count(count);
    impl_->out.write(values, count);
}

void IdxWriter::close() {
    if (impl_->written != impl_->expected)
        throw ValueError("IdxWriter '" + impl_->path + "': closed after " +
                         std::to_string(impl_->written) + " of " + std::to_string(impl_->expected) +
                         " values");
    impl_->out.close();
}

void write_idx(const std::string& path, const Tensor& values, IdxType type, bool compress) {
    IdxWriter writer(path, type, values.shape(), compress);
    const std::vector<double> flat = values.to_vector();
    writer.write(flat.data(), flat.size());
    writer.close();
}

}  // namespace xgrad::data
