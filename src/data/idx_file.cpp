// IdxFile: streaming reads of single items by pread, with gzipped files decompressed once into a
// cache file.

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <vector>

#include "data/gzip.hpp"
#include "data/idx_format.hpp"
#include "platform/posix_file.hpp"
#include "xgrad/data/idx.hpp"
#include "xgrad/error.hpp"

namespace xgrad::data {

std::string default_cache_dir() {
    if (const char* dir = std::getenv("XGRAD_CACHE_DIR"); dir && *dir) return dir;
    if (const char* dir = std::getenv("XDG_CACHE_HOME"); dir && *dir)
        return std::string(dir) + "/xgrad";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.cache/xgrad";
    return (std::filesystem::temp_directory_path() / "xgrad-cache").string();
}

namespace {
/// The cache file of a gzipped `source`: named after the file and a hash of its absolute path,
/// size and modification time, so an edited source gets a fresh copy.
std::string cache_path(const std::string& source, const std::string& cache_dir) {
    struct stat info {};
    if (::stat(source.c_str(), &info) != 0)
        throw IOError(io::detail::os_error("cannot stat", source));
    const std::filesystem::path absolute = std::filesystem::absolute(source);
    const std::string key = absolute.string() + '|' + std::to_string(info.st_size) + '|' +
                            std::to_string(info.st_mtim.tv_sec) + '.' +
                            std::to_string(info.st_mtim.tv_nsec);
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016zx", std::hash<std::string>{}(key));
    std::string name = absolute.filename().string();
    if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0)
        name.resize(name.size() - 3);
    return cache_dir + "/" + name + "." + hash;
}

std::string prepare_cache(const std::string& source, std::string cache_dir) {
    if (cache_dir.empty()) cache_dir = default_cache_dir();
    std::error_code error;
    std::filesystem::create_directories(cache_dir, error);
    if (error)
        throw IOError("cannot create cache directory '" + cache_dir + "': " + error.message());
    const std::string cached = cache_path(source, cache_dir);
    if (!std::filesystem::exists(cached)) detail::gunzip_to_file(source, cached);
    return cached;
}
}  // namespace

struct IdxFile::Impl {
    std::string path;
    std::string data_path;
    io::detail::ReadFile file;
    IdxHeader header;

    Impl(const std::string& path, const std::string& cache_dir)
        : path(path),
          data_path(detail::is_gzip(path) ? prepare_cache(path, cache_dir) : path),
          file(data_path) {
        // Messages name the file the user gave; offsets are those of the decompressed content.
        const std::string name = data_path == path ? path : path + " (decompressed)";
        unsigned char bytes[detail::kMaxIdxHeader];
        const std::size_t got = file.read_at(bytes, sizeof bytes, 0);
        header = detail::parse_idx_header(name, bytes, got);
        detail::check_idx_size(name, header, file.size());
    }

    template <class T>
    void read(const std::size_t* indices, std::size_t count, T* out, double scale) const {
        const std::size_t values = header.item_values();
        const std::size_t item_bytes = values * idx_type_size(header.type);
        for (std::size_t k = 0; k < count; ++k)
            if (indices[k] >= header.count())
                throw IndexError("IdxFile '" + path + "': item " + std::to_string(indices[k]) +
                                 " is out of range for " + std::to_string(header.count()) +
                                 " items");
        std::vector<unsigned char> buffer;
        for (std::size_t k = 0; k < count;) {
            // A run of consecutive items is one contiguous range of the file.
            std::size_t run = 1;
            while (k + run < count && indices[k + run] == indices[k] + run) ++run;
            buffer.resize(run * item_bytes);
            const std::uint64_t offset = header.data_offset() + indices[k] * item_bytes;
            const std::size_t got = file.read_at(buffer.data(), buffer.size(), offset);
            if (got != buffer.size())
                throw FormatError("IDX file '" + data_path + "': truncated since it was opened: " +
                                  "expected " + std::to_string(buffer.size()) + " bytes at byte " +
                                  std::to_string(offset) + ", read " + std::to_string(got));
            detail::decode_idx(header.type, buffer.data(), run * values, out + k * values, scale);
            k += run;
        }
    }
};

IdxFile::IdxFile(const std::string& path, const std::string& cache_dir)
    : impl_(std::make_shared<const Impl>(path, cache_dir)) {}

const IdxHeader& IdxFile::header() const { return impl_->header; }

const std::string& IdxFile::path() const { return impl_->path; }

const std::string& IdxFile::data_path() const { return impl_->data_path; }

void IdxFile::read_items(const std::size_t* indices, std::size_t count, float* out,
                         double scale) const {
    impl_->read(indices, count, out, scale);
}

void IdxFile::read_items(const std::size_t* indices, std::size_t count, double* out,
                         double scale) const {
    impl_->read(indices, count, out, scale);
}

}  // namespace xgrad::data
