// The C++ side of the PyTorch interop test, run by run.cmake between the two halves of
// torch_interop.py, in the directory XGRAD_TORCH_DIR:
//   from_torch      reads every file torch.save wrote and compares it with expected.json, runs
//                   the MLP PyTorch trained-initialised on PyTorch's inputs, and writes
//                   xgrad_state.pt, xgrad_expected.json and xgrad_io.pt for Python to check
//   back_from_torch reads roundtrip.pt (Python's torch.save of what it loaded) and compares it
//                   bit for bit with what xgrad wrote
#define BOOST_TEST_MODULE xgrad_torch_interop
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "xgrad/io.hpp"
#include "xgrad/nn.hpp"
#include "xgrad/random.hpp"
#include "xgrad/xgrad.hpp"

using namespace xgrad;
using json = nlohmann::json;

namespace {

std::string directory() {
    const char* dir = std::getenv("XGRAD_TORCH_DIR");
    BOOST_REQUIRE_MESSAGE(dir, "XGRAD_TORCH_DIR is not set (run through ctest -L torch)");
    return dir;
}

std::string file(const std::string& name) { return directory() + "/" + name; }

json read_json(const std::string& name) {
    std::ifstream in(file(name));
    BOOST_REQUIRE_MESSAGE(in, "cannot read " << file(name));
    return json::parse(in);
}

std::vector<double> values_of(const Tensor& t) {
    const Tensor d = t.to(DType::Float64);
    const auto& v = d.value<double>();
    return std::vector<double>(v.data(), v.data() + v.size());
}

/// The same xgrad model as torch_interop.py's mlp().
std::shared_ptr<nn::Sequential> mlp() {
    return std::make_shared<nn::Sequential>(std::make_shared<nn::Linear>(4, 8),
                                            std::make_shared<nn::ReLU>(),
                                            std::make_shared<nn::Linear>(8, 3));
}

double max_relative_difference(const Tensor& a, const Tensor& b) {
    const auto x = values_of(a), y = values_of(b);
    BOOST_REQUIRE_EQUAL(x.size(), y.size());
    double worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        worst = std::max(worst, std::abs(x[i] - y[i]) / std::max(std::abs(y[i]), 1e-6));
    return worst;
}

void check_against(const StateDict& state, const json& expected, const std::string& what) {
    BOOST_TEST_CONTEXT(what) {
        BOOST_TEST(state.tensors.size() == expected.size());
        for (const auto& [name, entry] : expected.items()) {
            BOOST_TEST_CONTEXT(name) {
                const auto found = state.tensors.find(name);
                BOOST_REQUIRE(found != state.tensors.end());
                const Tensor& t = found->second;
                const std::string dtype = entry["dtype"];
                const bool integer = dtype != "float32" && dtype != "float64";
                BOOST_TEST(dtype_name(t.dtype()) == (integer ? "float64" : dtype));
                const auto recorded = state.metadata.find(io::kTorchDtypePrefix + name);
                BOOST_TEST((recorded != state.metadata.end()) == integer);
                if (integer && recorded != state.metadata.end())
                    BOOST_TEST(recorded->second == dtype);
                const auto shape = entry["shape"].get<std::vector<std::size_t>>();
                BOOST_TEST(t.shape() == Shape(shape.begin(), shape.end()), shape_str(t.shape()));
                std::vector<double> want;
                for (const auto& v : entry["values"])
                    want.push_back(v.is_boolean() ? double(v.get<bool>()) : v.get<double>());
                const auto got = values_of(t);
                BOOST_TEST(got == want, boost::test_tools::per_element());
            }
        }
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(from_torch)

BOOST_AUTO_TEST_CASE(every_file_reads_as_torch_wrote_it) {
    const json expected = read_json("expected.json");
    for (const auto& [name, tensors] : expected.items())
        check_against(io::load_torch_state_dict(file(name)), tensors, name);
}

BOOST_AUTO_TEST_CASE(views_of_one_storage_read_as_their_own_values) {
    // Independent of expected.json: base is arange(24) * 0.5 - 3 as a 4 x 6 matrix.
    const StateDict state = io::load_torch_state_dict(file("strided.pt"));
    const auto base = [](std::size_t i, std::size_t j) { return (6.0 * i + j) * 0.5 - 3; };
    const auto& t = state.tensors.at("t").value<float>();
    BOOST_TEST(state.tensors.at("t").shape() == Shape({6, 4}), "");
    for (std::size_t i = 0; i < 6; ++i)
        for (std::size_t j = 0; j < 4; ++j) BOOST_TEST(t(i, j) == base(j, i));
    const auto& block = state.tensors.at("block").value<float>();
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 3; ++j) BOOST_TEST(block(i, j) == base(1 + i, 2 + j));
    const auto& sparse = state.tensors.at("every_other").value<float>();
    BOOST_TEST(state.tensors.at("every_other").shape() == Shape({2, 2}), "");
    BOOST_TEST(sparse(1, 1) == base(2, 3));
    BOOST_TEST(state.tensors.at("scalar").shape().size() == 0u);
    BOOST_TEST(state.tensors.at("scalar").item() == base(2, 3));
}

BOOST_AUTO_TEST_CASE(the_mlp_computes_what_torch_computed) {
    auto model = mlp();
    model->load_state_dict(io::load_torch_state_dict(file("mlp.pt")));
    const StateDict io_pair = io::load_torch_state_dict(file("mlp_io.pt"));
    const Tensor y = (*model)(io_pair.tensors.at("input"));
    const double error = max_relative_difference(y, io_pair.tensors.at("output"));
    BOOST_TEST_MESSAGE("xgrad on torch's MLP: max relative difference " << error);
    BOOST_TEST(error <= 1e-6);
}

BOOST_AUTO_TEST_CASE(a_batchnorm_state_loads_non_strict_with_its_integer_buffer) {
    const StateDict state = io::load_torch_state_dict(file("mixed.pt"));
    BOOST_TEST(state.tensors.at("bn.num_batches_tracked").item() == 1.0);
    BOOST_TEST(state.metadata.at("torch.dtype.bn.num_batches_tracked") == "int64");
    auto model = mlp();
    const nn::LoadReport report = model->load_state_dict(state, false);
    BOOST_TEST(report.missing.size() == 4u);  // the MLP's four tensors
    BOOST_TEST(report.unexpected.size() == state.tensors.size());
}

BOOST_AUTO_TEST_CASE(xgrad_writes_a_state_for_python) {
    manual_seed(1234);
    auto model = mlp();
    StateDict state = model->state_dict();
    // Values whose bits a careless writer would change.
    state.tensors["special.float32"] =
        Tensor({-0.0, 1e-45, 3.4028234663852886e38, 1.0 / 3.0}, DType::Float32);
    state.tensors["special.float64"] = Tensor({-0.0, 5e-324, 1.0 / 3.0}, DType::Float64);
    state.tensors["num_batches_tracked"] = Tensor(12.0, DType::Float64);
    state.metadata["torch.dtype.num_batches_tracked"] = "int64";
    state.tensors["big_int64"] = Tensor({-9007199254740992.0, 4294967296.0}, DType::Float64);
    state.metadata["torch.dtype.big_int64"] = "int64";
    state.tensors["empty"] = zeros({0, 2});
    io::save_torch_state_dict(file("xgrad_state.pt"), state);

    json expected;
    for (const auto& [name, t] : state.tensors) {
        const auto recorded = state.metadata.find(io::kTorchDtypePrefix + name);
        expected[name] = {
            {"dtype", recorded != state.metadata.end() ? recorded->second : dtype_name(t.dtype())},
            {"shape", std::vector<std::size_t>(t.shape().begin(), t.shape().end())},
            {"values", values_of(t)}};
    }
    std::ofstream(file("xgrad_expected.json")) << expected.dump();

    StateDict io_pair;
    io_pair.tensors["input"] = randn({7, 4});
    io_pair.tensors["output"] = (*model)(io_pair.tensors["input"]).detach();
    io::save_torch_state_dict(file("xgrad_io.pt"), io_pair);
    // What xgrad wrote, xgrad reads back identically.
    const StateDict back = io::load_torch_state_dict(file("xgrad_state.pt"));
    BOOST_TEST(back.metadata == state.metadata);
    for (const auto& [name, t] : state.tensors) {
        const Tensor& u = back.tensors.at(name);
        BOOST_TEST(u.dtype() == t.dtype());
        BOOST_TEST((testing::bits(u) == testing::bits(t)), name);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(back_from_torch)

BOOST_AUTO_TEST_CASE(pythons_resave_is_bit_identical) {
    const StateDict written = io::load_torch_state_dict(file("xgrad_state.pt"));
    const StateDict resaved = io::load_torch_state_dict(file("roundtrip.pt"));
    BOOST_TEST(resaved.metadata == written.metadata);
    BOOST_REQUIRE_EQUAL(resaved.tensors.size(), written.tensors.size());
    for (const auto& [name, t] : written.tensors) {
        BOOST_TEST_CONTEXT(name) {
            const Tensor& u = resaved.tensors.at(name);
            BOOST_TEST(u.dtype() == t.dtype());
            BOOST_TEST(u.shape() == t.shape(), shape_str(u.shape()));
            BOOST_TEST((testing::bits(u) == testing::bits(t)));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
