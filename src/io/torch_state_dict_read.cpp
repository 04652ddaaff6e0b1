// Reading torch.save archives: the zip layout, the restricted pickle's tree interpreted as a dict
// of tensors, and each tensor copied out of its storage record.
#include <cstring>
#include <limits>
#include <map>
#include <type_traits>

#include "io/pickle_reader.hpp"
#include "io/torch_storage_types.hpp"
#include "io/zip_archive.hpp"
#include "platform/posix_file.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/io/torch_state_dict.hpp"

namespace xgrad::io {

namespace {

using detail::PickleValue;
using Kind = PickleValue::Kind;

/// Dimensions beyond this are taken for a corrupt file (torch itself stops at 64 too).
constexpr std::size_t kMaxDims = 64;

struct Storage {
    const detail::TorchStorageType* type;
    std::string bytes;
    std::uint64_t numel;
};

class ArchiveReader {
public:
    ArchiveReader(const detail::ZipReader& zip, std::string what)
        : zip_(zip), what_(std::move(what)) {}

    StateDict read() {
        const auto names = zip_.names();
        if (names.empty()) fail("the zip archive is empty");
        const auto slash = names.front().find('/');
        if (slash == std::string::npos)
            fail("entry '" + names.front() + "' is not inside a folder: not a torch.save archive");
        prefix_ = names.front().substr(0, slash + 1);
        check_records();

        const std::string pickle = zip_.read(prefix_ + "data.pkl", kMaxTorchPickleBytes);
        const auto unpickled =
            detail::unpickle(reinterpret_cast<const unsigned char*>(pickle.data()), pickle.size(),
                             what_ + ": " + prefix_ + "data.pkl");
        const PickleValue& root = *unpickled.root;
        if (root.kind != Kind::Dict)
            fail(std::string("data.pkl holds ") + detail::kind_name(root.kind) +
                 ", not a state_dict (a dict of tensors)");
        StateDict state;
        for (std::size_t i = 0; i + 1 < root.items.size(); i += 2) {
            const PickleValue& key = *root.items[i];
            if (key.kind != Kind::String)
                fail(std::string("a state_dict key is ") + detail::kind_name(key.kind) +
                     ", not a string");
            if (state.tensors.count(key.text)) fail("key '" + key.text + "' appears twice");
            const auto [tensor, type] = tensor_of(key.text, *root.items[i + 1], true);
            state.tensors.emplace(key.text, tensor);
            if (std::strcmp(type->dtype, "float32") != 0 && std::strcmp(type->dtype, "float64"))
                state.metadata[kTorchDtypePrefix + key.text] = type->dtype;
        }
        return state;
    }

private:
    [[noreturn]] void fail(const std::string& message) const {
        throw FormatError(what_ + ": " + message);
    }

    void check_records() const {
        if (!zip_.contains(prefix_ + "data.pkl"))
            fail("no entry '" + prefix_ + "data.pkl': not a torch.save archive");
        if (zip_.contains(prefix_ + "byteorder")) {
            const std::string order = zip_.read(prefix_ + "byteorder", 16);
            if (order != "little")
                fail("byteorder is '" + order + "': only little-endian files are read");
        }
        if (zip_.contains(prefix_ + "version")) {
            const std::string version = zip_.read(prefix_ + "version", 16);
            const std::string digits = version.substr(0, version.find_first_of("\r\n"));
            if (digits.empty() || digits.size() > 2 ||
                digits.find_first_not_of("0123456789") != std::string::npos)
                fail("the version record '" + version + "' is not a format version");
        }
    }

    std::int64_t integer(const std::string& name, const PickleValue& value, const char* what) {
        if (value.kind != Kind::Int)
            fail("tensor '" + name + "': the " + what + " is " + detail::kind_name(value.kind) +
                 ", not an int");
        if (value.integer < 0)
            fail("tensor '" + name + "': the " + what + " " + std::to_string(value.integer) +
                 " is negative");
        return value.integer;
    }

    std::vector<std::uint64_t> integers(const std::string& name, const PickleValue& value,
                                        const char* what) {
        if (value.kind != Kind::Tuple)
            fail("tensor '" + name + "': the " + what + " is " + detail::kind_name(value.kind) +
                 ", not a tuple");
        if (value.items.size() > kMaxDims)
            fail("tensor '" + name + "' has " + std::to_string(value.items.size()) +
                 " dimensions, more than " + std::to_string(kMaxDims));
        std::vector<std::uint64_t> result;
        for (const PickleValue* item : value.items) result.push_back(integer(name, *item, what));
        return result;
    }

    /// The storage a persistent id ('storage', type, key, location, numel) names, read once.
    const Storage& storage(const std::string& name, const PickleValue& pid) {
        const PickleValue& id = *pid.items.at(0);
        if (id.kind != Kind::Tuple || id.items.size() != 5 || id.items[0]->kind != Kind::String ||
            id.items[0]->text != "storage" || id.items[1]->kind != Kind::Global ||
            id.items[2]->kind != Kind::String || id.items[3]->kind != Kind::String)
            fail("tensor '" + name +
                 "': the persistent id is not ('storage', type, key, location, numel)");
        const std::string& global = id.items[1]->text;
        const auto* type = detail::find_storage_type(global, false);
        if (!type)
            fail("tensor '" + name + "' is stored as " + global +
                 ": only float32, float64, integer and bool tensors are read");
        const std::string& key = id.items[2]->text;
        if (key.empty() ||
            key.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz"
                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != std::string::npos)
            fail("tensor '" + name + "': the storage key '" + key + "' is not a record name");
        const std::uint64_t numel =
            static_cast<std::uint64_t>(integer(name, *id.items[4], "storage size"));
        const auto found = storages_.find(key);
        if (found != storages_.end()) {
            if (found->second.type != type || found->second.numel != numel)
                fail("storage '" + key + "' is named with two different types or sizes");
            return found->second;
        }
        const std::string record = prefix_ + "data/" + key;
        const std::uint64_t bytes = zip_.size_of(record);
        if (numel > std::numeric_limits<std::uint64_t>::max() / type->size ||
            numel * type->size != bytes)
            fail("storage '" + key + "' of " + std::to_string(numel) + " " + type->dtype +
                 " elements needs " + std::to_string(numel) + " x " + std::to_string(type->size) +
                 " bytes; the record '" + record + "' holds " + std::to_string(bytes));
        Storage storage{type, zip_.read(record, bytes), numel};
        return storages_.emplace(key, std::move(storage)).first->second;
    }

    std::pair<Tensor, const detail::TorchStorageType*> tensor_of(const std::string& name,
                                                                 const PickleValue& value,
                                                                 bool parameter_allowed) {
        if (value.kind != Kind::Call)
            fail("the value of '" + name + "' is " + detail::kind_name(value.kind) +
                 ", not a tensor");
        const std::string& function = value.items[0]->text;
        const PickleValue& args = *value.items[1];
        if (function == "torch._utils._rebuild_parameter" && parameter_allowed) {
            if (args.items.size() != 3)
                fail("tensor '" + name + "': _rebuild_parameter takes 3 arguments, not " +
                     std::to_string(args.items.size()));
            return tensor_of(name, *args.items[0], false);
        }
        if (function != "torch._utils._rebuild_tensor_v2")
            fail("the value of '" + name + "' is built by " + function + ", not a tensor");
        if (args.items.size() != 6 && args.items.size() != 7)
            fail("tensor '" + name + "': _rebuild_tensor_v2 takes 6 or 7 arguments, not " +
                 std::to_string(args.items.size()));
        if (args.items[0]->kind != Kind::PersistentId)
            fail("tensor '" + name + "': its storage is " + detail::kind_name(args.items[0]->kind) +
                 ", not a persistent id");
        const Storage& source = storage(name, *args.items[0]);
        const std::uint64_t offset = integer(name, *args.items[1], "storage offset");
        const auto sizes = integers(name, *args.items[2], "size");
        const auto strides = integers(name, *args.items[3], "stride");
        if (sizes.size() != strides.size())
            fail("tensor '" + name + "' has " + std::to_string(sizes.size()) + " sizes and " +
                 std::to_string(strides.size()) + " strides");
        check_extent(name, source, offset, sizes, strides);
        return {copy_out(source, offset, sizes, strides), source.type};
    }

    /// Every element the sizes and strides reach lies inside the storage, and the tensor has no
    /// more elements than the storage (an expanded, stride-0 tensor would be copied out whole).
    void check_extent(const std::string& name, const Storage& source, std::uint64_t offset,
                      const std::vector<std::uint64_t>& sizes,
                      const std::vector<std::uint64_t>& strides) const {
        std::uint64_t numel = 1;
        std::uint64_t last = offset;
        bool overflow = false;
        for (std::size_t d = 0; d < sizes.size(); ++d) {
            overflow |= __builtin_mul_overflow(numel, sizes[d], &numel);
            std::uint64_t reach = 0;
            if (sizes[d] > 0) overflow |= __builtin_mul_overflow(sizes[d] - 1, strides[d], &reach);
            overflow |= __builtin_add_overflow(last, reach, &last);
        }
        const std::string where = "tensor '" + name + "' (size " + shape_text(sizes) + ", stride " +
                                  shape_text(strides) + ", offset " + std::to_string(offset) + ")";
        if (overflow) fail(where + ": its extent overflows 64 bits");
        if (numel == 0) {
            if (offset > source.numel)
                fail(where + " starts past its storage of " + std::to_string(source.numel));
            return;
        }
        if (last >= source.numel)
            fail(where + " reaches element " + std::to_string(last) + " of a storage of " +
                 std::to_string(source.numel) + " elements");
        if (numel > source.numel)
            fail(where + " has " + std::to_string(numel) + " elements, more than its storage of " +
                 std::to_string(source.numel) + " (expanded tensors are not read)");
    }

    static std::string shape_text(const std::vector<std::uint64_t>& values) {
        std::string text = "(";
        for (std::size_t i = 0; i < values.size(); ++i)
            text += (i ? ", " : "") + std::to_string(values[i]);
        return text + ")";
    }

    template <class Source, class Target>
    void gather(const Storage& source, std::uint64_t offset,
                const std::vector<std::uint64_t>& sizes, const std::vector<std::uint64_t>& strides,
                Target* out, std::size_t numel) const {
        const auto* base = reinterpret_cast<const unsigned char*>(source.bytes.data());
        std::vector<std::uint64_t> index(sizes.size(), 0);
        std::uint64_t at = offset;
        for (std::size_t n = 0; n < numel; ++n) {
            Source v;
            std::memcpy(&v, base + at * sizeof(Source), sizeof(Source));
            if constexpr (std::is_same_v<Source, std::int64_t>) {
                if (v > (std::int64_t(1) << 53) || v < -(std::int64_t(1) << 53))
                    fail("an int64 value " + std::to_string(v) +
                         " is beyond 2^53, which a float64 cannot hold exactly");
            }
            out[n] = static_cast<Target>(v);
            for (std::size_t d = sizes.size(); d-- > 0;) {
                if (++index[d] < sizes[d]) {
                    at += strides[d];
                    break;
                }
                at -= strides[d] * (sizes[d] - 1);
                index[d] = 0;
            }
        }
    }

    Tensor copy_out(const Storage& source, std::uint64_t offset,
                    const std::vector<std::uint64_t>& sizes,
                    const std::vector<std::uint64_t>& strides) const {
        Shape shape(sizes.begin(), sizes.end());
        const std::string dtype = source.type->dtype;
        if (dtype == "float32") {
            xt::xarray<float> values = xt::empty<float>(shape);
            gather<float>(source, offset, sizes, strides, values.data(), values.size());
            return make_leaf(Array(std::move(values)));
        }
        xt::xarray<double> values = xt::empty<double>(shape);
        double* out = values.data();
        const std::size_t n = values.size();
        if (dtype == "float64") gather<double>(source, offset, sizes, strides, out, n);
        if (dtype == "int64") gather<std::int64_t>(source, offset, sizes, strides, out, n);
        if (dtype == "int32") gather<std::int32_t>(source, offset, sizes, strides, out, n);
        if (dtype == "int16") gather<std::int16_t>(source, offset, sizes, strides, out, n);
        if (dtype == "int8") gather<std::int8_t>(source, offset, sizes, strides, out, n);
        if (dtype == "uint8") gather<std::uint8_t>(source, offset, sizes, strides, out, n);
        if (dtype == "bool") gather<std::uint8_t>(source, offset, sizes, strides, out, n);
        if (dtype == "bool")
            for (std::size_t i = 0; i < n; ++i) out[i] = out[i] != 0;
        return make_leaf(Array(std::move(values)));
    }

    const detail::ZipReader& zip_;
    std::string what_;
    std::string prefix_;
    std::map<std::string, Storage> storages_;
};

/// torch.save's legacy format (before 1.6, or _use_new_zipfile_serialization=False) is a bare
/// pickle stream; say so rather than "not a zip archive".
void check_zip_magic(const unsigned char* head, std::size_t size, const std::string& what) {
    if (size < 4 || std::memcmp(head, "PK\x03\x04", 4) != 0)
        throw FormatError(what +
                          ": not a zip archive (torch.save's format since PyTorch 1.6; files "
                          "saved with _use_new_zipfile_serialization=False are not read)");
}

}  // namespace

StateDict parse_torch_state_dict(const unsigned char* bytes, std::size_t size,
                                 const std::string& name) {
    const std::string what = "torch state_dict '" + name + "'";
    check_zip_magic(bytes, size, what);
    const detail::ZipReader zip(bytes, size, what);
    return ArchiveReader(zip, what).read();
}

StateDict load_torch_state_dict(const std::string& path) {
    const std::string what = "torch state_dict '" + path + "'";
    {
        const detail::ReadFile file(path);
        unsigned char head[4] = {};
        check_zip_magic(head, file.read_at(head, 4, 0), what);
    }
    const detail::ZipReader zip(path, what);
    return ArchiveReader(zip, what).read();
}

}  // namespace xgrad::io
