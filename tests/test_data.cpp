// data: TensorDataset, DataLoader coverage and order with each descent variant, IDX round trips
// (plain and gzipped, in memory and streamed) and every malformed-file case, CSV round trips and
// errors, and Fashion-MNIST from Debian's package.
#include <stdlib.h>
#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>

#include "helpers.hpp"
#include "xgrad/data.hpp"

using namespace xgrad;
using namespace xgrad::data;

namespace {

/// A fresh directory under the system's temp dir, removed with everything in it.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "xgrad-data-XXXXXX").string();
        BOOST_REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

std::vector<unsigned char> read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<unsigned char>(std::istreambuf_iterator<char>(in), {});
}

void write_gzip(const std::string& path, const std::vector<unsigned char>& bytes) {
    gzFile file = gzopen(path.c_str(), "wb");
    BOOST_REQUIRE(file != nullptr);
    BOOST_REQUIRE(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())) ==
                  static_cast<int>(bytes.size()));
    BOOST_REQUIRE(gzclose(file) == Z_OK);
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

/// Inputs (n, 2, 3) with input i holding 100 i + j, targets i % 7: every row identifies itself.
std::shared_ptr<TensorDataset> numbered(std::size_t n, DType dtype = DType::Float32) {
    auto inputs = xt::xarray<double>::from_shape({n, 2, 3});
    auto targets = xt::xarray<double>::from_shape({n});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < 6; ++j) inputs.data()[i * 6 + j] = 100.0 * i + j;
        targets(i) = static_cast<double>(i % 7);
    }
    if (dtype == DType::Float64)
        return std::make_shared<TensorDataset>(Tensor(inputs), Tensor(targets));
    return std::make_shared<TensorDataset>(Tensor(xt::xarray<float>(xt::cast<float>(inputs))),
                                           Tensor(xt::xarray<float>(xt::cast<float>(targets))));
}

/// The example index each row of a batch came from (see numbered()).
std::vector<std::size_t> indices_of(const Batch& batch) {
    std::vector<std::size_t> result;
    const auto values = batch.inputs.to_vector();
    const auto targets = batch.targets.to_vector();
    for (std::size_t r = 0; r < batch.size(); ++r) {
        const auto index = static_cast<std::size_t>(values[r * 6] / 100.0);
        for (std::size_t j = 0; j < 6; ++j) BOOST_TEST(values[r * 6 + j] == 100.0 * index + j);
        BOOST_TEST(targets[r] == static_cast<double>(index % 7));
        result.push_back(index);
    }
    return result;
}

/// The examples of each batch of one epoch, by iterating the loader.
std::vector<std::vector<std::size_t>> walk(DataLoader& loader) {
    std::vector<std::vector<std::size_t>> batches;
    for (const Batch& batch : loader) batches.push_back(indices_of(batch));
    return batches;
}

std::vector<std::size_t> flat(const std::vector<std::vector<std::size_t>>& batches) {
    std::vector<std::size_t> all;
    for (const auto& b : batches) all.insert(all.end(), b.begin(), b.end());
    return all;
}

std::vector<std::size_t> iota(std::size_t n) {
    std::vector<std::size_t> v(n);
    std::iota(v.begin(), v.end(), std::size_t{0});
    return v;
}

/// Images (n, 4, 3) of uint8 values (i * 7 + j) % 256 and labels i % 10, as IDX bytes.
std::vector<unsigned char> idx_images(std::size_t n) {
    std::vector<unsigned char> bytes{0, 0, 0x08, 3, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 3};
    bytes[4] = static_cast<unsigned char>(n >> 24);
    bytes[5] = static_cast<unsigned char>(n >> 16);
    bytes[6] = static_cast<unsigned char>(n >> 8);
    bytes[7] = static_cast<unsigned char>(n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < 12; ++j)
            bytes.push_back(static_cast<unsigned char>((i * 7 + j) % 256));
    return bytes;
}

std::vector<unsigned char> idx_labels(std::size_t n) {
    std::vector<unsigned char> bytes{0, 0, 0x08, 1, 0, 0, 0, 0};
    bytes[6] = static_cast<unsigned char>(n >> 8);
    bytes[7] = static_cast<unsigned char>(n);
    for (std::size_t i = 0; i < n; ++i) bytes.push_back(static_cast<unsigned char>(i % 10));
    return bytes;
}

/// Runs `load` and checks it throws FormatError mentioning every fragment.
template <class Load>
void check_format_error(Load&& load, const std::vector<std::string>& fragments) {
    try {
        load();
        BOOST_ERROR("expected a FormatError mentioning '" << fragments.front() << "'");
    } catch (const FormatError& error) {
        const std::string message = error.what();
        for (const auto& fragment : fragments)
            BOOST_TEST(message.find(fragment) != std::string::npos,
                       "'" << fragment << "' not in: " << message);
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(data)

BOOST_AUTO_TEST_CASE(tensor_dataset_examples_and_batches) {
    const auto dataset = numbered(5);
    BOOST_TEST(dataset->size() == 5u);
    BOOST_TEST(dataset->input_shape() == (Shape{2, 3}));
    BOOST_TEST(dataset->target_shape() == Shape{});
    const Example example = dataset->get(3);
    BOOST_TEST(example.input.shape() == (Shape{2, 3}));
    BOOST_TEST(example.target.dim() == 0u);
    BOOST_TEST(example.input.to_vector()[5] == 305.0);
    BOOST_TEST(example.target.item() == 3.0);
    const Batch batch = dataset->get_batch({4, 0, 4});
    BOOST_TEST(batch.inputs.shape() == (Shape{3, 2, 3}));
    BOOST_TEST(indices_of(batch) == (std::vector<std::size_t>{4, 0, 4}),
               boost::test_tools::per_element());
    BOOST_TEST(batch.labels() == (IndexArray{4, 0, 4}));
    // The batch is a copy: changing it leaves the dataset alone.
    Tensor inputs = batch.inputs;
    inputs.value<float>()(0, 0, 0) = -1.0f;
    BOOST_TEST(dataset->get(4).input.to_vector()[0] == 400.0);
    XGRAD_CHECK_THROWS(dataset->get(5), IndexError, "index 5");
    XGRAD_CHECK_THROWS(TensorDataset(zeros({3, 2}), zeros({4})), ShapeError, "(4,)");
    XGRAD_CHECK_THROWS(TensorDataset(zeros({3, 2}), zeros({3}, DType::Float64)), DTypeError,
                       "float64");
    const Batch fractional{zeros({2}), Tensor({1.0, 0.5})};
    XGRAD_CHECK_THROWS(fractional.labels(), ValueError, "whole number");
}

BOOST_AUTO_TEST_CASE(sequential_loader_covers_in_order) {
    DataLoader loader(numbered(10), DataLoaderOptions(4));
    BOOST_TEST(loader.size() == 3u);
    const auto batches = walk(loader);
    BOOST_REQUIRE_EQUAL(batches.size(), 3u);
    BOOST_TEST(batches[2].size() == 2u);
    BOOST_TEST(flat(batches) == iota(10), boost::test_tools::per_element());
    DataLoader dropping(numbered(10), DataLoaderOptions(4).drop_last(true));
    BOOST_TEST(dropping.size() == 2u);
    BOOST_TEST(flat(walk(dropping)) == iota(8), boost::test_tools::per_element());
    DataLoader whole(numbered(10), DataLoaderOptions(0));
    BOOST_TEST(whole.size() == 1u);
    BOOST_TEST(flat(walk(whole)) == iota(10), boost::test_tools::per_element());
    XGRAD_CHECK_THROWS(DataLoader(nullptr), ValueError, "null");
}

BOOST_AUTO_TEST_CASE(shuffled_loader_visits_each_example_once_per_epoch) {
    DataLoader loader(numbered(23), DataLoaderOptions(5).shuffle(true).seed(42));
    BOOST_TEST(loader.size() == 5u);
    const auto first = walk(loader);
    const auto second = walk(loader);
    BOOST_TEST(loader.current_epoch() == 2u);
    for (const auto& epoch : {first, second}) {
        auto all = flat(epoch);
        BOOST_TEST(all != iota(23));  // shuffled
        std::sort(all.begin(), all.end());
        BOOST_TEST(all == iota(23), boost::test_tools::per_element());  // each exactly once
        BOOST_TEST(epoch.back().size() == 3u);
    }
    BOOST_TEST(flat(first) != flat(second));  // a new order every epoch
    // The order is a function of (seed, epoch): a fresh loader replays it, epoch(e) too.
    DataLoader replay(numbered(23), DataLoaderOptions(5).shuffle(true).seed(42));
    BOOST_TEST(flat(walk(replay)) == flat(first), boost::test_tools::per_element());
    BOOST_TEST(flat(replay.batches(0)) == flat(first), boost::test_tools::per_element());
    std::vector<std::vector<std::size_t>> from_epoch;
    for (const Batch& batch : replay.epoch(1)) from_epoch.push_back(indices_of(batch));
    BOOST_TEST(flat(from_epoch) == flat(second), boost::test_tools::per_element());
    BOOST_TEST(indices_of(replay.epoch(1)[4]) == second[4], boost::test_tools::per_element());
    XGRAD_CHECK_THROWS(replay.epoch(1)[5], IndexError, "out of range");
    DataLoader other_seed(numbered(23), DataLoaderOptions(5).shuffle(true).seed(43));
    BOOST_TEST(flat(walk(other_seed)) != flat(first));
    DataLoader dropping(numbered(23), DataLoaderOptions(5).shuffle(true).seed(42).drop_last(true));
    const auto dropped = walk(dropping);
    BOOST_TEST(dropped.size() == 4u);
    for (const auto& b : dropped) BOOST_TEST(b.size() == 5u);
}

BOOST_AUTO_TEST_CASE(loader_follows_the_optimizer_descent_variants) {
    const auto dataset = numbered(12);
    // Batch gradient descent: one batch, the whole set in order, every epoch.
    DataLoader batch(dataset, BatchSampler::batch(12));
    BOOST_TEST(batch.size() == 1u);
    BOOST_TEST(walk(batch).front() == iota(12), boost::test_tools::per_element());
    // Stochastic: 12 batches of one example, a permutation, as the sampler orders it.
    const auto stochastic_sampler = BatchSampler::stochastic(12, 5);
    DataLoader stochastic(dataset, stochastic_sampler);
    const auto walked = walk(stochastic);
    BOOST_TEST(walked.size() == 12u);
    const auto order = stochastic_sampler.order(0);
    for (std::size_t i = 0; i < 12; ++i) BOOST_TEST(walked[i].front() == std::size_t(order[i]));
    // Mini-batch: the sampler's batches, exactly.
    const auto mini_sampler = BatchSampler::mini_batch(12, 5, false, 9);
    DataLoader mini(dataset, mini_sampler);
    mini.set_epoch(3);
    const auto mini_batches = walk(mini);
    const auto expected = mini_sampler.epoch(3);
    BOOST_REQUIRE_EQUAL(mini_batches.size(), expected.size());
    for (std::size_t b = 0; b < expected.size(); ++b)
        BOOST_TEST(
            mini_batches[b] == std::vector<std::size_t>(expected[b].begin(), expected[b].end()),
            boost::test_tools::per_element());
    // The options form uses the same sampler.
    DataLoader from_options(dataset, DataLoaderOptions(5).shuffle(true).seed(9));
    BOOST_TEST(flat(from_options.batches(3)) == flat(mini_batches),
               boost::test_tools::per_element());
    XGRAD_CHECK_THROWS(DataLoader(dataset, BatchSampler::batch(11)), ValueError, "11 examples");
}

BOOST_AUTO_TEST_CASE(loader_state_resumes_the_epoch_sequence) {
    DataLoader loader(numbered(9), DataLoaderOptions(4).shuffle(true).seed(7));
    walk(loader);
    walk(loader);
    const StateDict state = loader.state_dict();
    const auto third = walk(loader);
    DataLoader resumed(numbered(9), DataLoaderOptions(4).shuffle(true).seed(7));
    resumed.load_state_dict(state);
    BOOST_TEST(resumed.current_epoch() == 2u);
    BOOST_TEST(flat(walk(resumed)) == flat(third), boost::test_tools::per_element());
    DataLoader different(numbered(9), DataLoaderOptions(4).shuffle(true).seed(8));
    XGRAD_CHECK_THROWS(different.load_state_dict(state), ValueError, "'seed'");
    StateDict bad = state;
    bad.metadata["epoch"] = "-1";
    XGRAD_CHECK_THROWS(resumed.load_state_dict(bad), ValueError, "not a count");
    BOOST_TEST(resumed.current_epoch() == 3u);
}

BOOST_AUTO_TEST_CASE(idx_round_trip_every_type_plain_and_gzipped) {
    TempDir dir;
    const Tensor values({{1, -2, 3}, {4, 5, -128}}, DType::Float64);
    for (IdxType type :
         {IdxType::Int8, IdxType::Int16, IdxType::Int32, IdxType::Float32, IdxType::Float64}) {
        for (bool compress : {false, true}) {
            const std::string path =
                dir.file(std::string(idx_type_name(type)) + (compress ? ".gz" : ""));
            write_idx(path, values, type, compress);
            const auto bytes = read_bytes(path);
            BOOST_TEST((bytes[0] == 0x1f) == compress);
            const Tensor back = read_idx(path, DType::Float64);
            BOOST_TEST(back.shape() == values.shape());
            BOOST_TEST(back.to_vector() == values.to_vector(), boost::test_tools::per_element());
        }
    }
    // Fractions survive float types; uint8 is checked for range.
    const Tensor fractions({0.25, -1.5e10, 3.0}, DType::Float64);
    write_idx(dir.file("f64"), fractions, IdxType::Float64);
    BOOST_TEST(read_idx(dir.file("f64"), DType::Float64).to_vector() == fractions.to_vector(),
               boost::test_tools::per_element());
    XGRAD_CHECK_THROWS(write_idx(dir.file("u8"), fractions, IdxType::UInt8), ValueError,
                       "not representable");
    // Known bytes: the header is big-endian.
    write_idx(dir.file("int16"), Tensor({258.0, -2.0}, DType::Float64), IdxType::Int16);
    BOOST_TEST(read_bytes(dir.file("int16")) ==
                   (std::vector<unsigned char>{0, 0, 0x0B, 1, 0, 0, 0, 2, 0x01, 0x02, 0xFF, 0xFE}),
               boost::test_tools::per_element());
    // Scale and dtype.
    write_bytes(dir.file("images"), idx_images(3));
    const Tensor scaled = read_idx(dir.file("images"), DType::Float32, 1.0 / 255.0);
    BOOST_TEST(scaled.dtype() == DType::Float32);
    BOOST_TEST(scaled.shape() == (Shape{3, 4, 3}));
    BOOST_TEST(scaled.to_vector()[13] == static_cast<double>(static_cast<float>(8.0 / 255.0)));
}

BOOST_AUTO_TEST_CASE(idx_writer_counts_values) {
    TempDir dir;
    IdxWriter writer(dir.file("w"), IdxType::UInt8, {2, 2});
    const std::uint8_t bytes[] = {1, 2, 3};
    writer.write_bytes(bytes, 3);
    XGRAD_CHECK_THROWS(writer.write_bytes(bytes, 2), ValueError, "exceed");
    XGRAD_CHECK_THROWS(writer.close(), ValueError, "3 of 4");
    XGRAD_CHECK_THROWS(IdxWriter(dir.file("x"), IdxType::UInt8, Shape{}), ValueError, "dimensions");
    IdxWriter wide(dir.file("y"), IdxType::Int32, {1});
    XGRAD_CHECK_THROWS(wide.write_bytes(bytes, 1), ValueError, "one-byte");
}

BOOST_AUTO_TEST_CASE(idx_streaming_reads_the_same_rows) {
    TempDir dir;
    const std::size_t n = 300;
    write_gzip(dir.file("images.gz"), idx_images(n));
    write_bytes(dir.file("labels"), idx_labels(n));
    const std::string cache = dir.file("cache");
    const auto memory_options = IdxOptions().input_scale(0.5);
    IdxOptions stream_options = IdxOptions(memory_options).streaming(true).cache_dir(cache);
    const auto memory =
        std::make_shared<IdxDataset>(dir.file("images.gz"), dir.file("labels"), memory_options);
    const auto streamed =
        std::make_shared<IdxDataset>(dir.file("images.gz"), dir.file("labels"), stream_options);
    BOOST_TEST(streamed->size() == n);
    BOOST_TEST(streamed->input_shape() == (Shape{4, 3}));
    // The gzipped file was decompressed once into the cache; a second open reuses it.
    std::vector<std::filesystem::path> cached;
    for (const auto& entry : std::filesystem::directory_iterator(cache))
        cached.push_back(entry.path());
    BOOST_REQUIRE_EQUAL(cached.size(), 1u);
    const auto written = std::filesystem::last_write_time(cached[0]);
    IdxFile again(dir.file("images.gz"), cache);
    BOOST_TEST(again.data_path() == cached[0].string());
    BOOST_TEST((std::filesystem::last_write_time(cached[0]) == written));
    BOOST_TEST(IdxFile(dir.file("labels"), cache).data_path() == dir.file("labels"));

    // Shuffled batches (scattered reads) and sequential ones (coalesced runs) agree.
    for (const bool shuffle : {true, false}) {
        DataLoader a(memory, DataLoaderOptions(32).shuffle(shuffle).seed(3));
        DataLoader b(streamed, DataLoaderOptions(32).shuffle(shuffle).seed(3));
        auto ia = a.begin();
        for (auto ib = b.begin(); ib != b.end(); ++ia, ++ib) {
            BOOST_TEST(ia->inputs.to_vector() == ib->inputs.to_vector(),
                       boost::test_tools::per_element());
            BOOST_TEST(ia->targets.to_vector() == ib->targets.to_vector(),
                       boost::test_tools::per_element());
        }
    }
    const Example e = streamed->get(37);
    BOOST_TEST(e.input.to_vector()[2] == 0.5 * ((37 * 7 + 2) % 256));
    BOOST_TEST(e.target.item() == 7.0);
    // float64 streaming, and the raw IdxFile API.
    stream_options.dtype(DType::Float64);
    IdxDataset wide(dir.file("images.gz"), dir.file("labels"), stream_options);
    BOOST_TEST(wide.get(299).input.dtype() == DType::Float64);
    BOOST_TEST(wide.get(299).input.to_vector()[11] == 0.5 * ((299 * 7 + 11) % 256));
    float row[12];
    const std::size_t index = 5;
    again.read_items(&index, 1, row);
    BOOST_TEST(row[1] == static_cast<float>((5 * 7 + 1) % 256));
    const std::size_t bad = n;
    XGRAD_CHECK_THROWS(again.read_items(&bad, 1, row), IndexError, "item 300");
}

BOOST_AUTO_TEST_CASE(idx_malformed_files_name_file_and_offset) {
    TempDir dir;
    const std::string cache = dir.file("cache");
    // Every case is checked by the whole-file reader and by the streaming reader.
    const auto both = [&](const std::string& path, const std::vector<std::string>& fragments) {
        std::vector<std::string> with_name = fragments;
        with_name.push_back(path);
        check_format_error([&] { read_idx(path); }, with_name);
        check_format_error([&] { IdxFile(path, cache); }, with_name);
    };
    auto images = idx_images(10);

    auto bad_magic = images;
    bad_magic[0] = 0x12;
    write_bytes(dir.file("magic"), bad_magic);
    both(dir.file("magic"), {"bad magic number 0x12000803", "byte 0"});
    auto bad_type = images;
    bad_type[2] = 0x07;
    write_bytes(dir.file("type"), bad_type);
    both(dir.file("type"), {"bad magic number", "type code"});
    write_bytes(dir.file("empty"), {});
    both(dir.file("empty"), {"truncated header", "ends at byte 0"});
    write_bytes(dir.file("short_header"),
                std::vector<unsigned char>(images.begin(), images.begin() + 10));
    both(dir.file("short_header"), {"truncated header", "ends at byte 10", "16 bytes"});
    write_bytes(dir.file("truncated"),
                std::vector<unsigned char>(images.begin(), images.end() - 5));
    both(dir.file("truncated"), {"truncated data", "need 136 bytes", "ends at byte 131", "item 9"});
    auto trailing = images;
    trailing.push_back(0);
    trailing.push_back(0);
    write_bytes(dir.file("trailing"), trailing);
    both(dir.file("trailing"), {"2 unexpected bytes", "from byte 136"});
    // No data (a zero dimension), but dimensions whose strides overflow (found by fuzzing).
    write_bytes(dir.file("zero_dim"),
                {0, 0, 0x0D, 4, 0, 0, 0, 2, 0, 0, 0, 0, 0x7F, 0, 0, 0, 0x7F, 0, 0, 0});
    both(dir.file("zero_dim"), {"dimension 3", "at byte 16", "overflow"});
    // The same in a gzipped file: offsets count decompressed bytes.
    write_gzip(dir.file("truncated.gz"),
               std::vector<unsigned char>(images.begin(), images.end() - 5));
    both(dir.file("truncated.gz"), {"truncated data", "ends at byte 131"});
    // A gzip stream cut short.
    write_gzip(dir.file("cut.gz"), images);
    auto compressed = read_bytes(dir.file("cut.gz"));
    compressed.resize(compressed.size() - 12);
    write_bytes(dir.file("cut.gz"), compressed);
    both(dir.file("cut.gz"), {"corrupt gzip stream", "compressed byte"});
    // The corrupt stream left no cache file, complete or partial.
    for (const auto& entry : std::filesystem::directory_iterator(cache))
        BOOST_TEST(entry.path().filename().string().rfind("cut", 0) != 0, entry.path());

    // Images and labels that disagree.
    write_bytes(dir.file("images"), images);
    write_bytes(dir.file("labels9"), idx_labels(9));
    write_bytes(dir.file("labels2d"), images);
    for (const bool streaming : {false, true}) {
        const auto options = IdxOptions().streaming(streaming).cache_dir(cache);
        check_format_error([&] { IdxDataset(dir.file("images"), dir.file("labels9"), options); },
                           {dir.file("images"), "10 items", dir.file("labels9"), "9 labels"});
        check_format_error([&] { IdxDataset(dir.file("images"), dir.file("labels2d"), options); },
                           {dir.file("labels2d"), "one dimension", "(10, 4, 3)"});
    }
    XGRAD_CHECK_THROWS(read_idx(dir.file("missing")), IOError, "missing");
}

BOOST_AUTO_TEST_CASE(csv_round_trip_with_a_named_label_column) {
    TempDir dir;
    write_text(dir.file("iris.csv"),
               "sepal length, \"species\",width\r\n"
               "5.1, 0, 3.5\r\n"
               "\n"
               "+4.9,1,-3e-2\r\n"
               "\"6.0\",2,1e3\n");
    const CsvTable table = read_csv(dir.file("iris.csv"), CsvOptions{"species"});
    BOOST_TEST(table.feature_names == (std::vector<std::string>{"sepal length", "width"}),
               boost::test_tools::per_element());
    BOOST_TEST(table.label_name == "species");
    BOOST_TEST(table.features.shape() == (Shape{3, 2}));
    BOOST_TEST(
        table.features.to_vector() == (std::vector<double>{5.1f, 3.5f, 4.9f, -3e-2f, 6.0f, 1e3f}),
        boost::test_tools::per_element());
    BOOST_TEST(table.labels.to_vector() == (std::vector<double>{0, 1, 2}),
               boost::test_tools::per_element());

    // Write and read back: same names and bit-identical values, in both dtypes.
    for (DType dtype : {DType::Float32, DType::Float64}) {
        CsvTable out;
        out.feature_names = {"a", "b,c", "q\"uote"};
        out.label_name = "y";
        out.features = testing::uniform({4, 3}, 8, -1e3, 1e3, false).to(dtype);
        out.labels = Tensor({1.0, 0.0, 2.0, 1.0}, dtype);
        write_csv(dir.file("out.csv"), out);
        const CsvTable back = read_csv(dir.file("out.csv"), CsvOptions("y").dtype(dtype));
        BOOST_TEST(back.feature_names == out.feature_names, boost::test_tools::per_element());
        BOOST_TEST(back.features.to_vector() == out.features.to_vector(),
                   boost::test_tools::per_element());
        BOOST_TEST(back.labels.to_vector() == out.labels.to_vector(),
                   boost::test_tools::per_element());
    }
    // Without a label column every column is a feature; other delimiters.
    write_text(dir.file("semi.csv"), "x;y\n1;2\n3;4\n");
    const CsvTable semi = read_csv(dir.file("semi.csv"), CsvOptions().delimiter(';'));
    BOOST_TEST(semi.features.shape() == (Shape{2, 2}));
    BOOST_TEST(!semi.labels.defined());
    // Into a dataset and a loader.
    const auto dataset = std::make_shared<TensorDataset>(table.features, table.labels);
    BOOST_TEST(DataLoader(dataset, DataLoaderOptions{2}).epoch(0)[1].labels() == (IndexArray{2}));
}

BOOST_AUTO_TEST_CASE(csv_errors_name_file_line_and_column) {
    TempDir dir;
    write_text(dir.file("bad.csv"), "a,b,label\n1,2,0\n3,x4,1\n");
    check_format_error([&] { read_csv(dir.file("bad.csv"), CsvOptions{"label"}); },
                       {dir.file("bad.csv"), "line 3", "column 2 ('b')", "'x4' is not a number"});
    write_text(dir.file("empty_cell.csv"), "a,b\n1,\n");
    check_format_error([&] { read_csv(dir.file("empty_cell.csv")); }, {"line 2", "'' is not"});
    write_text(dir.file("ragged.csv"), "a,b\n1,2\n\n1,2,3\n");
    check_format_error([&] { read_csv(dir.file("ragged.csv")); },
                       {dir.file("ragged.csv"), "line 4", "3 cells", "2 columns"});
    write_text(dir.file("empty.csv"), "\n\n");
    check_format_error([&] { read_csv(dir.file("empty.csv")); }, {"no header line"});
    write_text(dir.file("dup.csv"), "a,a\n1,2\n");
    check_format_error([&] { read_csv(dir.file("dup.csv")); }, {"line 1", "'a' appears twice"});
    write_text(dir.file("quote.csv"), "a,\"b\n1,2\n");
    check_format_error([&] { read_csv(dir.file("quote.csv")); }, {"line 1", "unclosed quote"});
    write_text(dir.file("ok.csv"), "a,b\n1,2\n");
    XGRAD_CHECK_THROWS(read_csv(dir.file("ok.csv"), CsvOptions{"label"}), ValueError,
                       "the columns are 'a', 'b'");
    XGRAD_CHECK_THROWS(read_csv(dir.file("none.csv")), IOError, "none.csv");
}

BOOST_AUTO_TEST_CASE(fashion_mnist_location_and_contents) {
    // Directory resolution: argument, then environment variable, then Debian's path.
    const char* saved = std::getenv(kFashionMnistDirEnv);
    const std::string previous = saved ? saved : "";
    ::unsetenv(kFashionMnistDirEnv);
    BOOST_TEST(fashion_mnist_dir() == "/usr/share/datasets/fashion-mnist");
    ::setenv(kFashionMnistDirEnv, "/elsewhere", 1);
    BOOST_TEST(fashion_mnist_dir() == "/elsewhere");
    BOOST_TEST(fashion_mnist_dir("/flag") == "/flag");
    XGRAD_CHECK_THROWS(fashion_mnist(Split::Test), IOError, "/elsewhere/t10k-images-idx3-ubyte");
    if (saved)
        ::setenv(kFashionMnistDirEnv, previous.c_str(), 1);
    else
        ::unsetenv(kFashionMnistDirEnv);
    BOOST_TEST(std::string(fashion_mnist_classes()[9]) == "Ankle boot");

    if (!std::filesystem::exists(std::string(kFashionMnistDefaultDir) +
                                 "/t10k-images-idx3-ubyte.gz")) {
        BOOST_TEST_MESSAGE("dataset-fashion-mnist is not installed: skipping its contents");
        return;
    }
    TempDir dir;
    IdxOptions options = fashion_mnist_options();
    options.streaming(true);
    options.cache_dir(dir.file("cache"));
    const auto test = fashion_mnist(Split::Test, options, kFashionMnistDefaultDir);
    BOOST_TEST(test->size() == 10000u);
    BOOST_TEST(test->input_shape() == (Shape{28, 28}));
    DataLoader loader(test, DataLoaderOptions{1000});
    std::vector<std::size_t> per_class(10, 0);
    double low = 1.0, high = 0.0;
    for (const Batch& batch : loader) {
        for (auto label : batch.labels()) per_class.at(static_cast<std::size_t>(label))++;
        for (double v : batch.inputs.to_vector()) {
            low = std::min(low, v);
            high = std::max(high, v);
        }
    }
    for (std::size_t c = 0; c < 10; ++c) BOOST_TEST(per_class[c] == 1000u);  // balanced test set
    BOOST_TEST(low == 0.0);
    BOOST_TEST(high == 1.0);
}

BOOST_AUTO_TEST_SUITE_END()
