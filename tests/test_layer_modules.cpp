// layer_modules: Conv, pooling, normalization, Embedding and Dropout2d layers: PyTorch's
// parameter and buffer names and initialisation, batch-norm statistics in train and eval mode,
// errors naming the layer, and checkpoints that restore the buffers bit for bit.
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "helpers.hpp"
#include "xgrad/io.hpp"
#include "xgrad/nn.hpp"
#include "xgrad/optim/sgd.hpp"

using namespace xgrad;
using xgrad::testing::bits;

namespace {

std::vector<std::string> names(const StateDict& state) {
    std::vector<std::string> result;
    for (const auto& entry : state.tensors) result.push_back(entry.first);
    return result;
}

double max_abs(const Tensor& t) {
    double m = 0;
    for (double v : t.to_vector()) m = std::max(m, std::abs(v));
    return m;
}

/// The example's CNN at a small size: conv - BN - ReLU - maxpool - linear.
std::shared_ptr<nn::Sequential> small_cnn() {
    return std::make_shared<nn::Sequential>(
        std::make_shared<nn::Conv2d>(nn::Conv2dOptions(1, 4, 3).padding(1)),
        std::make_shared<nn::BatchNorm2d>(4), std::make_shared<nn::ReLU>(),
        std::make_shared<nn::MaxPool2d>(2), std::make_shared<nn::Flatten>(),
        std::make_shared<nn::Dropout>(0.25), std::make_shared<nn::Linear>(4 * 3 * 3, 3));
}

void train_steps(nn::Module& model, optim::SGD& optimizer, int steps, std::uint64_t seed) {
    Generator data(seed);
    for (int s = 0; s < steps; ++s) {
        auto x = xt::xarray<float>::from_shape({5, 1, 6, 6});
        data.fill_normal(x.data(), x.size());
        optimizer.zero_grad();
        const Tensor out = model(Tensor(x));
        sum(out * out).backward();
        optimizer.step();
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(layer_modules)

BOOST_AUTO_TEST_CASE(state_dict_names_match_pytorch) {
    nn::Sequential model{
        std::make_shared<nn::Conv2d>(1, 2, 3),
        std::make_shared<nn::BatchNorm2d>(2),
        std::make_shared<nn::LayerNorm>(Shape{3}),
        std::make_shared<nn::GroupNorm>(1, 2),
        std::make_shared<nn::Embedding>(4, 3),
        std::make_shared<nn::ConvTranspose2d>(nn::ConvTranspose2dOptions(2, 6, 3).groups(2)),
        std::make_shared<nn::Conv1d>(nn::Conv1dOptions(2, 2, 3).bias(false))};
    const std::vector<std::string> expected{
        "0.bias",         "0.weight",      "1.bias",   "1.num_batches_tracked",
        "1.running_mean", "1.running_var", "1.weight", "2.bias",
        "2.weight",       "3.bias",        "3.weight", "4.weight",
        "5.bias",         "5.weight",      "6.weight"};
    BOOST_TEST(names(model.state_dict()) == expected, boost::test_tools::per_element());
    BOOST_TEST(model.parameters().size() == 12u);  // buffers are not parameters
    const auto state = model.state_dict().tensors;
    BOOST_TEST(state.at("5.weight").shape() == Shape({2, 3, 3, 3}));  // (in, out / groups, k, k)
    BOOST_TEST(state.at("1.running_var").to_vector() == std::vector<double>({1, 1}));
    BOOST_TEST(state.at("1.num_batches_tracked").item() == 0.0);
}

BOOST_AUTO_TEST_CASE(default_initialisation_has_pytorchs_bounds) {
    manual_seed(3);
    nn::Conv2d conv(16, 32, 3);  // fan_in 144: weight and bias in U(-1/12, 1/12)
    const double bound = 1.0 / 12.0;
    BOOST_TEST(max_abs(conv.weight()) <= bound);
    BOOST_TEST(max_abs(conv.weight()) > 0.95 * bound);
    BOOST_TEST(max_abs(conv.bias()) <= bound);
    nn::Conv2d depthwise(nn::Conv2dOptions(8, 8, 3).padding(1).groups(8));  // fan_in 9
    BOOST_TEST(max_abs(depthwise.weight()) <= 1.0 / 3.0);
    BOOST_TEST(max_abs(depthwise.weight()) > 0.8 / 3.0);
    nn::ConvTranspose2d transposed(4, 6, 2);  // fan_in = weight.size(1) * 4 = 24
    BOOST_TEST(max_abs(transposed.weight()) <= 1.0 / std::sqrt(24.0));
    nn::Embedding table(50, 8, -1);
    BOOST_TEST(max_abs(table.weight()) > 1.5);  // N(0, 1)
    const auto rows = table.weight().to_vector();
    BOOST_TEST(std::all_of(rows.end() - 8, rows.end(), [](double v) { return v == 0.0; }));
    BOOST_TEST(table.describe() == "Embedding(50, 8, padding_idx=49)");
}

BOOST_AUTO_TEST_CASE(batch_norm_statistics_follow_train_and_eval) {
    nn::BatchNorm1d bn(nn::BatchNorm1dOptions(2).dtype(DType::Float64));
    const Tensor x = Tensor({{1, 10}, {3, 14}, {5, 12}}, DType::Float64);
    const Tensor y = bn(x);
    // Batch mean (3, 12), biased variance (8/3, 8/3) normalizes; unbiased (4, 4) updates.
    BOOST_TEST(std::abs(y.to_vector()[0] - (1 - 3) / std::sqrt(8.0 / 3.0 + 1e-5)) < 1e-12);
    BOOST_TEST(std::abs(bn.running_mean().to_vector()[0] - 0.3) < 1e-12);
    BOOST_TEST(std::abs(bn.running_mean().to_vector()[1] - 1.2) < 1e-12);
    BOOST_TEST(std::abs(bn.running_var().to_vector()[0] - (0.9 + 0.1 * 4)) < 1e-12);
    BOOST_TEST(bn.num_batches_tracked().item() == 1.0);
    bn.eval();
    const Tensor z = bn(x);
    BOOST_TEST(std::abs(z.to_vector()[0] - (1 - 0.3) / std::sqrt(1.3 + 1e-5)) < 1e-12);
    BOOST_TEST(bn.num_batches_tracked().item() == 1.0);  // evaluation counts nothing
    BOOST_TEST(std::abs(bn.running_mean().to_vector()[0] - 0.3) < 1e-12);

    // momentum unset: the cumulative average of the batch means.
    nn::BatchNorm1d average(
        nn::BatchNorm1dOptions(1).momentum(std::nullopt).affine(false).dtype(DType::Float64));
    average(Tensor({{2}, {4}}, DType::Float64));
    average(Tensor({{6}, {8}}, DType::Float64));
    BOOST_TEST(std::abs(average.running_mean().item() - 5.0) < 1e-12);
    BOOST_TEST(average.num_batches_tracked().item() == 2.0);
}

BOOST_AUTO_TEST_CASE(failing_forward_names_the_layer_and_changes_no_statistic) {
    nn::BatchNorm2d bn(3);
    const std::string before =
        bits(bn.running_mean()) + bits(bn.running_var()) + bits(bn.num_batches_tracked());
    XGRAD_CHECK_THROWS(bn(ones({2, 4, 5, 5})), ShapeError,
                       "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, "
                       "track_running_stats=True): expected an input of shape (N, C, H, W) with "
                       "C = 3, got (2, 4, 5, 5)");
    XGRAD_CHECK_THROWS(bn(ones({1, 3, 1, 1})), ValueError, "more than 1 value per channel");
    BOOST_TEST(bits(bn.running_mean()) + bits(bn.running_var()) + bits(bn.num_batches_tracked()) ==
               before);

    nn::Conv2d conv(1, 4, 3);
    XGRAD_CHECK_THROWS(conv(ones({1, 5, 5})), ShapeError,
                       "Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1)): expected an input of "
                       "shape (N, C, H, W) with C = 1, got (1, 5, 5)");
    XGRAD_CHECK_THROWS(conv(ones({2, 3, 5, 5})), ShapeError, "with C = 1, got (2, 3, 5, 5)");
    XGRAD_CHECK_THROWS(conv(ones({1, 1, 2, 2})), ShapeError,
                       "Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1)): conv2d: the kernel 3x3");
    XGRAD_CHECK_THROWS(nn::Conv2d(nn::Conv2dOptions(4, 6, 3).groups(4)), ValueError,
                       "groups=4 must divide in_channels=4 and out_channels=6");
    nn::Embedding table(5, 2);
    XGRAD_CHECK_THROWS(table(IndexArray{1, 5}), IndexError,
                       "Embedding(5, 2): embedding: index 5 (at flat position 1) is out of range "
                       "for a table of 5 rows");
    nn::MaxPool2d pool(3);
    XGRAD_CHECK_THROWS(pool(ones({1, 1, 2, 2})), ShapeError, "MaxPool2d(kernel_size=3, stride=3");
}

BOOST_AUTO_TEST_CASE(dropout2d_zeroes_whole_channels) {
    Generator generator(5);
    nn::Dropout2d drop(nn::Dropout2dOptions(0.5).generator(generator));
    const Tensor y = drop(ones({4, 8, 3, 3}));
    const auto v = y.to_vector();
    std::size_t zeroed = 0;
    for (std::size_t c = 0; c < 32; ++c) {
        const double first = v[c * 9];
        BOOST_TEST((first == 0.0 || first == 2.0));
        for (std::size_t i = 1; i < 9; ++i) BOOST_TEST(v[c * 9 + i] == first);
        zeroed += first == 0.0;
    }
    BOOST_TEST(zeroed > 4u);
    BOOST_TEST(zeroed < 28u);
    drop.eval();
    BOOST_TEST(drop(ones({1, 2, 2, 2})).to_vector() == std::vector<double>(8, 1.0));
}

BOOST_AUTO_TEST_CASE(checkpoint_restores_buffers_and_resumes_bit_exactly) {
    const auto path = (std::filesystem::temp_directory_path() / "xgrad-layers.ckpt").string();
    const auto options = optim::SGDOptions(0.01).momentum(0.9);

    manual_seed(11);
    auto model = small_cnn();
    optim::SGD optimizer(model->parameters(), options);
    train_steps(*model, optimizer, 3, 100);
    const std::vector<io::Component> parts{io::component("model", *model),
                                           io::component("optimizer", optimizer)};
    io::save_checkpoint(path, io::capture(parts, 0, 3));
    manual_seed(77);  // the dropout masks of the continued steps
    train_steps(*model, optimizer, 2, 200);

    manual_seed(12);  // different initial weights: everything must come from the checkpoint
    auto resumed = small_cnn();
    optim::SGD resumed_optimizer(resumed->parameters(), options);
    io::restore(io::load_checkpoint(path),
                {io::component("model", *resumed), io::component("optimizer", resumed_optimizer)});
    manual_seed(77);
    train_steps(*resumed, resumed_optimizer, 2, 200);
    std::filesystem::remove(path);

    const auto a = model->state_dict().tensors, b = resumed->state_dict().tensors;
    BOOST_TEST(a.at("1.num_batches_tracked").item() == 5.0);
    for (const auto& [name, tensor] : a) {
        BOOST_TEST_CONTEXT(name) { BOOST_TEST(bits(tensor) == bits(b.at(name))); }
    }
}

BOOST_AUTO_TEST_SUITE_END()
