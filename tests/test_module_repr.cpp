// module_repr: printing a module gives what PyTorch 1.13 prints for the same model, layer by layer
// and as a tree, and nn::summary() lists the parameters. The expected strings are torch's own,
// printed by /usr/bin/python3 with python3-torch 1.13 (print(model), repr(layer)).
#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "xgrad/nn.hpp"

using namespace xgrad;

namespace {

std::string printed(const nn::Module& module) {
    std::ostringstream out;
    out << module;
    return out.str();
}

/// torch: Net with self.features = nn.Sequential(nn.Conv2d(1, 8, 3), nn.Tanh()) and
/// self.head = nn.Linear(8, 2). Its class name is its description.
struct Net : nn::Module {
    Net() {
        register_module("features",
                        std::make_shared<nn::Sequential>(std::make_shared<nn::Conv2d>(1, 8, 3),
                                                         std::make_shared<nn::Tanh>()));
        register_module("head", std::make_shared<nn::Linear>(8, 2));
    }
    Tensor forward(const Tensor& x) override { return x; }
};

nn::Sequential mlp() {
    return nn::Sequential(std::make_shared<nn::Linear>(784, 256), std::make_shared<nn::ReLU>(),
                          std::make_shared<nn::Linear>(256, 10));
}

/// torch: nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
/// nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
/// nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.5), nn.Linear(64*7*7, 10))
nn::Sequential cnn() {
    return nn::Sequential(
        std::make_shared<nn::Conv2d>(nn::Conv2dOptions(1, 32, 3).padding(1)),
        std::make_shared<nn::BatchNorm2d>(32), std::make_shared<nn::ReLU>(),
        std::make_shared<nn::MaxPool2d>(2),
        std::make_shared<nn::Conv2d>(nn::Conv2dOptions(32, 64, 3).padding(1).bias(false)),
        std::make_shared<nn::BatchNorm2d>(64), std::make_shared<nn::ReLU>(),
        std::make_shared<nn::MaxPool2d>(2), std::make_shared<nn::Flatten>(),
        std::make_shared<nn::Dropout>(0.5), std::make_shared<nn::Linear>(64 * 7 * 7, 10));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(module_repr)

BOOST_AUTO_TEST_CASE(an_mlp_prints_as_torch_prints_it) {
    BOOST_TEST(printed(mlp()) ==
               "Sequential(\n"
               "  (0): Linear(in_features=784, out_features=256, bias=True)\n"
               "  (1): ReLU()\n"
               "  (2): Linear(in_features=256, out_features=10, bias=True)\n"
               ")");
}

BOOST_AUTO_TEST_CASE(a_cnn_prints_as_torch_prints_it) {
    BOOST_TEST(printed(cnn()) ==
               "Sequential(\n"
               "  (0): Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
               "  (1): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, "
               "track_running_stats=True)\n"
               "  (2): ReLU()\n"
               "  (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
               "  (4): Conv2d(32, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), "
               "bias=False)\n"
               "  (5): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, "
               "track_running_stats=True)\n"
               "  (6): ReLU()\n"
               "  (7): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
               "  (8): Flatten(start_dim=1, end_dim=-1)\n"
               "  (9): Dropout(p=0.5, inplace=False)\n"
               "  (10): Linear(in_features=3136, out_features=10, bias=True)\n"
               ")");
}

BOOST_AUTO_TEST_CASE(a_user_module_prints_its_class_name_and_nested_children_indented) {
    BOOST_TEST(printed(Net()) ==
               "Net(\n"
               "  (features): Sequential(\n"
               "    (0): Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1))\n"
               "    (1): Tanh()\n"
               "  )\n"
               "  (head): Linear(in_features=8, out_features=2, bias=True)\n"
               ")");
    BOOST_TEST(printed(nn::Sequential()) == "Sequential()");
}

BOOST_AUTO_TEST_CASE(every_layer_uses_torchs_words) {
    using std::make_shared;
    const std::vector<std::pair<std::shared_ptr<nn::Module>, std::string>> cases{
        {make_shared<nn::LeakyReLU>(0.2), "LeakyReLU(negative_slope=0.2)"},
        {make_shared<nn::Softplus>(), "Softplus(beta=1, threshold=20)"},
        {make_shared<nn::Softplus>(0.5), "Softplus(beta=0.5, threshold=20)"},
        {make_shared<nn::Sigmoid>(), "Sigmoid()"},
        {make_shared<nn::Dropout2d>(0.1), "Dropout2d(p=0.1, inplace=False)"},
        {make_shared<nn::Flatten>(0, 2), "Flatten(start_dim=0, end_dim=2)"},
        {make_shared<nn::Embedding>(50, 8, 49), "Embedding(50, 8, padding_idx=49)"},
        {make_shared<nn::Conv1d>(
             nn::Conv1dOptions(1, 4, 3).stride(2).padding(1).dilation(2).bias(false)),
         "Conv1d(1, 4, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,), bias=False)"},
        {make_shared<nn::Conv1d>(nn::Conv1dOptions(2, 4, 3).padding("same").groups(2)),
         "Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=same, groups=2)"},
        {make_shared<nn::Conv2d>(nn::Conv2dOptions(2, 4, 3).padding("valid")),
         "Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1), padding=valid)"},
        {make_shared<nn::Conv2d>(nn::Conv2dOptions(2, 4, Pair2(3, 5))
                                     .stride(2)
                                     .padding(Pair2(1, 2))
                                     .dilation(Pair2(2, 1))
                                     .groups(2)
                                     .bias(false)),
         "Conv2d(2, 4, kernel_size=(3, 5), stride=(2, 2), padding=(1, 2), dilation=(2, 1), "
         "groups=2, bias=False)"},
        {make_shared<nn::ConvTranspose2d>(
             nn::ConvTranspose2dOptions(4, 2, 3).stride(2).padding(1).output_padding(1).bias(
                 false)),
         "ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), "
         "output_padding=(1, 1), bias=False)"},
        {make_shared<nn::ConvTranspose2d>(nn::ConvTranspose2dOptions(4, 2, 3)
                                              .stride(2)
                                              .padding(1)
                                              .output_padding(1)
                                              .groups(2)
                                              .dilation(2)),
         "ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), "
         "dilation=(2, 2), output_padding=(1, 1), groups=2)"},
        {make_shared<nn::MaxPool2d>(
             nn::MaxPool2dOptions(Pair2(2, 3)).stride(1).padding(1).ceil_mode(true)),
         "MaxPool2d(kernel_size=(2, 3), stride=1, padding=1, dilation=1, ceil_mode=True)"},
        {make_shared<nn::MaxPool1d>(nn::MaxPool1dOptions(3).stride(2).dilation(2)),
         "MaxPool1d(kernel_size=3, stride=2, padding=0, dilation=2, ceil_mode=False)"},
        {make_shared<nn::AvgPool2d>(nn::AvgPool2dOptions(2).padding(1).divisor_override(3)),
         "AvgPool2d(kernel_size=2, stride=2, padding=1)"},
        {make_shared<nn::AvgPool1d>(4, 2),
         "AvgPool1d(kernel_size=(4,), stride=(2,), padding=(0,))"},
        {make_shared<nn::AdaptiveAvgPool2d>(1), "AdaptiveAvgPool2d(output_size=1)"},
        {make_shared<nn::AdaptiveAvgPool2d>(Pair2(2, 3)), "AdaptiveAvgPool2d(output_size=(2, 3))"},
        {make_shared<nn::Linear>(3, 2, false), "Linear(in_features=3, out_features=2, bias=False)"},
        {make_shared<nn::BatchNorm1d>(nn::BatchNorm1dOptions(8)
                                          .eps(1e-3)
                                          .momentum(std::nullopt)
                                          .affine(false)
                                          .track_running_stats(false)),
         "BatchNorm1d(8, eps=0.001, momentum=None, affine=False, track_running_stats=False)"},
        {make_shared<nn::LayerNorm>(nn::LayerNormOptions({4, 5}).elementwise_affine(false)),
         "LayerNorm((4, 5), eps=1e-05, elementwise_affine=False)"},
        {make_shared<nn::LayerNorm>(Shape{10}, 1e-6),
         "LayerNorm((10,), eps=1e-06, elementwise_affine=True)"},
        {make_shared<nn::GroupNorm>(nn::GroupNormOptions(2, 4).affine(false)),
         "GroupNorm(2, 4, eps=1e-05, affine=False)"},
        {make_shared<nn::LSTM>(
             nn::LSTMOptions(10, 20).num_layers(2).batch_first(true).bidirectional(true)),
         "LSTM(10, 20, num_layers=2, batch_first=True, bidirectional=True)"},
        {make_shared<nn::RNN>(nn::RNNOptions(3, 4).nonlinearity("relu").bias(false).dropout(0.5)),
         "RNN(3, 4, bias=False, dropout=0.5)"},
        {make_shared<nn::GRU>(3, 4), "GRU(3, 4)"},
        {make_shared<nn::GRUCell>(3, 4), "GRUCell(3, 4)"},
        {make_shared<nn::LSTMCell>(3, 4), "LSTMCell(3, 4)"},
        {make_shared<nn::RNNCell>(nn::RNNCellOptions(3, 4).bias(false).nonlinearity("relu")),
         "RNNCell(3, 4, bias=False, nonlinearity=relu)"},
    };
    for (const auto& [module, torch] : cases) BOOST_TEST(printed(*module) == torch);
}

BOOST_AUTO_TEST_CASE(summary_lists_each_parameter_and_the_total) {
    BOOST_TEST(nn::summary(mlp()) ==
               "parameter  shape        count\n"
               "0.weight   (256, 784)  200704\n"
               "0.bias     (256,)         256\n"
               "2.weight   (10, 256)     2560\n"
               "2.bias     (10,)           10\n"
               "total                  203530\n");
    // torch: sum(p.numel() for p in cnn.parameters()) == 50314, over 9 tensors.
    const std::string table = nn::summary(cnn());
    BOOST_TEST(table.find("4.weight   (64, 32, 3, 3)  18432\n") != std::string::npos, table);
    BOOST_TEST(table.find("\ntotal                      50314\n") != std::string::npos, table);
    BOOST_TEST(std::count(table.begin(), table.end(), '\n') == 11);
}

BOOST_AUTO_TEST_SUITE_END()
