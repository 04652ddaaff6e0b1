// Writes the seed corpus of the fuzz targets: small valid files of each format and a few broken
// ones (truncated, bad magic, inconsistent header), so the fuzzers start from every branch.
//   fuzz_make_seeds <tests/fuzz/corpus>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "resume_training.hpp"
#include "xgrad/data/csv.hpp"
#include "xgrad/data/idx.hpp"
#include "xgrad/io.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace {

namespace fs = std::filesystem;
using namespace xgrad;

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

Tensor values(const Shape& shape, DType dtype = DType::Float64) {
    std::size_t count = 1;
    for (auto d : shape) count *= d;
    return reshape(arange(0.0, static_cast<double>(count), 1.0, dtype), shape);
}

void idx_seeds(const fs::path& dir) {
    data::write_idx(dir / "labels-uint8", values({5}), data::IdxType::UInt8);
    data::write_idx(dir / "images-uint8.gz", values({3, 2, 2}), data::IdxType::UInt8, true);
    data::write_idx(dir / "int8", values({4}) - 2.0, data::IdxType::Int8);
    data::write_idx(dir / "int16", values({2, 3}) * 300.0, data::IdxType::Int16);
    data::write_idx(dir / "int32", values({2}) - 70000.0, data::IdxType::Int32);
    data::write_idx(dir / "float32", values({2, 2}) * 0.5, data::IdxType::Float32);
    data::write_idx(dir / "float64.gz", values({3}) / 3.0, data::IdxType::Float64, true);
    data::write_idx(dir / "empty", values({0, 4}), data::IdxType::UInt8);
    const std::string images = read_bytes(dir / "labels-uint8");
    write_bytes(dir / "bad-truncated", images.substr(0, images.size() - 2));
    write_bytes(dir / "bad-trailing", images + "x");
    write_bytes(dir / "bad-magic", std::string("\x00\x01\x08\x01\x00\x00\x00\x01\x07", 9));
    const std::string gz = read_bytes(dir / "images-uint8.gz");
    write_bytes(dir / "bad-gzip-cut.gz", gz.substr(0, gz.size() / 2));
}

void csv_seeds(const fs::path& dir) {
    write_bytes(dir / "plain.csv", "x,y,label\n1,2,0\n3.5,-4e2,1\n");
    write_bytes(dir / "quoted-crlf.csv", "\"a \"\"b\"\"\",\" c\"\r\n\r\n+1.5 , 2\r\ninf,-0\r\n");
    write_bytes(dir / "semicolon.csv", "f;label\n0.25;1\n1e-3;0\n");
    write_bytes(dir / "header-only.csv", "label\n");
    write_bytes(dir / "bad-cells.csv", "a,b\n1,2\n3\n");
    write_bytes(dir / "bad-number.csv", "a,b\n1,x2\n");
    write_bytes(dir / "bad-quote.csv", "a,\"b\n1,2\n");
    write_bytes(dir / "bad-duplicate.csv", "a,a\n1,2\n");
}

void safetensors_seeds(const fs::path& dir) {
    testing::TrainingRun run(1);
    run.train_epoch();
    const std::string checkpoint =
        io::serialize_safetensors(io::to_state_dict(io::capture(run.parts(), run.epoch, run.step)));
    write_bytes(dir / "checkpoint", checkpoint);
    write_bytes(dir / "bad-checkpoint-truncated", checkpoint.substr(0, checkpoint.size() - 5));

    io::Checkpoint empty;
    empty.epoch = 3;
    write_bytes(dir / "checkpoint-no-parts", io::serialize_safetensors(io::to_state_dict(empty)));

    StateDict plain;
    plain.tensors["scalar"] = values({});
    plain.tensors["empty"] = values({0, 3}, DType::Float32);
    plain.tensors["matrix"] = values({2, 2}, DType::Float32);
    plain.metadata["note"] = "not a checkpoint";
    write_bytes(dir / "state-dict", io::serialize_safetensors(plain));
    // 2 floats need 8 bytes, not [0, 4).
    const std::string json = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})";
    std::string length(8, '\0');
    length[0] = static_cast<char>(json.size());
    write_bytes(dir / "bad-offsets", length + json + std::string(8, '\0'));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: fuzz_make_seeds <corpus directory>\n";
        return 2;
    }
    const fs::path root = argv[1];
    for (const char* target : {"idx", "csv", "safetensors"}) fs::create_directories(root / target);
    idx_seeds(root / "idx");
    csv_seeds(root / "csv");
    safetensors_seeds(root / "safetensors");
    return 0;
}
