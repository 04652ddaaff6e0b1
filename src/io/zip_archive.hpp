#pragma once
// Zip archives through libzip: the reader of torch.save's archives (from a file or from memory)
// and a writer that builds an archive in memory. Entries are written stored (uncompressed), as
// torch.save writes them.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

struct zip;

namespace xgrad::io::detail {

/// An open archive. Every failure is a FormatError (an IOError when the file cannot be opened)
/// starting with "<what>".
class ZipReader {
public:
    /// Opens the archive at `path`.
    ZipReader(const std::string& path, std::string what);
    /// Opens the archive held in `bytes[0..size)`, which must outlive the reader.
    ZipReader(const unsigned char* bytes, std::size_t size, std::string what);
    ~ZipReader();
    ZipReader(const ZipReader&) = delete;
    ZipReader& operator=(const ZipReader&) = delete;

    /// The entry names in archive order.
    std::vector<std::string> names() const;
    /// Whether an entry is called `name`.
    bool contains(const std::string& name) const;
    /// The uncompressed size of entry `name`; FormatError if there is none.
    std::uint64_t size_of(const std::string& name) const;
    /// The contents of entry `name`; FormatError if there is none, if it is larger than
    /// `max_size` or if it does not decompress (bad CRC, truncated data).
    std::string read(const std::string& name, std::uint64_t max_size) const;

private:
    std::int64_t index_of(const std::string& name) const;
    [[noreturn]] void fail(const std::string& message) const;

    std::string what_;
    zip* archive_ = nullptr;
};

/// An archive holding `entries` (name, contents) in order, stored uncompressed.
std::string write_zip(const std::vector<std::pair<std::string, std::string>>& entries);

}  // namespace xgrad::io::detail
