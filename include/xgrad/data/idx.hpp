#pragma once
/// \file idx.hpp
/// The IDX format of MNIST and Fashion-MNIST, gzipped or not: a header (two zero bytes, a type
/// code, the number of dimensions, each dimension as a big-endian 32-bit integer) followed by the
/// values in big-endian row-major order. Whole-file reading and writing, a streaming reader that
/// reads only the items asked for, and a Dataset of images and labels over either.
///
/// Malformed files (wrong magic number, truncated header or data, trailing bytes, a corrupt
/// gzip stream, image and label counts that disagree) raise a FormatError naming the file and
/// the byte offset; byte offsets of a gzipped file count decompressed bytes unless the message
/// says "compressed byte".

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "xgrad/arg.hpp"
#include "xgrad/data/dataset.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::data {

/// Element type of an IDX file: the third byte of its magic number.
enum class IdxType : std::uint8_t {
    UInt8 = 0x08,
    Int8 = 0x09,
    Int16 = 0x0B,
    Int32 = 0x0C,
    Float32 = 0x0D,
    Float64 = 0x0E,
};

/// Bytes per value of `type`.
std::size_t idx_type_size(IdxType type);
/// "uint8", "int8", "int16", "int32", "float32" or "float64".
const char* idx_type_name(IdxType type);

/// What the header of an IDX file says.
struct IdxHeader {
    IdxType type = IdxType::UInt8;
    /// All dimensions; the first counts the items (images, labels).
    Shape dims;

    /// Number of items: dims[0].
    std::size_t count() const { return dims.empty() ? 0 : dims[0]; }
    /// Shape of one item: dims without the first, () for labels.
    Shape item_shape() const;
    /// Values per item.
    std::size_t item_values() const;
    /// Byte offset of the first value: 4 + 4 * dims.size().
    std::uint64_t data_offset() const { return 4 + 4 * static_cast<std::uint64_t>(dims.size()); }
    /// Bytes of data the dimensions call for.
    std::uint64_t data_bytes() const;
};

/// Reads a whole IDX file (gzipped or not) into a tensor of `dtype` and shape dims, every value
/// multiplied by `scale` (1/255 maps pixels to [0, 1]).
Tensor read_idx(const std::string& path, DType dtype = DType::Float32, double scale = 1.0);

/// Writes an IDX file value by value without holding it in memory: the header first, then
/// exactly the number of values the dimensions call for.
class IdxWriter {
public:
    /// Creates `path` (gzip-compressed when `compress`). ValueError for no dimensions or a
    /// dimension above 2^31 - 1.
    IdxWriter(const std::string& path, IdxType type, const Shape& dims, bool compress = false);
    ~IdxWriter();
    IdxWriter(const IdxWriter&) = delete;
    IdxWriter& operator=(const IdxWriter&) = delete;

    /// Appends `count` values, converted to the file's type. ValueError for a value an integer
    /// type cannot hold exactly, or for more values than the dimensions call for.
    void write(const double* values, std::size_t count);
    /// Appends `count` values of one byte each (for UInt8 / Int8 files).
    void write_bytes(const std::uint8_t* values, std::size_t count);
    /// Finishes the file; ValueError if fewer values were written than the dimensions call for.
    void close();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Writes `values` (its shape becomes the dimensions) as an IDX file of element type `type`.
void write_idx(const std::string& path, const Tensor& values, IdxType type, bool compress = false);

/// Where decompressed copies of gzipped IDX files go: $XGRAD_CACHE_DIR, else
/// $XDG_CACHE_HOME/xgrad, else $HOME/.cache/xgrad, else the system's temporary directory.
std::string default_cache_dir();

/// An IDX file read item by item from disk (pread of the rows asked for), so memory does not
/// grow with the file. A gzipped file is decompressed once into a cache file, which later opens
/// reuse while the source keeps its size and modification time. Copies share the open file.
class IdxFile {
public:
    /// Opens and validates `path` (header, and file size against the dimensions). `cache_dir`
    /// empty means default_cache_dir().
    explicit IdxFile(const std::string& path, const std::string& cache_dir = "");

    const IdxHeader& header() const;
    /// The path given to the constructor.
    const std::string& path() const;
    /// The file the items are read from: the path itself, or the cache file of a gzipped one.
    const std::string& data_path() const;

    /// Reads items `indices[0..count)` into `out` (count * header().item_values() values),
    /// multiplied by `scale`. Runs of consecutive indices are read with one pread. IndexError for
    /// an index >= count(); FormatError if the file was truncated since it was opened.
    void read_items(const std::size_t* indices, std::size_t count, float* out,
                    double scale = 1.0) const;
    void read_items(const std::size_t* indices, std::size_t count, double* out,
                    double scale = 1.0) const;

private:
    struct Impl;
    std::shared_ptr<const Impl> impl_;
};

/// How an IdxDataset holds its data.
class IdxOptions {
public:
    /// The other options keep their defaults until set by name: `IdxOptions(...).input_scale(...)`.
    IdxOptions(DType dtype = DType::Float32) : dtype_(dtype) {}
    /// The former aggregate's positional spelling, `IdxOptions{dtype, input_scale, ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    IdxOptions(DType dtype, double input_scale, bool streaming = false, std::string cache_dir = "")
        : IdxOptions(dtype) {
        this->input_scale(input_scale).streaming(streaming).cache_dir(cache_dir);
    }
    /// Element type of the inputs and targets.
    XGRAD_ARG(DType, dtype);
    /// Factor applied to the input values (labels are never scaled).
    XGRAD_ARG(double, input_scale) = 1.0;
    /// Read each batch's rows from disk instead of loading the files into memory.
    XGRAD_ARG(bool, streaming) = false;
    /// Streaming mode: where gzipped files are decompressed (empty: default_cache_dir()).
    XGRAD_ARG(std::string, cache_dir);
};

/// A Dataset of IDX inputs (n, ...) and IDX labels (n,) — MNIST's and Fashion-MNIST's layout —
/// either loaded into memory or streamed from disk. FormatError naming both files when their
/// item counts differ or the labels file is not one-dimensional.
class IdxDataset : public Dataset {
public:
    IdxDataset(const std::string& inputs_path, const std::string& labels_path,
               IdxOptions options = {});

    std::size_t size() const override;
    Shape input_shape() const override;
    Shape target_shape() const override { return {}; }
    DType dtype() const override { return options_.dtype(); }
    void read_rows(const std::size_t* indices, std::size_t count, void* inputs,
                   void* targets) const override;

    const IdxOptions& options() const { return options_; }

private:
    IdxOptions options_;
    // Streaming mode: the two files.
    std::shared_ptr<IdxFile> inputs_file_;
    std::shared_ptr<IdxFile> labels_file_;
    // In-memory mode: the whole data.
    std::shared_ptr<TensorDataset> loaded_;
};

}  // namespace xgrad::data
