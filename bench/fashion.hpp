#pragma once
// Fashion-MNIST for the benchmarks, read with zlib alone so that the libtorch side does not
// depend on xgrad: pixels as float in [0, 1], one row of 784 per image, and the labels.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bench {

/// Kept as bytes (47 MB for the training split); rows become floats in [0, 1] when a batch is
/// assembled, as a memory-conscious training program of either library would do it.
struct Images {
    std::size_t count = 0;
    std::size_t features = 0;
    std::vector<std::uint8_t> pixels;  // count x features, row-major
    std::vector<std::int64_t> labels;  // count

    /// Row `index` as floats in [0, 1] into `out` (features values).
    void copy_row(std::size_t index, float* out) const;
};

/// The training (or test) split from `dir` (gzipped IDX files). Throws std::runtime_error naming
/// the file when it is missing or malformed.
Images load_fashion_mnist(const std::string& dir, bool train = true);

/// The raw bytes of a gzipped IDX file, header checked: values and dimensions.
std::vector<std::uint8_t> read_idx_bytes(const std::string& path, std::vector<std::size_t>& dims);

/// A mini-batch assembled by row copies.
struct Batch {
    std::size_t size = 0;
    std::vector<float> x;              // size x features
    std::vector<std::int64_t> labels;  // size
};

/// `count` batches of `size` rows drawn in a shuffled order (seeded), each assembled by copying
/// rows; the order wraps around when it runs out.
std::vector<Batch> make_batches(const Images& images, std::size_t size, std::size_t count,
                                std::uint64_t seed = 1);

/// The peak resident set size of this process so far, in bytes (VmHWM of /proc/self/status).
/// Measured by the process itself: ru_maxrss seen by a parent also counts the memory the child
/// had before exec, i.e. a copy of the parent's.
double peak_rss_bytes();

}  // namespace bench
