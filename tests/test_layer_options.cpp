// layer_options: every layer with optional arguments takes them through an options class with
// chained setters (libtorch's nn::Conv2dOptions(1, 32, 3).stride(2)). The options spelling builds
// the same layer as the deprecated positional one (describe(), parameter names, shapes, dtypes and
// values drawn from equal seeds), every setter takes effect, and a setter returns the object it
// was called on.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <optional>
#include <string>
#include <type_traits>

#include "helpers.hpp"
#include "xgrad/nn.hpp"

using namespace xgrad;
using namespace xgrad::nn;
using xgrad::testing::uniform;

namespace {

constexpr DType f64 = DType::Float64;

void check_same(const Module& by_options, const Module& positional) {
    BOOST_TEST(by_options.describe() == positional.describe());
    const NamedTensors a = by_options.named_parameters(), b = positional.named_parameters();
    BOOST_TEST_REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        BOOST_TEST(a[i].first == b[i].first);
        BOOST_TEST(shape_str(a[i].second.shape()) == shape_str(b[i].second.shape()));
        BOOST_TEST((a[i].second.dtype() == b[i].second.dtype()));
        BOOST_TEST(a[i].second.to_vector() == b[i].second.to_vector(),
                   boost::test_tools::per_element());
    }
    const NamedTensors c = by_options.named_buffers(), d = positional.named_buffers();
    BOOST_TEST_REQUIRE(c.size() == d.size());
    for (std::size_t i = 0; i < c.size(); ++i) BOOST_TEST(c[i].first == d[i].first);
}

std::string shape_of(Module& layer, const Tensor& input) { return shape_str(layer(input).shape()); }

/// The names of `layer`'s parameters, comma-separated.
std::string parameter_names(const Module& layer) {
    std::string names;
    for (const auto& [name, tensor] : layer.named_parameters())
        names += (names.empty() ? "" : ",") + name;
    return names;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(layer_options)

// Setters return the options object they were called on, by reference, so chains build one object.
BOOST_AUTO_TEST_CASE(setters_chain_on_the_same_object) {
    Conv2dOptions conv(1, 2, 3);
    BOOST_TEST(&conv.stride(2).padding(1).bias(false) == &conv);
    BOOST_TEST(conv.stride().h == 2u);
    BOOST_TEST(conv.padding().size.w == 1u);
    BOOST_TEST(!conv.bias());
    LSTMOptions lstm(4, 8);
    BOOST_TEST(&lstm.num_layers(2).batch_first(true) == &lstm);
    BatchNorm2dOptions bn(3);
    BOOST_TEST(&bn.eps(1e-3).momentum(std::nullopt) == &bn);
    BOOST_TEST(!bn.momentum().has_value());
    Generator g(1);
    LinearOptions linear(2, 3);
    BOOST_TEST(&linear.dtype(f64).generator(g) == &linear);
    BOOST_TEST(&linear.generator().get() == &g);
    BOOST_TEST(&LinearOptions(2, 3).generator().get() == &default_generator());
    static_assert(std::is_same_v<decltype(conv.stride(1)), Conv2dOptions&>);
    static_assert(std::is_same_v<decltype(MultiheadAttentionOptions(4, 2).dropout(0.1)),
                                 MultiheadAttentionOptions&>);
    // torch's defaults.
    BOOST_TEST(MaxPool2dOptions(3).stride().h == 3u);
    BOOST_TEST(TransformerEncoderLayerOptions(8, 2).dim_feedforward() == 2048u);
    BOOST_TEST(TransformerEncoderLayerOptions(8, 2).dropout() == 0.1);
    BOOST_TEST(BatchNormOptions(3).momentum().value() == 0.1);
    BOOST_TEST(RNNOptions(3, 4).nonlinearity() == "tanh");
}

// The layer keeps the options it was built with.
BOOST_AUTO_TEST_CASE(layers_return_their_options) {
    const Conv2d conv(Conv2dOptions(1, 4, 3).stride(2).dilation(2));
    BOOST_TEST(conv.options().stride().w == 2u);
    BOOST_TEST(conv.options().dilation().h == 2u);
    const Linear linear(LinearOptions(3, 2).bias(false));
    BOOST_TEST(linear.options().out_features() == 2u);
    BOOST_TEST(!linear.options().bias());
    const Embedding embed(EmbeddingOptions(5, 2).padding_idx(-1));
    BOOST_TEST(embed.options().padding_idx().value() == 4);  // made non-negative, as torch
}

// The positional tails are deprecated: built here on purpose, as the reference.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

BOOST_AUTO_TEST_CASE(convolutions_match_the_positional_spelling) {
    Generator g1(7), g2(7);
    check_same(Conv2d(Conv2dOptions(2, 4, 3)
                          .stride(2)
                          .padding(1)
                          .dilation(2)
                          .groups(2)
                          .bias(false)
                          .dtype(f64)
                          .generator(g1)),
               Conv2d(2, 4, 3, 2, 1, 2, 2, false, f64, g2));
    check_same(Conv1d(Conv1dOptions(2, 4, 3).padding("same").dilation(2).generator(g1)),
               Conv1d(2, 4, 3, 1, "same", 2, 1, true, DType::Float32, g2));
    check_same(ConvTranspose2d(ConvTranspose2dOptions(4, 2, 3)
                                   .stride(2)
                                   .padding(1)
                                   .output_padding(1)
                                   .groups(2)
                                   .bias(false)
                                   .dilation(2)
                                   .generator(g1)),
               ConvTranspose2d(4, 2, 3, 2, 1, 1, 2, false, 2, DType::Float32, g2));
    // The required arguments with the stride, by position as torch allows.
    manual_seed(3);
    const Conv2d short_form(1, 2, 3, 2);
    manual_seed(3);
    check_same(Conv2d(Conv2dOptions(1, 2, 3).stride(2)), short_form);
}

BOOST_AUTO_TEST_CASE(pooling_matches_the_positional_spelling) {
    check_same(MaxPool2d(MaxPool2dOptions(3).stride(2).padding(1).dilation(2).ceil_mode(true)),
               MaxPool2d(3, 2, 1, 2, true));
    check_same(MaxPool1d(MaxPool1dOptions(3).stride(1).padding(1).dilation(2)),
               MaxPool1d(3, 1, 1, 2));
    check_same(AvgPool2d(AvgPool2dOptions(2)
                             .stride(1)
                             .padding(1)
                             .ceil_mode(true)
                             .count_include_pad(false)
                             .divisor_override(3)),
               AvgPool2d(2, 1, 1, true, false, 3));
    check_same(AvgPool1d(AvgPool1dOptions(2).stride(1).padding(1).count_include_pad(false)),
               AvgPool1d(2, 1, 1, false, false));
    check_same(MaxPool2d(MaxPool2dOptions(2)), MaxPool2d(2, std::nullopt, 0));
}

BOOST_AUTO_TEST_CASE(normalization_matches_the_positional_spelling) {
    check_same(BatchNorm1d(BatchNorm1dOptions(4).eps(1e-3).momentum(std::nullopt).affine(false)),
               BatchNorm1d(4, 1e-3, std::nullopt, false));
    check_same(
        BatchNorm2d(BatchNorm2dOptions(3).momentum(0.2).track_running_stats(false).dtype(f64)),
        BatchNorm2d(3, 1e-5, 0.2, true, false, f64));
    check_same(LayerNorm(LayerNormOptions({4}).eps(1e-6).elementwise_affine(false)),
               LayerNorm({4}, 1e-6, false));
    check_same(GroupNorm(GroupNormOptions(2, 4).eps(1e-3).affine(false).dtype(f64)),
               GroupNorm(2, 4, 1e-3, false, f64));
    check_same(BatchNorm2d(BatchNorm2dOptions(3).eps(1e-3)), BatchNorm2d(3, 1e-3));
}

BOOST_AUTO_TEST_CASE(embedding_linear_dropout_match_the_positional_spelling) {
    Generator g1(3), g2(3);
    check_same(Embedding(EmbeddingOptions(10, 3).padding_idx(0).dtype(f64).generator(g1)),
               Embedding(10, 3, 0, f64, g2));
    check_same(Linear(LinearOptions(3, 2).bias(false).dtype(f64).generator(g1)),
               Linear(3, 2, false, f64, g2));
    check_same(Linear(LinearOptions(3, 2).generator(g1)), Linear(3, 2, true, DType::Float32, g2));

    // Dropout's generator draws the masks: equal seeds, equal masks.
    Dropout by_options(DropoutOptions(0.5).generator(g1)), positional(0.5, g2);
    const Tensor x = ones({64});
    BOOST_TEST(by_options(x).to_vector() == positional(x).to_vector(),
               boost::test_tools::per_element());
    Dropout2d channels(Dropout2dOptions(0.5).generator(g1)), channels_positional(0.5, g2);
    const Tensor maps = ones({2, 8, 2, 2});
    BOOST_TEST(channels(maps).to_vector() == channels_positional(maps).to_vector(),
               boost::test_tools::per_element());
    BOOST_TEST(channels.describe() == "Dropout2d(p=0.5, inplace=False)");
}

BOOST_AUTO_TEST_CASE(recurrent_layers_match_the_positional_spelling) {
    Generator g1(5), g2(5);
    check_same(RNN(RNNOptions(3, 4)
                       .num_layers(2)
                       .nonlinearity("relu")
                       .bias(false)
                       .batch_first(true)
                       .dropout(0.5)
                       .bidirectional(true)
                       .generator(g1)),
               RNN(3, 4, 2, "relu", false, true, 0.5, true, DType::Float32, g2));
    check_same(
        LSTM(LSTMOptions(3, 4).num_layers(2).batch_first(true).bidirectional(true).generator(g1)),
        LSTM(3, 4, 2, true, true, 0.0, true, DType::Float32, g2));
    check_same(
        GRU(GRUOptions(3, 4).num_layers(2).bias(false).dropout(0.25).dtype(f64).generator(g1)),
        GRU(3, 4, 2, false, false, 0.25, false, f64, g2));
    check_same(RNNCell(RNNCellOptions(3, 4).bias(false).nonlinearity("relu").generator(g1)),
               RNNCell(3, 4, false, "relu", DType::Float32, g2));
    check_same(LSTMCell(LSTMCellOptions(3, 4).bias(false).dtype(f64).generator(g1)),
               LSTMCell(3, 4, false, f64, g2));
    check_same(GRUCell(GRUCellOptions(3, 4).dtype(f64).generator(g1)),
               GRUCell(3, 4, true, f64, g2));
}

BOOST_AUTO_TEST_CASE(attention_matches_the_positional_spelling) {
    Generator g1(9), g2(9);
    check_same(MultiheadAttention(MultiheadAttentionOptions(8, 2)
                                      .dropout(0.1)
                                      .bias(false)
                                      .batch_first(true)
                                      .dtype(f64)
                                      .generator(g1)),
               MultiheadAttention(8, 2, 0.1, false, true, f64, g2));
    manual_seed(11);
    const TransformerEncoderLayer by_options(TransformerEncoderLayerOptions(8, 2)
                                                 .dim_feedforward(16)
                                                 .dropout(0.0)
                                                 .layer_norm_eps(1e-6)
                                                 .batch_first(true)
                                                 .norm_first(true)
                                                 .dtype(f64));
    manual_seed(11);
    const TransformerEncoderLayer positional(8, 2, 16, 0.0, nullptr, 1e-6, true, true, f64);
    check_same(by_options, positional);
}

#pragma GCC diagnostic pop

// Each setter changes what the layer computes or holds.
BOOST_AUTO_TEST_CASE(convolution_setters_take_effect) {
    const Tensor x = uniform({2, 2, 8, 8}, 1);
    Conv2d plain(Conv2dOptions(2, 4, 3).dtype(f64));
    BOOST_TEST(shape_of(plain, x) == "(2, 4, 6, 6)");
    Conv2d strided(Conv2dOptions(2, 4, 3).stride(2).dtype(f64));
    BOOST_TEST(shape_of(strided, x) == "(2, 4, 3, 3)");
    Conv2d padded(Conv2dOptions(2, 4, 3).padding(1).dtype(f64));
    BOOST_TEST(shape_of(padded, x) == "(2, 4, 8, 8)");
    Conv2d same(Conv2dOptions(2, 4, 3).padding("same").dtype(f64));
    BOOST_TEST(shape_of(same, x) == "(2, 4, 8, 8)");
    Conv2d dilated(Conv2dOptions(2, 4, 3).dilation(2).dtype(f64));
    BOOST_TEST(shape_of(dilated, x) == "(2, 4, 4, 4)");
    Conv2d grouped(Conv2dOptions(2, 4, 3).groups(2).dtype(f64));
    BOOST_TEST(shape_str(grouped.weight().shape()) == "(4, 1, 3, 3)");
    BOOST_TEST(parameter_names(Conv2d(Conv2dOptions(2, 4, 3).bias(false))) == "weight");
    BOOST_TEST(parameter_names(plain) == "weight,bias");
    BOOST_TEST((Conv2d(Conv2dOptions(2, 4, 3)).weight().dtype() == DType::Float32));
    BOOST_TEST((plain.weight().dtype() == f64));

    Conv1d conv1(Conv1dOptions(2, 3, 3).stride(2).padding(1).dtype(f64));
    BOOST_TEST(shape_of(conv1, uniform({1, 2, 9}, 2)) == "(1, 3, 5)");
    BOOST_TEST(parameter_names(Conv1d(Conv1dOptions(2, 3, 3).bias(false))) == "weight");

    const Tensor small = uniform({1, 4, 3, 3}, 3);
    ConvTranspose2d up(ConvTranspose2dOptions(4, 2, 3).stride(2).dtype(f64));
    BOOST_TEST(shape_of(up, small) == "(1, 2, 7, 7)");
    ConvTranspose2d up_padded(
        ConvTranspose2dOptions(4, 2, 3).stride(2).padding(1).output_padding(1).dtype(f64));
    BOOST_TEST(shape_of(up_padded, small) == "(1, 2, 6, 6)");
    ConvTranspose2d up_dilated(ConvTranspose2dOptions(4, 2, 3).dilation(2).dtype(f64));
    BOOST_TEST(shape_of(up_dilated, small) == "(1, 2, 7, 7)");
    BOOST_TEST(
        shape_str(ConvTranspose2d(ConvTranspose2dOptions(4, 2, 3).groups(2)).weight().shape()) ==
        "(4, 1, 3, 3)");
    BOOST_TEST(parameter_names(ConvTranspose2d(ConvTranspose2dOptions(4, 2, 3).bias(false))) ==
               "weight");
}

BOOST_AUTO_TEST_CASE(generator_setter_chooses_the_draws) {
    Generator a(1), b(1), c(2);
    const Linear from_a(LinearOptions(4, 3).generator(a)), from_b(LinearOptions(4, 3).generator(b)),
        from_c(LinearOptions(4, 3).generator(c));
    BOOST_TEST(from_a.weight().to_vector() == from_b.weight().to_vector(),
               boost::test_tools::per_element());
    BOOST_TEST((from_a.weight().to_vector() != from_c.weight().to_vector()));
    // Without a generator, the global one: reseeding it repeats the draw.
    manual_seed(4);
    const Linear first(LinearOptions(4, 3));
    manual_seed(4);
    const Linear second(4, 3);
    BOOST_TEST(first.weight().to_vector() == second.weight().to_vector(),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(pooling_setters_take_effect) {
    const Tensor x = uniform({1, 1, 8, 8}, 4);
    MaxPool2d pool(MaxPool2dOptions(2));
    BOOST_TEST(shape_of(pool, x) == "(1, 1, 4, 4)");
    MaxPool2d overlapping(MaxPool2dOptions(2).stride(1));
    BOOST_TEST(shape_of(overlapping, x) == "(1, 1, 7, 7)");
    MaxPool2d padded(MaxPool2dOptions(3).stride(2).padding(1));
    BOOST_TEST(shape_of(padded, x) == "(1, 1, 4, 4)");
    MaxPool2d dilated(MaxPool2dOptions(2).stride(1).dilation(2));
    BOOST_TEST(shape_of(dilated, x) == "(1, 1, 6, 6)");
    const Tensor odd = uniform({1, 1, 7, 7}, 5);
    MaxPool2d floor_mode(MaxPool2dOptions(2)), ceil_mode(MaxPool2dOptions(2).ceil_mode(true));
    BOOST_TEST(shape_of(floor_mode, odd) == "(1, 1, 3, 3)");
    BOOST_TEST(shape_of(ceil_mode, odd) == "(1, 1, 4, 4)");

    MaxPool1d pool1(MaxPool1dOptions(2).stride(1).padding(1).ceil_mode(true));
    BOOST_TEST(shape_of(pool1, uniform({1, 1, 6}, 6)) == "(1, 1, 7)");

    const Tensor ones4 = ones({1, 1, 4, 4});
    AvgPool2d counted(AvgPool2dOptions(2).padding(1));
    AvgPool2d uncounted(AvgPool2dOptions(2).padding(1).count_include_pad(false));
    AvgPool2d overridden(AvgPool2dOptions(2).divisor_override(1));
    BOOST_TEST(counted(ones4).to_vector()[0] == 0.25);  // one of four taps inside
    BOOST_TEST(uncounted(ones4).to_vector()[0] == 1.0);
    BOOST_TEST(overridden(ones4).to_vector()[0] == 4.0);
    AvgPool2d strided(AvgPool2dOptions(2).stride(1).ceil_mode(true));
    BOOST_TEST(shape_of(strided, ones4) == "(1, 1, 3, 3)");

    const Tensor row = ones({1, 1, 4});
    AvgPool1d avg1(AvgPool1dOptions(2).stride(1).padding(1));
    AvgPool1d avg1_uncounted(AvgPool1dOptions(2).stride(1).padding(1).count_include_pad(false));
    BOOST_TEST(shape_of(avg1, row) == "(1, 1, 5)");
    BOOST_TEST(avg1(row).to_vector()[0] == 0.5);
    BOOST_TEST(avg1_uncounted(row).to_vector()[0] == 1.0);
}

BOOST_AUTO_TEST_CASE(normalization_setters_take_effect) {
    BatchNorm2d bn(BatchNorm2dOptions(2).eps(1e-3).momentum(0.5).dtype(f64));
    BOOST_TEST(bn.describe() ==
               "BatchNorm2d(2, eps=0.001, momentum=0.5, affine=True, track_running_stats=True)");
    bn(uniform({4, 2, 3, 3}, 7, 1.0, 3.0));
    // Half of the batch mean (about 2) went into the running mean.
    for (double m : bn.running_mean().to_vector()) BOOST_TEST((m > 0.5 && m < 1.5));
    BOOST_TEST((bn.weight().dtype() == f64));
    BOOST_TEST(parameter_names(BatchNorm2d(BatchNorm2dOptions(2).affine(false))) == "");
    BOOST_TEST(
        BatchNorm1d(BatchNorm1dOptions(2).track_running_stats(false)).named_buffers().empty());
    BOOST_TEST(!BatchNorm1d(BatchNorm1dOptions(2).momentum(std::nullopt)).momentum().has_value());

    LayerNorm ln(LayerNormOptions({3}).eps(1e-2).elementwise_affine(false));
    BOOST_TEST(ln.describe() == "LayerNorm((3,), eps=0.01, elementwise_affine=False)");
    BOOST_TEST(parameter_names(ln) == "");
    BOOST_TEST((LayerNorm(LayerNormOptions({3}).dtype(f64)).weight().dtype() == f64));

    GroupNorm gn(GroupNormOptions(2, 4).eps(1e-2).affine(false));
    BOOST_TEST(gn.describe() == "GroupNorm(2, 4, eps=0.01, affine=False)");
    BOOST_TEST(parameter_names(gn) == "");
    BOOST_TEST((GroupNorm(GroupNormOptions(2, 4).dtype(f64)).weight().dtype() == f64));
}

BOOST_AUTO_TEST_CASE(embedding_linear_dropout_setters_take_effect) {
    const Embedding embed(EmbeddingOptions(5, 3).padding_idx(2).dtype(f64));
    BOOST_TEST(embed.describe() == "Embedding(5, 3, padding_idx=2)");
    const std::vector<double> table = embed.weight().to_vector();
    for (std::size_t j = 0; j < 3; ++j) BOOST_TEST(table[2 * 3 + j] == 0.0);
    BOOST_TEST((embed.weight().dtype() == f64));

    Linear linear(LinearOptions(3, 2).bias(false).dtype(f64));
    BOOST_TEST(parameter_names(linear) == "weight");
    BOOST_TEST(linear.describe() == "Linear(in_features=3, out_features=2, bias=False)");
    BOOST_TEST(shape_of(linear, uniform({4, 3}, 8)) == "(4, 2)");

    Dropout none(DropoutOptions(0.0)), all(DropoutOptions(1.0));
    const Tensor x = ones({16});
    BOOST_TEST(none(x).to_vector() == x.to_vector(), boost::test_tools::per_element());
    for (double v : all(x).to_vector()) BOOST_TEST(v == 0.0);
    BOOST_TEST(Dropout(DropoutOptions()).p() == 0.5);
}

BOOST_AUTO_TEST_CASE(recurrent_setters_take_effect) {
    const Tensor x = uniform({5, 2, 3}, 9);  // (L, N, I)
    LSTM plain(LSTMOptions(3, 4).dtype(f64));
    BOOST_TEST(shape_str(plain.forward(x, Tensor(), Tensor()).h_n.shape()) == "(1, 2, 4)");
    LSTM stacked(LSTMOptions(3, 4).num_layers(2).bidirectional(true).dtype(f64));
    const RNNOutput out = stacked.forward(x, Tensor(), Tensor());
    BOOST_TEST(shape_str(out.output.shape()) == "(5, 2, 8)");
    BOOST_TEST(shape_str(out.h_n.shape()) == "(4, 2, 4)");
    LSTM batch_first(LSTMOptions(3, 4).batch_first(true).dtype(f64));
    BOOST_TEST(shape_of(batch_first, x) == "(5, 2, 4)");  // read as N = 5, L = 2
    BOOST_TEST(batch_first.batch_first());
    BOOST_TEST(shape_str(batch_first.forward(x, Tensor(), Tensor()).h_n.shape()) == "(1, 5, 4)");
    BOOST_TEST(parameter_names(GRU(GRUOptions(3, 4).bias(false))) == "weight_ih_l0,weight_hh_l0");
    BOOST_TEST(GRU(GRUOptions(3, 4).num_layers(3).dropout(0.2)).dropout() == 0.2);

    // relu never goes negative; tanh does on these inputs.
    RNN relu(RNNOptions(3, 4).nonlinearity("relu").dtype(f64));
    for (double v : relu(x).to_vector()) BOOST_TEST(v >= 0.0);
    BOOST_TEST((relu.mode() == RNNMode::RNNRelu));
    BOOST_CHECK_THROW(RNN(RNNOptions(3, 4).nonlinearity("gelu")), ValueError);

    RNNCell cell(RNNCellOptions(3, 4).nonlinearity("relu").bias(false));
    BOOST_TEST((cell.mode() == RNNMode::RNNRelu));
    BOOST_TEST(parameter_names(cell) == "weight_ih,weight_hh");
    BOOST_TEST(parameter_names(LSTMCell(LSTMCellOptions(3, 4).bias(false))) ==
               "weight_ih,weight_hh");
    BOOST_TEST(
        (GRUCell(GRUCellOptions(3, 4).dtype(f64)).named_parameters()[0].second.dtype() == f64));
}

BOOST_AUTO_TEST_CASE(attention_setters_take_effect) {
    MultiheadAttention attn(MultiheadAttentionOptions(8, 2).bias(false).batch_first(true));
    BOOST_TEST(parameter_names(attn) == "in_proj_weight,out_proj.weight");
    BOOST_TEST(attn.batch_first());
    BOOST_TEST(attn.options().num_heads() == 2u);
    BOOST_TEST(
        MultiheadAttention(MultiheadAttentionOptions(8, 2).dropout(0.3)).options().dropout() ==
        0.3);

    TransformerEncoderLayer layer(
        TransformerEncoderLayerOptions(8, 2).dim_feedforward(16).dropout(0.0).dtype(f64));
    const NamedTensors params = layer.named_parameters();
    bool found = false;
    for (const auto& [name, tensor] : params)
        if (name == "linear1.weight") {
            found = true;
            BOOST_TEST(shape_str(tensor.shape()) == "(16, 8)");
            BOOST_TEST((tensor.dtype() == f64));
        }
    BOOST_TEST(found);
    // An activation of zero leaves the feed-forward block with its bias alone.
    const Tensor x = uniform({3, 1, 8}, 10);
    manual_seed(20);
    TransformerEncoderLayer zero_ff(TransformerEncoderLayerOptions(8, 2)
                                        .dim_feedforward(16)
                                        .dropout(0.0)
                                        .activation([](const Tensor& t) { return t * 0.0; })
                                        .dtype(f64));
    manual_seed(20);
    TransformerEncoderLayer relu_ff(
        TransformerEncoderLayerOptions(8, 2).dim_feedforward(16).dropout(0.0).dtype(f64));
    BOOST_TEST((zero_ff(x).to_vector() != relu_ff(x).to_vector()));
    // norm_first: the output of a pre-norm layer is not normalized.
    TransformerEncoderLayer pre(TransformerEncoderLayerOptions(8, 2)
                                    .dim_feedforward(16)
                                    .dropout(0.0)
                                    .norm_first(true)
                                    .dtype(f64));
    TransformerEncoderLayer post(
        TransformerEncoderLayerOptions(8, 2).dim_feedforward(16).dropout(0.0).dtype(f64));
    const Tensor big = uniform({3, 1, 8}, 11, 5.0, 10.0);
    double post_sum = 0.0, pre_sum = 0.0;
    for (double v : post(big).to_vector()) post_sum += v;
    for (double v : pre(big).to_vector()) pre_sum += v;
    BOOST_TEST(std::abs(post_sum) < 1e-3);  // each row of post-norm output has mean 0
    BOOST_TEST(std::abs(pre_sum) > 1.0);
    // batch_first reads (N, L, E): a key padding mask (N, S) must then match the first axis.
    TransformerEncoderLayer batch_first(
        TransformerEncoderLayerOptions(8, 2).dim_feedforward(16).batch_first(true).dtype(f64));
    BOOST_TEST(shape_str(batch_first.forward(uniform({2, 5, 8}, 12), Tensor(), zeros({2, 5}, f64))
                             .shape()) == "(2, 5, 8)");
}

// The layers build from options inside Sequential and register_module, as in libtorch.
BOOST_AUTO_TEST_CASE(sequential_of_options) {
    Sequential net{Conv2d(Conv2dOptions(1, 4, 3).padding(1).dtype(f64)),
                   BatchNorm2d(BatchNorm2dOptions(4).dtype(f64)),
                   ReLU(),
                   MaxPool2d(MaxPool2dOptions(2).stride(2)),
                   Flatten(),
                   Linear(LinearOptions(4 * 4 * 4, 10).bias(false).dtype(f64))};
    BOOST_TEST(shape_str(net(uniform({2, 1, 8, 8}, 13, -1.0, 1.0)).shape()) == "(2, 10)");
    BOOST_TEST(parameter_names(net) == "0.weight,0.bias,1.weight,1.bias,5.weight");
}

BOOST_AUTO_TEST_SUITE_END()
