// ONNX export: the structure of the written models (read back with the ONNX library), the
// errors, and a set of models written with their inputs and xgrad's outputs for
// run_onnxruntime.js, which runs them with ONNX Runtime (ctest onnxruntime).
#define BOOST_TEST_MODULE onnx_export
#include <onnx/onnx_pb.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include "xgrad/io/onnx.hpp"
#include "xgrad/nn.hpp"
#include "xgrad/xgrad.hpp"

using namespace xgrad;
namespace fs = std::filesystem;

namespace {

/// A module whose forward is a function of its registered submodules' calls.
struct Model : nn::Module {
    std::function<Tensor(const Tensor&)> body;
    template <class M>
    std::shared_ptr<M> add(const std::string& name, std::shared_ptr<M> module) {
        return register_module(name, std::move(module));
    }
    Tensor forward(const Tensor& x) override { return body(x); }
};

/// Deterministic inputs spread over [-1.5, 1.5].
Tensor input_of(const Shape& shape) {
    std::size_t count = 1;
    for (auto d : shape) count *= d;
    std::vector<double> values(count);
    for (std::size_t i = 0; i < count; ++i)
        values[i] = static_cast<double>((i * 37 + 11) % 29) / 9.5 - 1.5;
    return from_vector(values, shape);
}

/// The small CNN of examples/fashion_mnist (conv-BN-ReLU-maxpool twice, linear, dropout,
/// linear), its batch-norm statistics moved away from their initial values by three training
/// batches.
std::shared_ptr<nn::Sequential> cnn() {
    manual_seed(3);
    auto model = std::make_shared<nn::Sequential>(
        std::make_shared<nn::Conv2d>(nn::Conv2dOptions(1, 4, 3).padding(1)),
        std::make_shared<nn::BatchNorm2d>(4), std::make_shared<nn::ReLU>(),
        std::make_shared<nn::MaxPool2d>(2),
        std::make_shared<nn::Conv2d>(nn::Conv2dOptions(4, 8, 3).padding(1)),
        std::make_shared<nn::BatchNorm2d>(8), std::make_shared<nn::ReLU>(),
        std::make_shared<nn::MaxPool2d>(2), std::make_shared<nn::Flatten>(),
        std::make_shared<nn::Linear>(8 * 7 * 7, 16), std::make_shared<nn::ReLU>(),
        std::make_shared<nn::Dropout>(0.25), std::make_shared<nn::Linear>(16, 10));
    for (int i = 0; i < 3; ++i) (*model)(randn({4, 1, 28, 28}) * (1.0 + i) + 0.5 * i);
    return model;
}

onnx::ModelProto read_model(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    onnx::ModelProto model;
    BOOST_REQUIRE(model.ParseFromIstream(&file));
    return model;
}

std::vector<std::string> op_types(const onnx::ModelProto& model) {
    std::vector<std::string> types;
    for (const auto& node : model.graph().node()) types.push_back(node.op_type());
    return types;
}

fs::path scratch(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("xgrad_onnx_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir / name;
}

/// Exports `model` on `x` to <dir>/<name>.onnx and writes <name>.json: the input's shape and
/// values and xgrad's output, for run_onnxruntime.js.
void write_case(const fs::path& dir, const std::string& name, nn::Module& model, const Tensor& x) {
    io::export_onnx(model, {x}, (dir / (name + ".onnx")).string());
    BOOST_TEST(fs::file_size(dir / (name + ".onnx")) > 0u);
    model.eval();
    const Tensor y = model(x);
    std::ofstream out(dir / (name + ".json"));
    out.precision(17);
    const auto list = [&](const std::vector<double>& values) {
        out << "[";
        for (std::size_t i = 0; i < values.size(); ++i) out << (i ? "," : "") << values[i];
        out << "]";
    };
    out << "{\"input_shape\":";
    list(std::vector<double>(x.shape().begin(), x.shape().end()));
    out << ",\"input\":";
    list(x.to_vector());
    out << ",\"output_shape\":";
    list(std::vector<double>(y.shape().begin(), y.shape().end()));
    out << ",\"output\":";
    list(y.to_vector());
    out << "}\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(onnx_export)

BOOST_AUTO_TEST_CASE(cnn_exports_as_its_layers_with_state_dict_names) {
    auto model = cnn();
    model->train();
    const Tensor running_before = model->named_buffers()[0].second.clone();
    const std::string path = scratch("cnn.onnx").string();
    io::export_onnx(*model, {input_of({2, 1, 28, 28})}, path);
    BOOST_TEST(model->is_training());  // the mode is restored
    BOOST_TEST(model->named_buffers()[0].second.to_vector() == running_before.to_vector(),
               boost::test_tools::per_element());

    const onnx::ModelProto m = read_model(path);
    BOOST_TEST(m.opset_import(0).version() == 17);
    const std::vector<std::string> expected{"Conv",    "BatchNormalization",
                                            "Relu",    "MaxPool",
                                            "Conv",    "BatchNormalization",
                                            "Relu",    "MaxPool",
                                            "Reshape", "Gemm",
                                            "Relu",    "Gemm"};
    BOOST_TEST(op_types(m) == expected, boost::test_tools::per_element());
    std::vector<std::string> initializers;
    for (const auto& t : m.graph().initializer()) initializers.push_back(t.name());
    for (const char* name : {"0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                             "1.running_var", "9.weight", "12.bias"})
        BOOST_TEST(
            (std::find(initializers.begin(), initializers.end(), name) != initializers.end()),
            name);
    // num_batches_tracked takes no part in inference.
    BOOST_TEST((std::find(initializers.begin(), initializers.end(), "1.num_batches_tracked") ==
                initializers.end()));
    const auto& input_shape = m.graph().input(0).type().tensor_type().shape();
    BOOST_TEST(input_shape.dim(0).dim_param() == "batch");
    BOOST_TEST(input_shape.dim(2).dim_value() == 28);
    const auto& conv = m.graph().node(0);
    BOOST_TEST(conv.attribute_size() == 5);
    for (const auto& a : conv.attribute())
        if (a.name() == "pads") BOOST_TEST(a.ints_size() == 4);
}

BOOST_AUTO_TEST_CASE(a_leaf_input_is_recorded_and_reshape_keeps_the_batch_free) {
    // flatten of the raw input: the exporter must see it, not a constant of the example.
    nn::Sequential model(std::make_shared<nn::Flatten>(), std::make_shared<nn::Linear>(12, 3));
    const std::string path = scratch("flat.onnx").string();
    io::export_onnx(model, {input_of({5, 3, 4})}, path);
    const onnx::ModelProto m = read_model(path);
    BOOST_TEST(op_types(m) == (std::vector<std::string>{"Reshape", "Gemm"}),
               boost::test_tools::per_element());
    for (const auto& t : m.graph().initializer())
        if (t.data_type() == onnx::TensorProto::INT64)
            BOOST_TEST(t.int64_data(0) == 0);  // (0, 12): the batch size copied from the input
}

BOOST_AUTO_TEST_CASE(an_op_without_mapping_is_an_error_naming_it_and_no_file_is_left) {
    Model model;
    model.body = [](const Tensor& x) { return sort(x, 1).values; };
    const fs::path path = scratch("unmapped.onnx");
    fs::remove(path);
    try {
        io::export_onnx(model, {input_of({2, 5})}, path.string());
        BOOST_FAIL("export_onnx accepted an op without an ONNX mapping");
    } catch (const ValueError& e) {
        const std::string what = e.what();
        BOOST_TEST(what.find("export_onnx") != std::string::npos, what);
        BOOST_TEST(what.find("has no ONNX mapping") != std::string::npos, what);
        BOOST_TEST(what.find("(2, 5)") != std::string::npos, what);
    }
    BOOST_TEST(!fs::exists(path));
}

BOOST_AUTO_TEST_CASE(settings_onnx_cannot_express_are_errors) {
    Model divisor;
    divisor.body = [](const Tensor& x) {
        return avg_pool2d(x, 2, std::nullopt, 0, false, true, 3);
    };
    BOOST_CHECK_THROW(
        io::export_onnx(divisor, {input_of({1, 1, 4, 4})}, scratch("divisor.onnx").string()),
        ValueError);
    Model adaptive;
    adaptive.body = [](const Tensor& x) { return adaptive_avg_pool2d(x, {3, 3}); };
    BOOST_CHECK_THROW(
        io::export_onnx(adaptive, {input_of({1, 2, 5, 5})}, scratch("adaptive.onnx").string()),
        ValueError);
    Model two;
    BOOST_CHECK_THROW(
        io::export_onnx(two, {input_of({1, 2}), input_of({1, 2})}, scratch("two.onnx").string()),
        ValueError);
}

BOOST_AUTO_TEST_CASE(the_export_is_deterministic) {
    auto model = cnn();
    const std::string a = scratch("a.onnx").string(), b = scratch("b.onnx").string();
    io::export_onnx(*model, {input_of({2, 1, 28, 28})}, a);
    io::export_onnx(*model, {input_of({3, 1, 28, 28})}, b);
    std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
    const std::string sa((std::istreambuf_iterator<char>(fa)), {});
    const std::string sb((std::istreambuf_iterator<char>(fb)), {});
    BOOST_TEST((sa == sb));  // the batch size of the example does not enter the model
}

// Writes the models run_onnxruntime.js checks, into $XGRAD_ONNX_DIR (ctest onnx_models).
BOOST_AUTO_TEST_CASE(models_for_onnxruntime) {
    const char* env = std::getenv("XGRAD_ONNX_DIR");
    if (!env) {
        BOOST_TEST_MESSAGE("XGRAD_ONNX_DIR not set: the models are written by ctest onnx_models");
        return;
    }
    const fs::path dir = env;
    fs::create_directories(dir);

    {  // an MLP ending in log_softmax
        manual_seed(7);
        Model mlp;
        auto body =
            mlp.add("body", std::make_shared<nn::Sequential>(
                                std::make_shared<nn::Linear>(8, 16), std::make_shared<nn::ReLU>(),
                                std::make_shared<nn::Linear>(16, 12), std::make_shared<nn::Tanh>(),
                                std::make_shared<nn::Linear>(12, 5)));
        mlp.body = [body](const Tensor& x) { return log_softmax((*body)(x), -1); };
        write_case(dir, "mlp", mlp, input_of({4, 8}));
    }
    write_case(dir, "cnn", *cnn(), input_of({3, 1, 28, 28}));
    {  // convolutions and pools with every setting
        manual_seed(11);
        Model m;
        auto strided =
            m.add("strided", std::make_shared<nn::Conv2d>(nn::Conv2dOptions(4, 6, Pair2{3, 2})
                                                              .stride(Pair2{2, 1})
                                                              .padding(Pair2{1, 0})
                                                              .dilation(Pair2{1, 2})
                                                              .groups(2)));
        auto depthwise = m.add(
            "depthwise",
            std::make_shared<nn::Conv2d>(nn::Conv2dOptions(6, 6, 3).padding("same").groups(6)));
        auto even = m.add("even", std::make_shared<nn::Conv2d>(
                                      nn::Conv2dOptions(6, 4, 4).padding("same").bias(false)));
        auto up = m.add(
            "up",
            std::make_shared<nn::ConvTranspose2d>(
                nn::ConvTranspose2dOptions(4, 4, 3).stride(2).padding(1).output_padding(1).groups(
                    2)));
        auto norm = m.add("norm", std::make_shared<nn::GroupNorm>(2, 4));
        m.body = [=](const Tensor& x) {
            Tensor y = leaky_relu((*strided)(x), 0.2);
            y = (*depthwise)(pad(y, {1, 1, 2, 0}, "reflect"));
            y = relu((*even)(pad(y, {1, 0, 0, 1}, "replicate")));
            y = (*norm)((*up)(y));
            y = max_pool2d(y, 3, 2, 1, 2, true);
            y = avg_pool2d(y, 2, 1, 1, true, false) + adaptive_avg_pool2d(y, {1, 1});
            return concat({y, avg_pool2d(pad(y, {1, 1, 1, 1}, "constant", 0.5), 3, 1)}, 1);
        };
        write_case(dir, "conv_pool", m, input_of({2, 4, 11, 9}));
    }
    {  // a sequence model: embedding, layer norm, conv1d and the 1-D pools
        manual_seed(13);
        Model m;
        auto embed = m.add("embed", std::make_shared<nn::Embedding>(10, 6));
        auto norm = m.add("norm", std::make_shared<nn::LayerNorm>(Shape{6}));
        auto conv =
            m.add("conv", std::make_shared<nn::Conv1d>(nn::Conv1dOptions(6, 5, 3).padding("same")));
        m.body = [=](const Tensor& indices) {
            const Tensor h = transpose((*norm)((*embed)(indices)), 1, 2);  // (N, 6, L)
            const Tensor c = tanh((*conv)(h));
            const Tensor pooled = max_pool1d(c, 3, 1, 1) - avg_pool1d(c, 3, 1, 1, false, false);
            return softmax(mean(pooled, {2}), 1);
        };
        std::vector<double> tokens(3 * 7);
        for (std::size_t i = 0; i < tokens.size(); ++i) tokens[i] = static_cast<double>(i * 7 % 10);
        write_case(dir, "sequence", m, from_vector(tokens, {3, 7}));
    }
    {  // elementwise arithmetic, activations, reductions and matmul with broadcast batch axes
        manual_seed(17);
        Model m;
        const Tensor w = m.register_parameter("w", randn({3, 4, 2}));
        m.body = [w](const Tensor& x) {           // x (N, 3, 5, 4)
            Tensor y = matmul(x, w) * 0.5 + 1.0;  // (N, 3, 5, 2)
            y = clamp(y, -0.5, std::nullopt) + softplus(y, 2.0, 20.0) - log_sigmoid(2.0 - y);
            y = pow(abs(y) + 0.1, 1.5) / (1.0 + exp(-y)) + sqrt(sigmoid(y)) * pow(2.0, -y);
            y = maximum(y, minimum(y * y, 1.0 / (y + 3.0)));
            const Tensor s = sum(y, {1, 3}, true);  // (N, 1, 5, 1)
            return log_softmax(permute(y - s, {0, 2, 3, 1}), 1) + stack({mean(y)}, 0);
        };
        write_case(dir, "pointwise", m, input_of({2, 3, 5, 4}));
    }
}

BOOST_AUTO_TEST_SUITE_END()
