// Exports an MLP (Sequential of Linear, ReLU, Linear, Tanh, then log_softmax) to ONNX and writes
// the fixed input and xgrad's output next to it, for run_onnxruntime.js to compare.
#include <cstdio>
#include <fstream>
#include <memory>

#include "xgrad/io/onnx.hpp"
#include "xgrad/nn.hpp"
#include "xgrad/xgrad.hpp"

using namespace xgrad;

struct Mlp : nn::Module {
    std::shared_ptr<nn::Sequential> body;
    Mlp() {
        body = register_module(
            "body", std::make_shared<nn::Sequential>(
                        std::make_shared<nn::Linear>(8, 16), std::make_shared<nn::ReLU>(),
                        std::make_shared<nn::Linear>(16, 12), std::make_shared<nn::Tanh>(),
                        std::make_shared<nn::Linear>(12, 5)));
    }
    Tensor forward(const Tensor& x) override { return log_softmax((*body)(x), -1); }
};

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: export_mlp <dir>\n");
        return 2;
    }
    const std::string dir = argv[1];
    manual_seed(7);
    Mlp model;
    std::vector<float> values(4 * 8);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = static_cast<float>(((i * 37) % 23) / 11.0 - 1.0);
    const Tensor x = from_vector(values, {4, 8});
    io::export_onnx(model, {x}, dir + "/mlp.onnx");
    const Tensor y = model(x);
    std::ofstream out(dir + "/mlp.json");
    out.precision(9);
    out << "{\"input_shape\":[4,8],\"input\":[";
    for (std::size_t i = 0; i < values.size(); ++i) out << (i ? "," : "") << values[i];
    out << "],\"output\":[";
    const auto& a = std::get<xt::xarray<float>>(array_of(y));
    for (std::size_t i = 0; i < a.size(); ++i) out << (i ? "," : "") << a.data()[i];
    out << "]}\n";
    // An op without a mapping is a typed error naming it.
    struct Bad : nn::Module {
        Tensor forward(const Tensor& x) override { return sum(x * x); }
    } bad;
    try {
        io::export_onnx(bad, {from_vector(values, {4, 8}).requires_grad_(true)}, dir + "/bad.onnx");
        std::fprintf(stderr, "FAIL: exporting sum did not throw\n");
        return 1;
    } catch (const ValueError& e) {
        std::printf("unmapped op: %s\n", e.what());
    }
    return 0;
}
