#pragma once
// Thin POSIX file helpers shared by the readers and writers of data/ and io/: an owned file
// descriptor with positioned reads, whole-file reads, and atomic replacement of a file
// (temporary file in the same directory, fsync, rename, fsync of the directory).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace xgrad::io::detail {

/// "<what> '<path>': <strerror(errno)>" for IOError messages.
std::string os_error(const std::string& what, const std::string& path);

/// A file opened for reading; closed on destruction. Every failure is an IOError naming the file.
class ReadFile {
public:
    explicit ReadFile(const std::string& path);
    ~ReadFile();
    ReadFile(const ReadFile&) = delete;
    ReadFile& operator=(const ReadFile&) = delete;
    ReadFile(ReadFile&& other) noexcept;
    ReadFile& operator=(ReadFile&& other) noexcept;

    const std::string& path() const { return path_; }
    /// Size in bytes (fstat).
    std::uint64_t size() const;
    /// Reads up to `count` bytes at `offset` (pread, retried until done or end of file); returns
    /// the number read, smaller than `count` only at the end of the file.
    std::size_t read_at(void* buffer, std::size_t count, std::uint64_t offset) const;

private:
    std::string path_;
    int fd_ = -1;
};

/// The whole file.
std::vector<unsigned char> read_all(const std::string& path);

/// Writes `count` bytes to `fd`, retrying short writes; IOError naming `path` on failure.
void write_all(int fd, const void* data, std::size_t count, const std::string& path);

/// Replaces `path` atomically with what `write(fd)` writes: into a temporary file next to it
/// ("<path>.tmp.<host>.<pid>.XXXXXX"), flushed with fsync, renamed over `path`, and the directory
/// fsynced. If `write` throws or any step fails, the temporary file is removed and `path` is
/// untouched. Temporary files left by killed writers of `path` on this host are removed first.
void write_atomically(const std::string& path, const std::function<void(int fd)>& write);

}  // namespace xgrad::io::detail
