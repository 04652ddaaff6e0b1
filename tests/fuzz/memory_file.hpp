#pragma once
// A file in memory (memfd) that a fuzz target refills with each input, for the readers that
// only take a path: they open "/proc/self/fd/N" like any file, and no input touches the disk.

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace xgrad::fuzz {

class MemoryFile {
public:
    MemoryFile() : fd_(::memfd_create("xgrad-fuzz", MFD_CLOEXEC)) {
        if (fd_ < 0) std::abort();
        path_ = "/proc/self/fd/" + std::to_string(fd_);
    }
    ~MemoryFile() { ::close(fd_); }
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;

    /// Makes the file hold exactly `data[0..size)`.
    void assign(const std::uint8_t* data, std::size_t size) {
        if (::ftruncate(fd_, 0) != 0) std::abort();
        std::size_t done = 0;
        while (done < size) {
            const ssize_t put = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
            if (put <= 0) std::abort();
            done += static_cast<std::size_t>(put);
        }
    }

    const std::string& path() const { return path_; }

private:
    int fd_;
    std::string path_;
};

}  // namespace xgrad::fuzz
