// Builds against the installed package's onnx component and exports a Linear layer.
#include <filesystem>
#include <iostream>
#include <xgrad/io/onnx.hpp>
#include <xgrad/nn.hpp>

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    xgrad::nn::Linear layer(3, 2);
    xgrad::io::export_onnx(layer, {xgrad::ones({4, 3})}, argv[1]);
    const bool ok = std::filesystem::file_size(argv[1]) > 0;
    std::cout << (ok ? "consumer_onnx: exported\n" : "consumer_onnx: empty file\n");
    return ok ? 0 : 1;
}
