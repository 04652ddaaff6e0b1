// Attention: scaled_dot_product_attention, MultiheadAttention and TransformerEncoderLayer against
// values printed by Python torch 1.13 (float64; the sdpa references computed there by hand as
// softmax(q kᵀ / sqrt(E) + mask) v, since torch 1.13 has no F.scaled_dot_product_attention),
// gradchecks in float64 (second order for the op) and the errors.
//
// The reference script fills every parameter, in named_parameters() order, with
// 0.5 sin(0.37 k) (k counting elements across parameters) and an input of shape s with
// cos(0.23 k + phase):
//   q = inp((2, 3, 4)); k = inp((2, 5, 4), 1.0); v = inp((2, 5, 3), 2.0); mask = inp((3, 5), 3.0)
//   mha = nn.MultiheadAttention(6, 2); x = inp((4, 2, 6)); kv = inp((5, 2, 6), 0.5)
//   kpm = [[F]*5, [F, F, F, T, T]]; am = inp((4, 5), 1.5) * 0.3
//   nn.TransformerEncoderLayer(6, 2, 8, dropout=0, batch_first=True, norm_first=...) on
//   inp((2, 4, 6), 0.7) with src_mask = triu(full((4, 4), -inf), 1)
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "helpers.hpp"
#include "xgrad/nn/attention.hpp"
#include "xgrad/nn/transformer.hpp"

using namespace xgrad;
using xgrad::testing::uniform;

namespace {

Tensor input(const Shape& shape, double phase = 0.0) {
    std::size_t count = 1;
    for (auto d : shape) count *= d;
    std::vector<double> values(count);
    for (std::size_t e = 0; e < count; ++e)
        values[e] = std::cos(0.23 * static_cast<double>(e) + phase);
    return from_vector(values, shape, DType::Float64);
}

void fill(nn::Module& module) {
    std::size_t offset = 0;
    for (auto& [name, p] : module.named_parameters()) {
        auto& a = p.value<double>();
        for (std::size_t e = 0; e < a.size(); ++e)
            a.data()[e] = 0.5 * std::sin(0.37 * static_cast<double>(offset + e));
        offset += a.size();
    }
}

/// The first values (row-major) and the sum of `t`, as the reference script prints them.
void check_values(const Tensor& t, const std::vector<double>& first, double total) {
    const std::vector<double> v = t.to_vector();
    for (std::size_t i = 0; i < first.size(); ++i)
        BOOST_TEST(v.at(i) == first[i], boost::test_tools::tolerance(1e-9));
    double s = 0.0;
    for (double x : v) s += x;
    BOOST_TEST(s == total, boost::test_tools::tolerance(1e-9));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(attention)

BOOST_AUTO_TEST_CASE(sdpa_matches_torch_with_an_additive_and_a_causal_mask) {
    const Tensor q = input({2, 3, 4}), k = input({2, 5, 4}, 1.0), v = input({2, 5, 3}, 2.0);
    check_values(scaled_dot_product_attention(q, k, v, input({3, 5}, 3.0)),
                 {-0.27049189174, -0.214727427536, -0.147653868815, -0.413786966029,
                  -0.330123306645, -0.229072973748},
                 -3.1762979171989967);
    const Tensor causal = scaled_dot_product_attention(q, k, v, Tensor(), true);
    check_values(causal,
                 {-0.416146836547, -0.612487565658, -0.776570283533, -0.597376184609,
                  -0.748543098898, -0.860286336612},
                 1.0325972949417312);
    // The causal flag is the additive mask of a 0/1 lower triangle.
    const Tensor allowed = from_vector(
        std::vector<double>{1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0}, {3, 5}, DType::Float64);
    BOOST_TEST(scaled_dot_product_attention(q, k, v, additive_mask(allowed)).to_vector() ==
                   causal.to_vector(),
               boost::test_tools::per_element());
    BOOST_TEST(causal_mask(3).to_vector()[1] == -std::numeric_limits<double>::infinity());
    BOOST_TEST(causal_mask(3).to_vector()[3] == 0.0);
}

BOOST_AUTO_TEST_CASE(sdpa_gradients_first_and_second_order) {
    const Tensor q = uniform({2, 3, 4}, 1), k = uniform({2, 5, 4}, 2), v = uniform({2, 5, 3}, 3);
    const Tensor mask = uniform({3, 5}, 4);
    const xgrad::testing::Fn f = [](const std::vector<Tensor>& in) {
        return scaled_dot_product_attention(in[0], in[1], in[2], in[3], false, 0.7);
    };
    XGRAD_CHECK_GRAD(f, {q, k, v, mask});
    const xgrad::testing::Fn second = [](const std::vector<Tensor>& in) {
        const Tensor y = scaled_dot_product_attention(in[0], in[1], in[2], Tensor(), true);
        const auto g = grad({sum(y * y)}, {in[0], in[1], in[2]}, {}, true, true);
        return concat({reshape(g[0], {24}), reshape(g[1], {40}), reshape(g[2], {30})});
    };
    XGRAD_CHECK_GRAD(second, {q, k, v});
}

BOOST_AUTO_TEST_CASE(multihead_attention_matches_torch) {
    nn::MultiheadAttention mha(nn::MultiheadAttentionOptions(6, 2).dtype(DType::Float64));
    const auto names = mha.named_parameters();
    BOOST_TEST(names.size() == 4u);
    BOOST_TEST(names[0].first == "in_proj_weight");
    BOOST_TEST(names[2].first == "out_proj.weight");
    fill(mha);
    mha.eval();
    const Tensor x = input({4, 2, 6}), kv = input({5, 2, 6}, 0.5);
    const Tensor padding =
        from_vector(std::vector<double>{0, 0, 0, 0, 0, 0, 0, 0, 1, 1}, {2, 5}, DType::Float64);
    const auto out = mha.forward(x, kv, kv, padding, true, input({4, 5}, 1.5) * 0.3);
    BOOST_TEST(out.output.shape() == (Shape{4, 2, 6}));
    check_values(out.output,
                 {-0.677415673872, -0.703997884113, 0.635967388415, -1.349604812875,
                  -0.506930459596, 0.445029345404},
                 -17.105931924084942);
    BOOST_TEST(out.weights.shape() == (Shape{2, 4, 5}));
    check_values(out.weights, {0.307132242203, 0.00583882783, 0.472866031873, 0.005573790313}, 8.0);
    const auto self = mha.forward(x, x, x, Tensor(), true, Tensor(), false);
    check_values(self.output, {-0.716811741304, -0.675453020025, 0.640849731025},
                 -17.203992520806075);
    BOOST_TEST(self.weights.shape() == (Shape{2, 2, 4, 4}));
    check_values(self.weights, {0.561443392826, 0.007123366482, 0.41410719473}, 16.0);
    // An unbatched input is a batch of one.
    const Tensor single = slice(x, 1, 0, 1);
    const auto unbatched = mha.forward(squeeze(single, 1), squeeze(single, 1), squeeze(single, 1));
    BOOST_TEST(unbatched.output.to_vector() == mha(single).to_vector(),
               boost::test_tools::tolerance(1e-12) << boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(multihead_attention_gradients) {
    manual_seed(5);
    nn::MultiheadAttention mha(
        nn::MultiheadAttentionOptions(4, 2).batch_first(true).dtype(DType::Float64));
    const Tensor x = uniform({2, 3, 4}, 9);
    std::vector<Tensor> inputs{x};
    for (auto& [name, p] : mha.named_parameters()) inputs.push_back(p);
    const xgrad::testing::Fn f = [&mha](const std::vector<Tensor>& in) { return mha(in[0]); };
    XGRAD_CHECK_GRAD(f, inputs);
}

BOOST_AUTO_TEST_CASE(transformer_encoder_layer_matches_torch_post_and_pre_norm) {
    for (bool norm_first : {false, true}) {
        nn::TransformerEncoderLayer layer(nn::TransformerEncoderLayerOptions(6, 2)
                                              .dim_feedforward(8)
                                              .dropout(0.0)
                                              .batch_first(true)
                                              .norm_first(norm_first)
                                              .dtype(DType::Float64));
        std::vector<std::string> names;
        for (const auto& [name, p] : layer.named_parameters()) names.push_back(name);
        const std::vector<std::string> torch_names{"self_attn.in_proj_weight",
                                                   "self_attn.in_proj_bias",
                                                   "self_attn.out_proj.weight",
                                                   "self_attn.out_proj.bias",
                                                   "linear1.weight",
                                                   "linear1.bias",
                                                   "linear2.weight",
                                                   "linear2.bias",
                                                   "norm1.weight",
                                                   "norm1.bias",
                                                   "norm2.weight",
                                                   "norm2.bias"};
        BOOST_TEST(names == torch_names, boost::test_tools::per_element());
        fill(layer);
        layer.eval();
        const Tensor y = layer.forward(input({2, 4, 6}, 0.7), causal_mask(4, DType::Float64));
        if (norm_first)
            check_values(y, {-0.137573741396, 0.34424754967, 1.403218435394, -0.996530330067},
                         -9.351544159832194);
        else
            check_values(y, {0.044900572442, -0.431570177076, -0.087492486018, -0.269101555031},
                         -6.758061045567471);
    }
}

BOOST_AUTO_TEST_CASE(sinusoidal_positions_are_the_papers) {
    const auto p = nn::sinusoidal_positions(3, 4, DType::Float64).to_vector();
    BOOST_TEST(p[0] == 0.0);
    BOOST_TEST(p[1] == 1.0);
    BOOST_TEST(p[4 * 2 + 0] == std::sin(2.0), boost::test_tools::tolerance(1e-15));
    BOOST_TEST(p[4 * 2 + 3] == std::cos(2.0 / 100.0), boost::test_tools::tolerance(1e-15));
    BOOST_CHECK_THROW(nn::sinusoidal_positions(3, 5), ValueError);
}

BOOST_AUTO_TEST_CASE(wrong_shapes_are_named_errors) {
    BOOST_CHECK_THROW(nn::MultiheadAttention(6, 4), ValueError);
    nn::MultiheadAttention mha(6, 2);
    XGRAD_CHECK_THROWS(mha(zeros({4, 2, 5})), ShapeError, "expected query (L, N, E)");
    XGRAD_CHECK_THROWS(mha.forward(zeros({4, 2, 6}), zeros({5, 3, 6}), zeros({5, 3, 6})),
                       ShapeError, "MultiheadAttention");
    XGRAD_CHECK_THROWS(
        mha.forward(zeros({4, 2, 6}), zeros({5, 2, 6}), zeros({5, 2, 6}), zeros({2, 4})),
        ShapeError, "key_padding_mask");
    XGRAD_CHECK_THROWS(mha.forward(zeros({4, 2, 6}), zeros({5, 2, 6}), zeros({5, 2, 6}), Tensor(),
                                   true, zeros({4, 4})),
                       ShapeError, "attn_mask");
    XGRAD_CHECK_THROWS(scaled_dot_product_attention(zeros({3, 4}), zeros({5, 3}), zeros({5, 2})),
                       ShapeError, "scaled_dot_product_attention");
    XGRAD_CHECK_THROWS(additive_mask(full({2, 2}, 0.5)), ValueError, "0s and 1s");
}

BOOST_AUTO_TEST_SUITE_END()
