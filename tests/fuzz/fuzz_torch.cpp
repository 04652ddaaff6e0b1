// libFuzzer target: bytes as a PyTorch state_dict file (torch.save's zip archive), parsed by
// parse_torch_state_dict() (libzip, the restricted unpickler, the storage and stride checks) and
// loaded non-strictly into a small model. Bytes that do not start like a zip archive are taken
// for a data.pkl and packed into a valid archive with storage records data/0 ... data/3:
// a mutated archive mostly fails its CRC, and this way the pickle reader gets fuzzed too. A
// malformed file may only raise an xgrad::Error; a failed load must leave the model unchanged. Any
// other exception, a crash, a leak or a sanitizer report is a finding.
#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "xgrad/error.hpp"
#include "xgrad/io.hpp"
#include "xgrad/nn.hpp"

namespace {
/// An archive of `pickle` as archive/data.pkl and storages data/0..3 of 128, 32, 96 and 12
/// bytes: the storages of the mlp.pkl seed (torch's Linear(4, 8), Linear(8, 3)).
std::string archive_around(const std::uint8_t* pickle, std::size_t size) {
    static const std::string storage(128, '\x3f');
    zip_source_t* target = zip_source_buffer_create(nullptr, 0, 0, nullptr);
    zip_t* archive = zip_open_from_source(target, ZIP_TRUNCATE, nullptr);
    if (!archive) std::abort();
    zip_source_keep(target);
    zip_file_add(archive, "archive/data.pkl", zip_source_buffer(archive, pickle, size, 0), 0);
    const std::size_t sizes[] = {128, 32, 96, 12};
    for (int i = 0; i < 4; ++i)
        zip_file_add(archive, ("archive/data/" + std::to_string(i)).c_str(),
                     zip_source_buffer(archive, storage.data(), sizes[i], 0), 0);
    if (zip_close(archive) != 0) std::abort();
    zip_stat_t stat;
    zip_source_stat(target, &stat);
    std::string bytes(stat.size, '\0');
    zip_source_open(target);
    zip_source_read(target, bytes.data(), stat.size);
    zip_source_close(target);
    zip_source_free(target);
    return bytes;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string wrapped;
    if (size < 2 || std::memcmp(data, "PK", 2) != 0) {
        wrapped = archive_around(data, size);
        data = reinterpret_cast<const std::uint8_t*>(wrapped.data());
        size = wrapped.size();
    }
    xgrad::StateDict state;
    try {
        state = xgrad::io::parse_torch_state_dict(data, size, "fuzz");
    } catch (const xgrad::Error&) {
        return 0;
    }
    xgrad::nn::Sequential model(std::make_shared<xgrad::nn::Linear>(4, 8),
                                std::make_shared<xgrad::nn::ReLU>(),
                                std::make_shared<xgrad::nn::Linear>(8, 3));
    const std::string before = xgrad::io::serialize_torch_state_dict(model.state_dict());
    try {
        model.load_state_dict(state, false);
    } catch (const xgrad::Error&) {
        if (xgrad::io::serialize_torch_state_dict(model.state_dict()) != before) std::abort();
        return 0;
    }
    // What was read writes back and reads again to the same state (unless it holds values the
    // writer refuses, which it reports as an xgrad::Error).
    try {
        const std::string bytes = xgrad::io::serialize_torch_state_dict(state);
        const xgrad::StateDict again = xgrad::io::parse_torch_state_dict(
            reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), "rewritten");
        if (again.tensors.size() != state.tensors.size() || again.metadata != state.metadata)
            std::abort();
    } catch (const xgrad::Error&) {
    }
    return 0;
}
