#include "platform/posix_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "xgrad/error.hpp"

namespace xgrad::io::detail {

std::string os_error(const std::string& what, const std::string& path) {
    return what + " '" + path + "': " + std::strerror(errno);
}

ReadFile::ReadFile(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw IOError(os_error("cannot open", path));
}

ReadFile::~ReadFile() {
    if (fd_ >= 0) ::close(fd_);
}

ReadFile::ReadFile(ReadFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

ReadFile& ReadFile::operator=(ReadFile&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        path_ = std::move(other.path_);
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

std::uint64_t ReadFile::size() const {
    struct stat info {};
    if (::fstat(fd_, &info) != 0) throw IOError(os_error("cannot stat", path_));
    return static_cast<std::uint64_t>(info.st_size);
}

std::size_t ReadFile::read_at(void* buffer, std::size_t count, std::uint64_t offset) const {
    auto* out = static_cast<unsigned char*>(buffer);
    std::size_t done = 0;
    while (done < count) {
        const ssize_t got =
            ::pread(fd_, out + done, count - done, static_cast<off_t>(offset + done));
        if (got < 0) {
            if (errno == EINTR) continue;
            throw IOError(os_error("cannot read", path_));
        }
        if (got == 0) break;
        done += static_cast<std::size_t>(got);
    }
    return done;
}

std::vector<unsigned char> read_all(const std::string& path) {
    ReadFile file(path);
    std::vector<unsigned char> bytes(file.size());
    bytes.resize(file.read_at(bytes.data(), bytes.size(), 0));
    return bytes;
}

void write_all(int fd, const void* data, std::size_t count, const std::string& path) {
    const auto* in = static_cast<const unsigned char*>(data);
    while (count > 0) {
        const ssize_t put = ::write(fd, in, count);
        if (put < 0) {
            if (errno == EINTR) continue;
            throw IOError(os_error("cannot write", path));
        }
        in += put;
        count -= static_cast<std::size_t>(put);
    }
}

namespace {
std::string directory_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

/// "<name of path>.tmp.<host>.": the start of the temporary files of saves to `path` from this
/// host; the writer's pid and mkstemp's 6 characters follow.
std::string temporary_prefix(const std::string& path) {
    char host[HOST_NAME_MAX + 1] = {};
    if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "unknown");
    return path.substr(path.find_last_of('/') + 1) + ".tmp." + host + ".";
}

/// A save killed before its rename (SIGKILL, power loss) leaves its temporary file behind, and a
/// job that is preempted again and again would fill the disk with them. Each save removes those
/// of processes of this host that no longer exist; a live writer's file (a concurrent save) is
/// never touched, and a reused pid only delays the cleanup. Best effort: errors are ignored.
void remove_stale_temporaries(const std::string& directory, const std::string& prefix) {
    DIR* dir = ::opendir(directory.c_str());
    if (!dir) return;
    while (const dirent* entry = ::readdir(dir)) {
        const char* name = entry->d_name;
        if (std::strncmp(name, prefix.c_str(), prefix.size()) != 0) continue;
        char* end = nullptr;
        const long pid = std::strtol(name + prefix.size(), &end, 10);
        if (end == name + prefix.size() || *end != '.' || std::strlen(end + 1) != 6) continue;
        if (pid <= 0 || pid == ::getpid()) continue;
        if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
            ::unlinkat(::dirfd(dir), name, 0);
    }
    ::closedir(dir);
}
}  // namespace

void write_atomically(const std::string& path, const std::function<void(int fd)>& write) {
    const std::string directory = directory_of(path);
    const std::string prefix = temporary_prefix(path);
    remove_stale_temporaries(directory, prefix);
    std::string temporary = path.substr(0, path.find_last_of('/') + 1) + prefix +
                            std::to_string(::getpid()) + ".XXXXXX";
    const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
    if (fd < 0) throw IOError(os_error("cannot create a temporary file for", path));
    bool open = true;
    try {
        write(fd);
        // mkstemp creates the file 0600; a checkpoint is an ordinary data file.
        if (::fchmod(fd, 0644) != 0) throw IOError(os_error("cannot chmod", temporary));
        if (::fsync(fd) != 0) throw IOError(os_error("cannot flush", temporary));
        open = false;
        if (::close(fd) != 0) throw IOError(os_error("cannot close", temporary));
    } catch (...) {
        if (open) ::close(fd);
        ::unlink(temporary.c_str());
        throw;
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string message = os_error("cannot rename '" + temporary + "' to", path);
        ::unlink(temporary.c_str());
        throw IOError(message);
    }
    // The rename is durable only once the directory entry is on disk.
    const int dir = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) throw IOError(os_error("cannot open directory", directory));
    const int synced = ::fsync(dir);
    ::close(dir);
    if (synced != 0) throw IOError(os_error("cannot flush directory", directory));
}

}  // namespace xgrad::io::detail
