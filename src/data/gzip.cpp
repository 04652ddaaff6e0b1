#include "data/gzip.hpp"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <memory>

#include "platform/posix_file.hpp"
#include "xgrad/error.hpp"

namespace xgrad::data::detail {

namespace {
constexpr unsigned kChunk = 1u << 20;
/// What the readers ask zlib for per call (zlib's own buffer does the batching).
constexpr unsigned kReadChunk = 1u << 16;

struct GzCloser {
    void operator()(gzFile file) const { gzclose(file); }
};
using GzReader = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

GzReader open_for_reading(const std::string& path) {
    // Open with our own descriptor first so that a missing file is an IOError with errno.
    io::detail::ReadFile probe(path);
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file) throw IOError(io::detail::os_error("cannot open", path));
    // zlib allocates 3 times this: 1 MB buffers for the 30 MB Fashion-MNIST files, but not for
    // a 12-byte file (megabytes of allocation per file made fuzzing the IDX reader crawl).
    const std::uint64_t size = probe.size();
    gzbuffer(file, size < kChunk ? std::max(static_cast<unsigned>(size), 1u << 13) : kChunk);
    return GzReader(file);
}

/// Reads the next chunk into `out`; returns the bytes read (0 at the end). Throws on a corrupt
/// or truncated stream.
std::size_t read_chunk(gzFile file, const std::string& path, unsigned char* out, unsigned size,
                       std::uint64_t decompressed_so_far) {
    const int got = gzread(file, out, size);
    if (got >= 0) {
        // zlib reports a stream cut short only on the next call; make sure it is seen.
        if (got == 0) {
            int code = Z_OK;
            const char* message = gzerror(file, &code);
            if (code != Z_OK && code != Z_STREAM_END)
                throw FormatError("'" + path + "': corrupt gzip stream (" + message +
                                  ") at compressed byte " + std::to_string(gzoffset(file)) +
                                  ", after " + std::to_string(decompressed_so_far) +
                                  " decompressed bytes");
        }
        return static_cast<std::size_t>(got);
    }
    int code = Z_OK;
    const char* message = gzerror(file, &code);
    if (code == Z_ERRNO) throw IOError(io::detail::os_error("cannot read", path));
    throw FormatError("'" + path + "': corrupt gzip stream (" + message + ") at compressed byte " +
                      std::to_string(gzoffset(file)) + ", after " +
                      std::to_string(decompressed_so_far) + " decompressed bytes");
}
}  // namespace

bool is_gzip(const std::string& path) {
    io::detail::ReadFile file(path);
    unsigned char magic[2] = {0, 0};
    return file.read_at(magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

std::vector<unsigned char> gunzip_all(const std::string& path) {
    GzReader file = open_for_reading(path);
    // Through a small chunk buffer: growing the result by a zeroed megabyte per read cost a
    // 12-byte file 2 MB of memset and page faults (seen fuzzing the IDX reader).
    unsigned char chunk[kReadChunk];
    std::vector<unsigned char> result;
    while (const std::size_t got = read_chunk(file.get(), path, chunk, kReadChunk, result.size()))
        result.insert(result.end(), chunk, chunk + got);
    return result;
}

void gunzip_to_file(const std::string& source, const std::string& destination) {
    GzReader file = open_for_reading(source);
    unsigned char chunk[kReadChunk];
    io::detail::write_atomically(destination, [&](int fd) {
        std::uint64_t total = 0;
        while (const std::size_t got = read_chunk(file.get(), source, chunk, kReadChunk, total)) {
            io::detail::write_all(fd, chunk, got, destination);
            total += got;
        }
    });
}

GzipWriter::GzipWriter(const std::string& path, bool compress) : path_(path) {
    // "T": zlib writes the bytes as they are (a plain file through the same interface).
    file_ = gzopen(path.c_str(), compress ? "wb6" : "wbT");
    if (!file_) throw IOError(io::detail::os_error("cannot create", path));
}

GzipWriter::~GzipWriter() {
    if (file_) gzclose(file_);
}

void GzipWriter::write(const void* data, std::size_t count) {
    const auto* in = static_cast<const unsigned char*>(data);
    while (count > 0) {
        const unsigned part = count > kChunk ? kChunk : static_cast<unsigned>(count);
        if (gzwrite(file_, in, part) != static_cast<int>(part)) {
            int code = Z_OK;
            const char* message = gzerror(file_, &code);
            if (code == Z_ERRNO) throw IOError(io::detail::os_error("cannot write", path_));
            throw IOError("cannot write '" + path_ + "': " + message);
        }
        in += part;
        count -= part;
    }
}

void GzipWriter::close() {
    gzFile file = file_;
    file_ = nullptr;
    if (file && gzclose(file) != Z_OK) throw IOError(io::detail::os_error("cannot close", path_));
}

}  // namespace xgrad::data::detail
