// checkpoint: safetensors round trips and layout, every malformed-file case, atomic writes (also
// when the process dies mid-write), module loads that fail half way without changing the model,
// training checkpoints and exact resume.
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "resume_training.hpp"
#include "xgrad/io.hpp"
#include "xgrad/nn.hpp"
#include "xgrad/optim/sgd.hpp"

using namespace xgrad;
using xgrad::testing::bits;

namespace {

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "xgrad-ckpt-XXXXXX").string();
        BOOST_REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string file(const std::string& name) const { return (path / name).string(); }
    std::size_t entries() const {
        return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(path),
                                                      std::filesystem::directory_iterator()));
    }
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

/// A safetensors file from a header text and raw data (header length written as given unless
/// `length` overrides it).
std::string craft(const std::string& header, const std::string& data,
                  std::uint64_t length = std::numeric_limits<std::uint64_t>::max()) {
    const std::uint64_t n =
        length == std::numeric_limits<std::uint64_t>::max() ? header.size() : length;
    std::string bytes(8, '\0');
    std::memcpy(bytes.data(), &n, 8);
    return bytes + header + data;
}

std::string floats(std::initializer_list<float> values) {
    std::string bytes(values.size() * 4, '\0');
    std::memcpy(bytes.data(), values.begin(), bytes.size());
    return bytes;
}

bool same_values(const StateDict& a, const StateDict& b) {
    if (a.tensors.size() != b.tensors.size()) return false;
    for (const auto& [name, tensor] : a.tensors) {
        const auto other = b.tensors.find(name);
        if (other == b.tensors.end() || other->second.dtype() != tensor.dtype() ||
            other->second.shape() != tensor.shape() || bits(other->second) != bits(tensor))
            return false;
    }
    return true;
}

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

StateDict sample_state() {
    StateDict state;
    xt::xarray<float> special = {{1.5f, -0.0f, std::numeric_limits<float>::quiet_NaN()},
                                 {std::numeric_limits<float>::infinity(), 1e-45f, -3.25e38f}};
    state.tensors["layer.weight"] = Tensor(special);
    state.tensors["layer.bias"] = testing::uniform({5}, 3, -1, 1, false);  // float64
    state.tensors["scalar"] = Tensor(2.5);
    state.tensors["empty"] = zeros({0, 4});
    state.metadata["epoch"] = "3";
    state.metadata["note"] = "quotes \" and \\ and ünïcode";
    return state;
}

struct Net : nn::Module {
    std::shared_ptr<nn::Linear> fc1, fc2;
    Net() {
        fc1 = register_module("fc1", std::make_shared<nn::Linear>(4, 3));
        fc2 = register_module("fc2", std::make_shared<nn::Linear>(3, 2));
    }
    Tensor forward(const Tensor& x) override { return (*fc2)(relu((*fc1)(x))); }
};

/// Parameters of a module as raw bytes, to check that a failed load changed nothing.
std::vector<std::string> snapshot(const nn::Module& module) {
    std::vector<std::string> result;
    for (const auto& p : module.parameters()) result.push_back(bits(p));
    return result;
}

/// Runs `body` in a child process and returns its wait status.
template <class Body>
int in_child(Body&& body) {
    const pid_t pid = ::fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
        int code = 1;
        try {
            code = body();
        } catch (...) {
            code = 3;
        }
        ::_exit(code);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(checkpoint)

BOOST_AUTO_TEST_CASE(safetensors_round_trip_is_bit_exact) {
    TempDir dir;
    const StateDict state = sample_state();
    io::save_safetensors(dir.file("a.safetensors"), state);
    const StateDict back = io::load_safetensors(dir.file("a.safetensors"));
    BOOST_TEST(same_values(state, back));
    BOOST_TEST(back.tensors.at("layer.bias").dtype() == DType::Float64);
    BOOST_TEST(back.tensors.at("scalar").dim() == 0u);
    BOOST_TEST(back.tensors.at("empty").shape() == (Shape{0, 4}));
    BOOST_TEST((back.metadata == state.metadata));
    // In memory too, and an empty state dict.
    const std::string bytes = io::serialize_safetensors(state);
    BOOST_TEST(bytes == read_file(dir.file("a.safetensors")));
    BOOST_TEST(same_values(
        io::parse_safetensors(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()),
        state));
    io::save_safetensors(dir.file("empty.safetensors"), StateDict{});
    BOOST_TEST(io::load_safetensors(dir.file("empty.safetensors")).tensors.empty());
}

BOOST_AUTO_TEST_CASE(file_layout_follows_the_safetensors_spec) {
    StateDict state;
    state.tensors["b"] = Tensor({1.0, 2.0}, DType::Float32);
    state.tensors["a"] = Tensor({{3.0}, {4.0}, {5.0}}, DType::Float64);
    state.metadata["k"] = "v";
    const std::string bytes = io::serialize_safetensors(state);
    std::uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);  // little-endian u64 (this host is little-endian)
    BOOST_TEST(n % 8 == 0u);           // data starts 8-byte aligned
    const auto header = nlohmann::json::parse(bytes.substr(8, n));
    BOOST_TEST(header["__metadata__"]["k"] == "v");
    BOOST_TEST(header["a"]["dtype"] == "F64");
    BOOST_TEST(header["a"]["shape"] == nlohmann::json::array({3, 1}));
    BOOST_TEST(header["a"]["data_offsets"] == nlohmann::json::array({0, 24}));  // F64 first
    BOOST_TEST(header["b"]["dtype"] == "F32");
    BOOST_TEST(header["b"]["data_offsets"] == nlohmann::json::array({24, 32}));
    BOOST_TEST(bytes.size() == 8 + n + 32);
    double a[3];
    std::memcpy(a, bytes.data() + 8 + n, 24);
    BOOST_TEST(a[2] == 5.0);
    float b[2];
    std::memcpy(b, bytes.data() + 8 + n + 24, 8);
    BOOST_TEST(b[1] == 2.0f);
    // A file written by hand (another writer) reads, with or without padding or metadata.
    TempDir dir;
    write_file(dir.file("hand.safetensors"),
               craft(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}   )",
                     floats({7.0f, -1.0f})));
    const StateDict hand = io::load_safetensors(dir.file("hand.safetensors"));
    BOOST_TEST(hand.tensors.at("w").to_vector() == (std::vector<double>{7.0, -1.0}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(malformed_files_are_rejected_with_file_and_offset) {
    TempDir dir;
    const std::string good = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
    const std::string data = floats({1.0f, 2.0f});
    struct Case {
        std::string name, bytes;
        std::vector<std::string> fragments;
    };
    const std::vector<Case> cases{
        {"short", std::string(5, '\0'), {"5 bytes long", "byte 0"}},
        {"length_past_end", craft(good, data, 1000), {"header length 1000", "byte 0", "runs past"}},
        {"length_over_limit", craft(good, data, 200'000'000), {"exceeds the limit"}},
        {"bad_json", craft(R"({"w":{"dtype":)", ""), {"invalid JSON", "at byte"}},
        {"not_object", craft("[1,2]", ""), {"not a JSON object"}},
        {"number_overflow", craft(R"({"__metadata__":{"a":1e999}})", ""), {"invalid JSON"}},
        {"dtype",
         craft(R"({"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", data),
         {"tensor 'w'", "dtype 'I64' is not supported"}},
        {"bytes_vs_shape",
         craft(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", data),
         {"tensor 'w'", "hold 8 bytes", "need 12"}},
        {"past_end",
         craft(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data),
         {"tensor 'w'", "run past the end", "file bytes"}},
        {"reversed",
         craft(R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", data),
         {"end before they begin"}},
        {"overlap",
         craft(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
               R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
               data),
         {"tensor 'b'", "overlaps tensor 'a'"}},
        {"gap",
         craft(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", data),
         {"data bytes 0 to 4", "belong to no tensor"}},
        {"trailing", craft(good, data + "xx"), {"2 bytes after the last tensor"}},
        {"negative_shape",
         craft(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", data),
         {"non-negative integer"}},
        {"missing_offsets", craft(R"({"w":{"dtype":"F32","shape":[2]}})", data), {"data_offsets"}},
        {"unknown_field",
         craft(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}})", data),
         {"unknown field 'x'"}},
        {"metadata", craft(R"({"__metadata__":{"a":1}})", ""), {"metadata entry 'a'"}},
        {"duplicate",
         craft(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
               R"("w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
               data),
         {"'w' appears twice"}},
        {"overflow",
         craft(R"({"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}})",
               data),
         {"overflows"}},
        // No bytes, but strides of 2^62 * 2^62 elements (found by fuzzing).
        {"overflow_beside_zero",
         craft(R"({"w":{"dtype":"F32","shape":[0,4611686018427387904,4611686018427387904],)"
               R"("data_offsets":[0,0]}})",
               ""),
         {"overflows 63 bits"}},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("case " << c.name) {
            const std::string path = dir.file(c.name + ".safetensors");
            write_file(path, c.bytes);
            std::vector<std::string> fragments = c.fragments;
            fragments.push_back(path);
            check_format_error([&] { io::load_safetensors(path); }, fragments);
        }
    }
    XGRAD_CHECK_THROWS(io::load_safetensors(dir.file("absent")), IOError, "absent");
}

BOOST_AUTO_TEST_CASE(saving_rejects_bad_entries_before_touching_the_file) {
    TempDir dir;
    const std::string path = dir.file("x.safetensors");
    io::save_safetensors(path, sample_state());
    const std::string before = read_file(path);
    StateDict bad;
    bad.tensors["u"] = Tensor();
    XGRAD_CHECK_THROWS(io::save_safetensors(path, bad), ValueError, "'u' is undefined");
    bad.tensors.clear();
    bad.tensors[""] = zeros({1});
    XGRAD_CHECK_THROWS(io::save_safetensors(path, bad), ValueError, "empty name");
    bad.tensors.clear();
    bad.tensors["__metadata__"] = zeros({1});
    XGRAD_CHECK_THROWS(io::save_safetensors(path, bad), ValueError, "reserved");
    BOOST_TEST(read_file(path) == before);
    BOOST_TEST(dir.entries() == 1u);  // no temporary file left behind
    XGRAD_CHECK_THROWS(io::save_safetensors(dir.file("no/such/dir/x"), sample_state()), IOError,
                       "no/such/dir");
}

BOOST_AUTO_TEST_CASE(a_save_that_dies_half_way_leaves_the_previous_file) {
    TempDir dir;
    const std::string path = dir.file("model.safetensors");
    const StateDict old_state = sample_state();
    io::save_safetensors(path, old_state);
    StateDict big;
    big.tensors["big"] = zeros({1 << 18});  // 1 MiB: the write crosses the size limit below
    const auto limit_file_size = [] {
        const rlimit limit{64 * 1024, 64 * 1024};
        ::setrlimit(RLIMIT_FSIZE, &limit);
    };
    // Killed by SIGXFSZ in the middle of writing the temporary file: a crash.
    const int crashed = in_child([&] {
        limit_file_size();
        io::save_safetensors(path, big);
        return 0;
    });
    BOOST_TEST(WIFSIGNALED(crashed));
    BOOST_TEST(WTERMSIG(crashed) == SIGXFSZ);
    BOOST_TEST(same_values(io::load_safetensors(path), old_state));
    // The write fails instead (EFBIG): an IOError, the temporary file removed.
    for (const auto& entry : std::filesystem::directory_iterator(dir.path))
        if (entry.path() != path) std::filesystem::remove(entry.path());  // the crash's leftover
    const int failed = in_child([&] {
        ::signal(SIGXFSZ, SIG_IGN);
        limit_file_size();
        try {
            io::save_safetensors(path, big);
        } catch (const IOError& error) {
            return std::string(error.what()).find(path) != std::string::npos ? 0 : 4;
        }
        return 5;
    });
    BOOST_TEST(WIFEXITED(failed));
    BOOST_TEST(WEXITSTATUS(failed) == 0);
    BOOST_TEST(same_values(io::load_safetensors(path), old_state));
    BOOST_TEST(dir.entries() == 1u);
    // Without a limit the save replaces the file.
    io::save_safetensors(path, big);
    BOOST_TEST(same_values(io::load_safetensors(path), big));
    BOOST_TEST(dir.entries() == 1u);
}

BOOST_AUTO_TEST_CASE(module_round_trip_through_a_file) {
    TempDir dir;
    manual_seed(10);
    Net source;
    io::save_safetensors(dir.file("net.safetensors"), source.state_dict());
    manual_seed(11);
    Net target;
    BOOST_TEST(snapshot(target) != snapshot(source));
    target.load_state_dict(io::load_safetensors(dir.file("net.safetensors")));
    BOOST_TEST(snapshot(target) == snapshot(source), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_load_that_fails_half_way_leaves_the_model_unchanged) {
    TempDir dir;
    manual_seed(12);
    Net net;
    const auto before = snapshot(net);
    StateDict state = net.state_dict();
    for (auto& [name, tensor] : state.tensors) tensor = zeros_like(tensor);  // all different
    // The shape error is in the last tensor checked ("fc2.weight" after fc1.*): the earlier ones
    // are valid and would be loaded by a naive loop.
    state.tensors["fc2.weight"] = zeros({2, 4});
    const std::string path = dir.file("bad_shape.safetensors");
    io::save_safetensors(path, state);
    XGRAD_CHECK_THROWS(net.load_state_dict(io::load_safetensors(path)), ShapeError,
                       "'fc2.weight': the module has shape (2, 3), the state has (2, 4)");
    BOOST_TEST(snapshot(net) == before, boost::test_tools::per_element());
    // A missing tensor.
    state.tensors["fc2.weight"] = zeros({2, 3});
    state.tensors.erase("fc2.bias");
    XGRAD_CHECK_THROWS(net.load_state_dict(state), ValueError, "missing: 'fc2.bias'");
    BOOST_TEST(snapshot(net) == before, boost::test_tools::per_element());
    // A file truncated in its last tensor: nothing is built, nothing loaded.
    state.tensors["fc2.bias"] = zeros({2});
    io::save_safetensors(path, state);
    std::string bytes = read_file(path);
    bytes.resize(bytes.size() - 3);
    write_file(path, bytes);
    check_format_error([&] { net.load_state_dict(io::load_safetensors(path)); },
                       {path, "run past the end"});
    BOOST_TEST(snapshot(net) == before, boost::test_tools::per_element());
    // A restore whose second part fails puts the first part back.
    manual_seed(13);
    Net other;
    optim::SGD sgd(net.parameters());
    io::Checkpoint checkpoint;
    checkpoint.parts["model"] = other.state_dict();
    checkpoint.parts["optimizer"] = StateDict{};  // no param_groups: SGD rejects it
    XGRAD_CHECK_THROWS(
        io::restore(checkpoint, {io::component("model", net), io::component("optimizer", sgd)}),
        ValueError, "param_groups");
    BOOST_TEST(snapshot(net) == before, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(checkpoint_layout_and_validation) {
    io::Checkpoint checkpoint;
    checkpoint.parts["model"] = sample_state();
    checkpoint.parts["optimizer"].metadata["lr"] = "0.5";
    checkpoint.parts["empty"] = StateDict{};
    checkpoint.epoch = 4;
    checkpoint.step = 1234;
    checkpoint.rng_state = Generator(5).state();
    const StateDict flat = io::to_state_dict(checkpoint);
    BOOST_TEST(flat.tensors.count("model.layer.weight") == 1u);
    BOOST_TEST(flat.metadata.at("optimizer.lr") == "0.5");
    BOOST_TEST(flat.metadata.at("xgrad.epoch") == "4");
    TempDir dir;
    io::save_checkpoint(dir.file("c.safetensors"), checkpoint);
    const io::Checkpoint back = io::load_checkpoint(dir.file("c.safetensors"));
    BOOST_TEST(back.parts.size() == 3u);
    BOOST_TEST(same_values(back.parts.at("model"), checkpoint.parts.at("model")));
    BOOST_TEST((back.parts.at("model").metadata == checkpoint.parts.at("model").metadata));
    BOOST_TEST(back.parts.at("optimizer").metadata.at("lr") == "0.5");
    BOOST_TEST(back.epoch == 4u);
    BOOST_TEST(back.step == 1234u);
    BOOST_TEST(back.rng_state == checkpoint.rng_state);

    io::Checkpoint bad_name;
    bad_name.parts["a.b"] = StateDict{};
    XGRAD_CHECK_THROWS(io::to_state_dict(bad_name), ValueError, "'a.b'");
    io::save_safetensors(dir.file("plain.safetensors"), sample_state());
    check_format_error([&] { io::load_checkpoint(dir.file("plain.safetensors")); },
                       {dir.file("plain.safetensors"), "not an xgrad training checkpoint"});
    StateDict foreign = flat;
    foreign.metadata["stray"] = "x";
    check_format_error([&] { io::from_state_dict(foreign); }, {"'stray' belongs to no part"});
    StateDict bad_count = flat;
    bad_count.metadata["xgrad.step"] = "12x";
    check_format_error([&] { io::from_state_dict(bad_count); }, {"'xgrad.step' is not a count"});
    bad_count.metadata["xgrad.step"] = "18446744073709551616";  // 2^64
    check_format_error([&] { io::from_state_dict(bad_count); }, {"'xgrad.step' is not a count"});

    // restore(): parts must match, and a bad RNG state is caught before anything changes.
    manual_seed(1);
    Net net;
    const auto before = snapshot(net);
    io::Checkpoint only_model;
    manual_seed(2);
    only_model.parts["model"] = Net().state_dict();
    XGRAD_CHECK_THROWS(
        io::restore(only_model, {io::component("model", net), io::component("other", net)}),
        ValueError, "missing: 'other'");
    io::Checkpoint extra = only_model;
    extra.parts["loader"] = StateDict{};
    XGRAD_CHECK_THROWS(io::restore(extra, {io::component("model", net)}), ValueError,
                       "unexpected: 'loader'");
    io::Checkpoint bad_rng = only_model;
    bad_rng.rng_state = "garbage";
    XGRAD_CHECK_THROWS(io::restore(bad_rng, {io::component("model", net)}), ValueError,
                       "malformed");
    BOOST_TEST(snapshot(net) == before, boost::test_tools::per_element());
    io::restore(extra, {io::component("model", net)}, false);
    BOOST_TEST(snapshot(net) != before);
}

BOOST_AUTO_TEST_CASE(exact_resume_is_bit_identical) {
    TempDir dir;
    testing::TrainingRun straight(1);
    straight.train_epoch();
    straight.train_epoch();

    testing::TrainingRun first(1);
    first.train_epoch();
    first.save(dir.file("run.safetensors"));
    manual_seed(31337);  // disturb the global generator: the checkpoint must restore it
    testing::TrainingRun resumed(777);
    resumed.load(dir.file("run.safetensors"));
    BOOST_TEST(resumed.epoch == 1u);
    BOOST_TEST(resumed.step == first.step);
    BOOST_TEST(resumed.optimizer->lr() == first.optimizer->lr());
    resumed.train_epoch();
    BOOST_TEST(same_values(resumed.model->state_dict(), straight.model->state_dict()));
    BOOST_TEST(resumed.step == straight.step);
    BOOST_TEST(resumed.optimizer->lr() == straight.optimizer->lr());

    // Control: the same resume without the generator's state draws other dropout masks, so the
    // comparison above can fail.
    io::Checkpoint without_rng = io::load_checkpoint(dir.file("run.safetensors"));
    without_rng.rng_state.clear();
    manual_seed(31337);
    testing::TrainingRun control(777);
    io::restore(without_rng, control.parts());
    control.train_epoch();
    BOOST_TEST(!same_values(control.model->state_dict(), straight.model->state_dict()));
}

BOOST_AUTO_TEST_SUITE_END()
