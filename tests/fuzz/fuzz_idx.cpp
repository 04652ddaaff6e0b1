// libFuzzer target: bytes as an IDX file (plain or gzipped), read whole by read_idx() and item by
// item by IdxFile. A malformed file may only raise an xgrad::Error; any other exception, a crash,
// a leak or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "memory_file.hpp"
#include "xgrad/data/idx.hpp"
#include "xgrad/error.hpp"

namespace {

/// IdxFile decompresses a gzipped file into a cache directory: a private one, emptied after
/// every input so that the cache neither grows nor serves a previous input. In /dev/shm if there
/// is one: the cache is written with fsync, which costs milliseconds on a disk.
struct CacheDir {
    std::filesystem::path path;
    CacheDir() {
        const std::filesystem::path shm = "/dev/shm";
        std::string pattern =
            ((std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path()) /
             "xgrad-fuzz-XXXXXX");
        if (!::mkdtemp(pattern.data())) std::abort();
        path = pattern;
    }
    ~CacheDir() { std::filesystem::remove_all(path); }
    void clear() const {
        for (const auto& entry : std::filesystem::directory_iterator(path))
            std::filesystem::remove(entry.path());
    }
};

void read_whole(const std::string& path) {
    try {
        xgrad::data::read_idx(path, xgrad::DType::Float32, 1.0 / 255);
    } catch (const xgrad::Error&) {
    }
}

void read_streaming(const std::string& path, const CacheDir& cache) {
    try {
        const xgrad::data::IdxFile file(path, cache.path.string());
        const std::size_t count = file.header().count();
        if (count == 0) return;
        // The first and the last item, as one run and as two separate reads.
        const std::size_t indices[] = {0, count - 1};
        std::vector<double> out(2 * file.header().item_values());
        file.read_items(indices, 2, out.data());
        file.read_items(indices + 1, 1, out.data());
    } catch (const xgrad::Error&) {
    }
    cache.clear();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static xgrad::fuzz::MemoryFile file;
    static const CacheDir cache;
    file.assign(data, size);
    read_whole(file.path());
    read_streaming(file.path(), cache);
    return 0;
}
