// libFuzzer target: bytes as a CSV file, read by read_csv() with and without a label column. A
// malformed file may only raise an xgrad::Error; any other exception, a crash, a leak or a
// sanitizer report is a finding.
#include <cstddef>
#include <cstdint>

#include "memory_file.hpp"
#include "xgrad/data/csv.hpp"
#include "xgrad/error.hpp"

namespace {
void read(const std::string& path, const xgrad::data::CsvOptions& options) {
    try {
        const xgrad::data::CsvTable table = xgrad::data::read_csv(path, options);
        // The shapes must agree with the column names whatever the input was.
        const std::size_t rows = table.features.shape()[0];
        if (table.features.shape()[1] != table.feature_names.size()) std::abort();
        if (!options.label_column().empty() && table.labels.shape() != xgrad::Shape{rows})
            std::abort();
    } catch (const xgrad::Error&) {
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static xgrad::fuzz::MemoryFile file;
    file.assign(data, size);
    read(file.path(), {});
    read(file.path(), {"label", ';', xgrad::DType::Float64});
    return 0;
}
