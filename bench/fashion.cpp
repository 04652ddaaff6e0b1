#include "fashion.hpp"

#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <numeric>
#include <random>
#include <stdexcept>

namespace bench {

std::vector<std::uint8_t> read_idx_bytes(const std::string& path, std::vector<std::size_t>& dims) {
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file) throw std::runtime_error("cannot open " + path);
    // Header first, then the values straight into a buffer of their exact size.
    std::uint8_t magic[4];
    if (gzread(file, magic, 4) != 4 || magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08) {
        gzclose(file);
        throw std::runtime_error(path + ": not a gzipped uint8 IDX file");
    }
    std::size_t values = 1;
    dims.clear();
    for (int i = 0; i < magic[3]; ++i) {
        std::uint8_t d[4];
        if (gzread(file, d, 4) != 4) {
            gzclose(file);
            throw std::runtime_error(path + ": truncated header");
        }
        dims.push_back((std::size_t(d[0]) << 24) | (std::size_t(d[1]) << 16) |
                       (std::size_t(d[2]) << 8) | std::size_t(d[3]));
        values *= dims.back();
    }
    std::vector<std::uint8_t> bytes(values);
    std::size_t done = 0;
    while (done < values) {
        const int got =
            gzread(file, bytes.data() + done,
                   static_cast<unsigned>(std::min<std::size_t>(values - done, 1u << 30)));
        if (got <= 0) break;
        done += static_cast<std::size_t>(got);
    }
    std::uint8_t extra;
    const bool trailing = gzread(file, &extra, 1) > 0;
    gzclose(file);
    if (done != values || trailing) throw std::runtime_error(path + ": wrong data size");
    return bytes;
}

Images load_fashion_mnist(const std::string& dir, bool train) {
    const std::string prefix = dir + "/" + (train ? "train" : "t10k");
    std::vector<std::size_t> image_dims, label_dims;
    auto pixels = read_idx_bytes(prefix + "-images-idx3-ubyte.gz", image_dims);
    const auto labels = read_idx_bytes(prefix + "-labels-idx1-ubyte.gz", label_dims);
    if (image_dims.size() != 3 || label_dims.size() != 1 || image_dims[0] != label_dims[0])
        throw std::runtime_error(prefix + ": images and labels disagree");
    Images images;
    images.count = image_dims[0];
    images.features = image_dims[1] * image_dims[2];
    images.pixels = std::move(pixels);
    images.labels.assign(labels.begin(), labels.end());
    return images;
}

void Images::copy_row(std::size_t index, float* out) const {
    const std::uint8_t* row = pixels.data() + index * features;
    for (std::size_t j = 0; j < features; ++j)
        out[j] = static_cast<float>(row[j]) * (1.0f / 255.0f);
}

std::vector<Batch> make_batches(const Images& images, std::size_t size, std::size_t count,
                                std::uint64_t seed) {
    std::vector<std::size_t> order(images.count);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::mt19937_64 engine(seed);
    std::shuffle(order.begin(), order.end(), engine);
    std::vector<Batch> batches(count);
    std::size_t next = 0;
    for (auto& batch : batches) {
        batch.size = size;
        batch.x.resize(size * images.features);
        batch.labels.resize(size);
        for (std::size_t r = 0; r < size; ++r, next = (next + 1) % order.size()) {
            const std::size_t row = order[next];
            images.copy_row(row, batch.x.data() + r * images.features);
            batch.labels[r] = images.labels[row];
        }
    }
    return batches;
}

double peak_rss_bytes() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) * 1024.0;
    return -1.0;
}

}  // namespace bench
