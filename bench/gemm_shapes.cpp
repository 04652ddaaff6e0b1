// The products of the benchmark's training steps, with the transpose flags the ops pass
// (src/ops/linalg.cpp's linear: y = x W^T, dW = g^T x, dx = g W; src/ops/conv_products.hpp).
#include <algorithm>
#include <string>

#include "gemm_library.hpp"

namespace bench {
namespace {

/// The products of one MLP step: forward y = x W^T per layer, backward dW = g^T x per layer and
/// dx = g W for every layer but the first (its input needs no gradient).
void mlp(std::vector<GemmShape>& out, const std::vector<int>& layers, int batch,
         const std::string& group) {
    for (std::size_t i = 0; i + 1 < layers.size(); ++i)
        out.push_back(
            {group, "fwd x W^T " + std::to_string(layers[i]) + ">" + std::to_string(layers[i + 1]),
             false, true, batch, layers[i + 1], layers[i]});
    for (std::size_t i = layers.size() - 1; i-- > 0;) {
        const std::string sizes = std::to_string(layers[i]) + ">" + std::to_string(layers[i + 1]);
        out.push_back({group, "dW = g^T x " + sizes, true, false, layers[i + 1], layers[i], batch});
        if (i > 0)
            out.push_back(
                {group, "dx = g W " + sizes, false, false, batch, layers[i], layers[i + 1]});
    }
}

/// A convolution of `in` channels to `out` with a kernel of `taps` weights per channel over
/// `area` output pixels per example, at batch 64, chunked as conv_products.hpp lowers it (about
/// 1 MB of im2col matrix per chunk): forward W cols, weight gradient G cols^T and, unless it
/// is the first layer, the input gradient W^T G.
void conv(std::vector<GemmShape>& out, const std::string& group, const std::string& name, int in,
          int outc, int taps, int area, bool input_grad) {
    const int rows = in * taps;
    const int chunk = std::min(64, std::max(1, (1 << 20) / 4 / (rows * area)));
    const int cols = chunk * area;
    out.push_back({group, name + " fwd W cols", false, false, outc, cols, rows});
    out.push_back({group, name + " dW = G cols^T", false, true, outc, rows, cols});
    if (input_grad) out.push_back({group, name + " dcols = W^T G", true, false, rows, cols, outc});
}

}  // namespace

std::vector<GemmShape> gemm_shapes() {
    std::vector<GemmShape> shapes;
    for (int batch : {1, 16, 64, 256, 1024})
        mlp(shapes, {784, 128, 10}, batch, "mlp 784-128-10 b" + std::to_string(batch));
    mlp(shapes, {784, 1024, 1024, 10}, 1024, "wide 784-1024-1024-10 b1024");
    const std::string cnn = "cnn b64";
    conv(shapes, cnn, "conv1 1>32 3x3 28x28", 1, 32, 9, 28 * 28, false);
    conv(shapes, cnn, "conv2 32>64 3x3 14x14", 32, 64, 9, 14 * 14, true);
    mlp(shapes, {64 * 7 * 7, 128, 10}, 64, cnn);
    // The dense head's input is the last convolution's output, which needs its gradient too.
    shapes.push_back({cnn, "dx = g W 3136>128", false, false, 64, 64 * 7 * 7, 128});
    conv(shapes, "conv cases b64", "5x5 16>32 14x14", 16, 32, 25, 14 * 14, true);
    conv(shapes, "conv cases b64", "1x1 64>64 14x14", 64, 64, 1, 14 * 14, true);
    return shapes;
}

}  // namespace bench
