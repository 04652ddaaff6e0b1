#include "io/zip_archive.hpp"

#include <zip.h>

#include <memory>

#include "xgrad/error.hpp"

namespace xgrad::io::detail {

namespace {
std::string error_text(zip_error_t* error) { return zip_error_strerror(error); }

/// Opens `source` (taking it over) or throws FormatError / IOError.
zip_t* open_source(zip_source_t* source, int flags, const std::string& what) {
    zip_error_t error;
    zip_error_init(&error);
    zip_t* archive = zip_open_from_source(source, flags, &error);
    if (!archive) {
        const int code = zip_error_code_zip(&error);
        const std::string text = error_text(&error);
        zip_error_fini(&error);
        zip_source_free(source);
        if (code == ZIP_ER_OPEN || code == ZIP_ER_READ || code == ZIP_ER_NOENT)
            throw IOError(what + ": cannot open: " + text);
        throw FormatError(what + ": not a readable zip archive: " + text);
    }
    zip_error_fini(&error);
    return archive;
}
}  // namespace

ZipReader::ZipReader(const std::string& path, std::string what) : what_(std::move(what)) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_file_create(path.c_str(), 0, -1, &error);
    if (!source) {
        const std::string text = error_text(&error);
        zip_error_fini(&error);
        throw IOError(what_ + ": cannot open: " + text);
    }
    zip_error_fini(&error);
    archive_ = open_source(source, ZIP_RDONLY | ZIP_CHECKCONS, what_);
}

ZipReader::ZipReader(const unsigned char* bytes, std::size_t size, std::string what)
    : what_(std::move(what)) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes, size, 0, &error);
    zip_error_fini(&error);
    if (!source) throw FormatError(what_ + ": cannot read the archive from memory");
    archive_ = open_source(source, ZIP_RDONLY | ZIP_CHECKCONS, what_);
}

ZipReader::~ZipReader() {
    if (archive_) zip_discard(archive_);
}

void ZipReader::fail(const std::string& message) const {
    throw FormatError(what_ + ": " + message);
}

std::vector<std::string> ZipReader::names() const {
    const zip_int64_t count = zip_get_num_entries(archive_, 0);
    std::vector<std::string> result;
    for (zip_int64_t i = 0; i < count; ++i) {
        const char* name = zip_get_name(archive_, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
        if (!name) fail("entry " + std::to_string(i) + " has no readable name");
        result.emplace_back(name);
    }
    return result;
}

std::int64_t ZipReader::index_of(const std::string& name) const {
    return zip_name_locate(archive_, name.c_str(), ZIP_FL_ENC_RAW);
}

bool ZipReader::contains(const std::string& name) const { return index_of(name) >= 0; }

std::uint64_t ZipReader::size_of(const std::string& name) const {
    const std::int64_t index = index_of(name);
    if (index < 0) fail("the archive has no entry '" + name + "'");
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive_, static_cast<zip_uint64_t>(index), 0, &stat) != 0 ||
        !(stat.valid & ZIP_STAT_SIZE))
        fail("cannot read the size of entry '" + name + "'");
    return stat.size;
}

std::string ZipReader::read(const std::string& name, std::uint64_t max_size) const {
    const std::uint64_t size = size_of(name);
    if (size > max_size)
        fail("entry '" + name + "' holds " + std::to_string(size) + " bytes, more than the " +
             std::to_string(max_size) + " expected");
    const auto close = [](zip_file_t* file) { zip_fclose(file); };
    std::unique_ptr<zip_file_t, decltype(close)> file(
        zip_fopen_index(archive_, static_cast<zip_uint64_t>(index_of(name)), 0), close);
    if (!file)
        fail("cannot open entry '" + name + "': " + zip_error_strerror(zip_get_error(archive_)));
    std::string contents(size, '\0');
    std::uint64_t done = 0;
    while (done < size) {
        const zip_int64_t got = zip_fread(file.get(), &contents[done], size - done);
        if (got < 0)
            fail("cannot read entry '" + name +
                 "': " + zip_error_strerror(zip_file_get_error(file.get())));
        if (got == 0) break;
        done += static_cast<std::uint64_t>(got);
    }
    // One byte more must not come: the data ends where the directory says.
    char extra;
    if (done != size || zip_fread(file.get(), &extra, 1) != 0)
        fail("entry '" + name + "' does not hold the " + std::to_string(size) +
             " bytes the directory says");
    return contents;
}

std::string write_zip(const std::vector<std::pair<std::string, std::string>>& entries) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* target = zip_source_buffer_create(nullptr, 0, 0, &error);
    if (!target) throw IOError("write_zip: " + error_text(&error));
    zip_t* archive = zip_open_from_source(target, ZIP_TRUNCATE, &error);
    if (!archive) {
        zip_source_free(target);
        throw IOError("write_zip: " + error_text(&error));
    }
    zip_error_fini(&error);
    zip_source_keep(target);  // the bytes are read from it after zip_close
    const auto fail = [&](const std::string& message) {
        const std::string text = zip_error_strerror(zip_get_error(archive));
        zip_discard(archive);
        zip_source_free(target);
        throw IOError("write_zip: " + message + ": " + text);
    };
    for (const auto& [name, contents] : entries) {
        zip_source_t* source = zip_source_buffer(archive, contents.data(), contents.size(), 0);
        if (!source) fail("cannot add '" + name + "'");
        const zip_int64_t index = zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8);
        if (index < 0) {
            zip_source_free(source);
            fail("cannot add '" + name + "'");
        }
        if (zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0) !=
            0)
            fail("cannot store '" + name + "' uncompressed");
    }
    if (zip_close(archive) != 0) fail("cannot finish the archive");

    std::string bytes;
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_source_stat(target, &stat) != 0 || zip_source_open(target) != 0) {
        zip_source_free(target);
        throw IOError("write_zip: cannot read the finished archive");
    }
    bytes.resize(stat.size);
    const zip_int64_t got = zip_source_read(target, bytes.data(), stat.size);
    zip_source_close(target);
    zip_source_free(target);
    if (got != static_cast<zip_int64_t>(stat.size))
        throw IOError("write_zip: cannot read the finished archive");
    return bytes;
}

}  // namespace xgrad::io::detail
