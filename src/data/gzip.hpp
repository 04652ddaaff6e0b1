#pragma once
// gzip through zlib: detection, whole-file decompression, decompression into a file, and a writer
// that compresses or not. zlib's gz* functions read plain files transparently, so the readers
// below accept both.

#include <zlib.h>

#include <cstddef>
#include <string>
#include <vector>

namespace xgrad::data::detail {

/// Whether the file starts with the gzip magic bytes 1f 8b.
bool is_gzip(const std::string& path);

/// The decompressed content of a gzipped (or plain) file. FormatError naming the file and the
/// compressed byte offset on a corrupt or truncated stream; IOError when it cannot be read.
std::vector<unsigned char> gunzip_all(const std::string& path);

/// Decompresses `source` into `destination`, replacing it atomically (a failed decompression
/// leaves no partial file). Errors as gunzip_all().
void gunzip_to_file(const std::string& source, const std::string& destination);

/// Writes a file through zlib, compressed (gzip) or plain. close() reports errors; the
/// destructor closes silently.
class GzipWriter {
public:
    GzipWriter(const std::string& path, bool compress);
    ~GzipWriter();
    GzipWriter(const GzipWriter&) = delete;
    GzipWriter& operator=(const GzipWriter&) = delete;

    void write(const void* data, std::size_t count);
    void close();

private:
    std::string path_;
    gzFile file_ = nullptr;
};

}  // namespace xgrad::data::detail
