// Recurrent layers and cells (RNN, LSTM, GRU): values, gradients and state_dict names against
// PyTorch 1.13 (tests/data/rnn, made by tests/make_rnn_references.py), float64 gradchecks of the
// cells and of a 2-layer bidirectional stack with initial states, variable lengths, dropout,
// errors, and a long sequence through backward. Also split/chunk/unbind, the op
// that keeps backward through time O(L).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "helpers.hpp"
#include "layer_references.hpp"
#include "xgrad/function.hpp"
#include "xgrad/nn/rnn.hpp"

using namespace xgrad;
using xgrad::testing::from_json;
using xgrad::testing::max_error;
using xgrad::testing::uniform;

namespace {

/// Overwrites parameter `p` with `value` (same shape and dtype).
void assign(Tensor p, const Tensor& value) {
    if (p.dtype() == DType::Float64)
        p.value<double>() = value.value<double>();
    else
        p.value<float>() = value.value<float>();
}

nlohmann::json load_references() {
    std::ifstream in(std::string(XGRAD_TEST_DATA_DIR) + "/rnn/torch_reference.json");
    BOOST_REQUIRE_MESSAGE(in.good(),
                          "tests/data/rnn/torch_reference.json is missing: run "
                          "/usr/bin/python3 tests/make_rnn_references.py");
    return nlohmann::json::parse(in);
}

/// The xgrad module of a reference case, in `dtype`.
std::shared_ptr<nn::Module> build(const nlohmann::json& c, DType dtype) {
    const std::string kind = c["kind"];
    const auto& k = c["config"];
    const std::size_t in = k["input_size"], hidden = k["hidden_size"];
    const std::size_t layers = k.value("num_layers", 1);
    const bool bias = k.value("bias", true), batch_first = k.value("batch_first", false);
    const bool bidirectional = k.value("bidirectional", false);
    const std::string nonlinearity = k.value("nonlinearity", "tanh");
    if (kind == "LSTM")
        return std::make_shared<nn::LSTM>(nn::LSTMOptions(in, hidden)
                                              .num_layers(layers)
                                              .bias(bias)
                                              .batch_first(batch_first)
                                              .bidirectional(bidirectional)
                                              .dtype(dtype));
    if (kind == "GRU")
        return std::make_shared<nn::GRU>(nn::GRUOptions(in, hidden)
                                             .num_layers(layers)
                                             .bias(bias)
                                             .batch_first(batch_first)
                                             .bidirectional(bidirectional)
                                             .dtype(dtype));
    if (kind == "RNN")
        return std::make_shared<nn::RNN>(nn::RNNOptions(in, hidden)
                                             .num_layers(layers)
                                             .nonlinearity(nonlinearity)
                                             .bias(bias)
                                             .batch_first(batch_first)
                                             .bidirectional(bidirectional)
                                             .dtype(dtype));
    if (kind == "LSTMCell")
        return std::make_shared<nn::LSTMCell>(
            nn::LSTMCellOptions(in, hidden).bias(bias).dtype(dtype));
    if (kind == "GRUCell")
        return std::make_shared<nn::GRUCell>(
            nn::GRUCellOptions(in, hidden).bias(bias).dtype(dtype));
    return std::make_shared<nn::RNNCell>(
        nn::RNNCellOptions(in, hidden).bias(bias).nonlinearity(nonlinearity).dtype(dtype));
}

/// Runs a case's module on its inputs: output, h_n and c_n as the case names them.
std::map<std::string, Tensor> run(nn::Module& m, const std::string& kind,
                                  std::map<std::string, Tensor>& in, const nn::Lengths& lengths) {
    std::map<std::string, Tensor> out;
    auto keep = [&](const nn::RNNOutput& r) {
        out["output"] = r.output;
        out["h_n"] = r.h_n;
        if (r.c_n.defined()) out["c_n"] = r.c_n;
    };
    if (kind == "LSTM")
        keep(dynamic_cast<nn::LSTM&>(m).forward(in["input"], in["h0"], in["c0"], lengths));
    else if (kind == "GRU")
        keep(dynamic_cast<nn::GRU&>(m).forward(in["input"], in["h0"], lengths));
    else if (kind == "RNN")
        keep(dynamic_cast<nn::RNN&>(m).forward(in["input"], in["h0"], lengths));
    else if (kind == "LSTMCell") {
        const auto s = dynamic_cast<nn::LSTMCell&>(m).forward(in["input"], in["h0"], in["c0"]);
        out["h_n"] = s.h;
        out["c_n"] = s.c;
    } else if (kind == "GRUCell")
        out["h_n"] = dynamic_cast<nn::GRUCell&>(m).forward(in["input"], in["h0"]);
    else
        out["h_n"] = dynamic_cast<nn::RNNCell&>(m).forward(in["input"], in["h0"]);
    return out;
}

/// Every reference case: parameter names in torch's order, outputs and all gradients.
void compare_with_torch(DType dtype, double tol) {
    const auto references = load_references();
    for (const auto& c : references["cases"]) {
        const std::string name = c["name"], kind = c["kind"];
        BOOST_TEST_CONTEXT(name << " in " << dtype_name(dtype)) {
            const auto module = build(c, dtype);
            const auto params = module->named_parameters();
            BOOST_TEST_REQUIRE(params.size() == c["parameters"].size());
            std::vector<Tensor> leaves;
            std::vector<std::string> leaf_names;
            std::map<std::string, Tensor> inputs;
            for (const auto& [key, value] : c["inputs"].items()) {
                inputs[key] = from_json(value, dtype).requires_grad_(true);
                leaves.push_back(inputs[key]);
                leaf_names.push_back(key);
            }
            for (std::size_t i = 0; i < params.size(); ++i) {
                const auto& p = c["parameters"][i];
                BOOST_TEST(params[i].first == p["name"].get<std::string>());
                assign(params[i].second, from_json(p["value"], dtype));
                leaves.push_back(params[i].second);
                leaf_names.push_back(params[i].first);
            }
            const auto out = run(*module, kind, inputs, c["lengths"].get<nn::Lengths>());
            Tensor loss = zeros({}, dtype);
            for (const auto& [key, value] : c["outputs"].items()) {
                BOOST_TEST_CONTEXT(key) {
                    BOOST_TEST_REQUIRE(out.count(key) == 1);
                    BOOST_TEST(max_error(out.at(key), from_json(value)) <= tol);
                    loss = loss + sum(out.at(key) * from_json(c["probes"][key], dtype));
                }
            }
            const auto grads = grad({loss}, leaves);
            for (std::size_t i = 0; i < leaves.size(); ++i)
                BOOST_TEST_CONTEXT("gradient of " << leaf_names[i]) {
                    BOOST_TEST(max_error(grads[i], from_json(c["grads"][leaf_names[i]])) <= tol);
                }
        }
    }
}

/// Fills every parameter of `m` with reproducible values in [-0.6, 0.6).
void fill_parameters(nn::Module& m, std::uint64_t seed) {
    for (auto& [name, p] : m.named_parameters()) assign(p, uniform(p.shape(), seed++, -0.6, 0.6));
}

std::vector<Tensor> with_parameters(std::vector<Tensor> inputs, const nn::Module& m) {
    for (auto& [name, p] : m.named_parameters()) inputs.push_back(p);
    return inputs;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rnn)

BOOST_AUTO_TEST_CASE(split_chunk_unbind_values) {
    const Tensor x(xt::xarray<double>{{0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}});
    const auto pieces = split(x, {2, 0, 3}, 1);
    BOOST_TEST_REQUIRE(pieces.size() == 3u);
    BOOST_TEST(pieces[0].to_vector() == std::vector<double>({0, 1, 5, 6}));
    BOOST_TEST((pieces[1].shape() == Shape{2, 0}));
    BOOST_TEST(pieces[2].to_vector() == std::vector<double>({2, 3, 4, 7, 8, 9}));
    std::vector<std::size_t> sizes;
    for (const auto& p : chunk(x, 4, 1)) sizes.push_back(p.shape()[1]);  // torch: 2, 2, 1
    BOOST_TEST(sizes == std::vector<std::size_t>({2, 2, 1}), boost::test_tools::per_element());
    BOOST_TEST(chunk(x, 2, 0).size() == 2u);
    const auto rows = unbind(x, 0), columns = unbind(x, -1);
    BOOST_TEST((rows[1].shape() == Shape{5}));
    BOOST_TEST(rows[1].to_vector() == std::vector<double>({5, 6, 7, 8, 9}));
    BOOST_TEST(columns.size() == 5u);
    BOOST_TEST(columns[3].to_vector() == std::vector<double>({3, 8}));
    XGRAD_CHECK_THROWS(split(x, {2, 2}, 1), ValueError, "add up to its length 5");
    XGRAD_CHECK_THROWS(chunk(x, 0, 1), ValueError, "chunk");
    XGRAD_CHECK_THROWS(unbind(x, 2), IndexError, "unbind");
}

BOOST_AUTO_TEST_CASE(split_chunk_unbind_gradients) {
    using V = std::vector<Tensor>;
    const Tensor x = uniform({3, 4, 2}, 11);
    // Pieces used unevenly, one not at all (its gradient is zeros), one twice.
    const auto f_unbind = [](const V& v) {
        const auto p = unbind(v[0], 1);
        return p[0] * 2.0 + p[1] * p[1] + p[3] * p[0];
    };
    const auto f_split = [](const V& v) {
        const auto p = split(v[0], {1, 2}, 0);
        return sum(p[1] * p[1], {0}) + squeeze(p[0], 0);
    };
    const auto f_chunk = [](const V& v) {
        const auto p = chunk(v[0], 2, -1);
        return concat({tanh(p[1]), p[0] * p[1]}, 0);
    };
    for (const auto& f : std::vector<std::function<Tensor(const V&)>>{f_unbind, f_split, f_chunk}) {
        XGRAD_CHECK_GRAD(f, {x});
        // Second order: v, p -> d sum(f(v) p) / dv, through split's own backward.
        const Shape out_shape = f({x}).shape();
        const auto gradient = [f](const V& v) {
            return grad({sum(f({v[0]}) * v[1])}, {v[0]}, {}, true, true)[0];
        };
        XGRAD_CHECK_GRAD(gradient, {x, uniform(out_shape, 12)});
    }
}

BOOST_AUTO_TEST_CASE(unbind_backward_assembles_the_gradient_once) {
    // The gradient of x is one op over the gradients of all the pieces (not a full-size gradient
    // per piece, summed: O(pieces^2)). create_graph keeps the op that made it.
    const Tensor x = uniform({50, 4}, 13);
    std::vector<Tensor> sums;
    for (const auto& row : unbind(x, 0)) sums.push_back(sum(row * row));
    const Tensor g = grad({sum(stack(sums))}, {x}, {}, true, true)[0];
    BOOST_TEST(g.op_name() == std::string("split_backward"));
    BOOST_TEST(g.node()->inputs.size() == 50u);
    BOOST_TEST(max_error(g, x * 2.0) < 1e-15);
    // And the time per row stays about flat (a message only: the machine's load decides).
    const Tensor big = uniform({8000, 4}, 14);
    const auto start = std::chrono::steady_clock::now();
    sums.clear();
    for (const auto& row : unbind(big, 0)) sums.push_back(sum(row));
    sum(stack(sums)).backward();
    BOOST_TEST_MESSAGE(
        "unbind into 8000 rows, forward+backward: "
        << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s");
    BOOST_TEST(big.grad().to_vector() == std::vector<double>(32000, 1.0));
}

BOOST_AUTO_TEST_CASE(modules_and_cells_match_torch_in_float64) {
    compare_with_torch(DType::Float64, 1e-12);
}

BOOST_AUTO_TEST_CASE(modules_and_cells_match_torch_in_float32) {
    compare_with_torch(DType::Float32, 1e-5);
}

BOOST_AUTO_TEST_CASE(cells_gradcheck) {
    const Tensor x = uniform({2, 3}, 21), h = uniform({2, 4}, 22), c = uniform({2, 4}, 23);
    nn::LSTMCell lstm(nn::LSTMCellOptions(3, 4).dtype(DType::Float64));
    XGRAD_CHECK_GRAD(
        [&](const std::vector<Tensor>& v) {
            const auto s = lstm.forward(v[0], v[1], v[2]);
            return concat({s.h, s.c}, 1);
        },
        with_parameters({x, h, c}, lstm));
    nn::GRUCell gru(nn::GRUCellOptions(3, 4).dtype(DType::Float64));
    XGRAD_CHECK_GRAD([&](const std::vector<Tensor>& v) { return gru.forward(v[0], v[1]); },
                     with_parameters({x, h}, gru));
    for (const char* act : {"tanh", "relu"}) {
        nn::RNNCell rnn(nn::RNNCellOptions(3, 4).nonlinearity(act).dtype(DType::Float64));
        XGRAD_CHECK_GRAD([&](const std::vector<Tensor>& v) { return rnn.forward(v[0], v[1]); },
                         with_parameters({x, h}, rnn));
    }
}

BOOST_AUTO_TEST_CASE(cells_gradcheck_second_order) {
    // v, p -> d sum(cell(v) p) / dv: the gradient is itself differentiable (chunk's backward
    // and the gate derivatives are written with differentiable ops).
    const Tensor x = uniform({2, 3}, 24), h = uniform({2, 2}, 25), c = uniform({2, 2}, 26);
    nn::LSTMCell lstm(nn::LSTMCellOptions(3, 2).dtype(DType::Float64));
    nn::GRUCell gru(nn::GRUCellOptions(3, 2).dtype(DType::Float64));
    const auto lstm_grad = [&](const std::vector<Tensor>& v) {
        const auto s = lstm.forward(v[0], v[1], v[2]);
        const auto g = grad({sum(s.h * v[3]) + sum(s.c * s.c)}, {v[0], v[1], v[2]}, {}, true, true);
        return concat({reshape(g[0], {6}), reshape(g[1], {4}), reshape(g[2], {4})});
    };
    XGRAD_CHECK_GRAD(lstm_grad, {x, h, c, uniform({2, 2}, 27)});
    const auto gru_grad = [&](const std::vector<Tensor>& v) {
        const auto g = grad({sum(gru.forward(v[0], v[1]) * v[2])}, {v[0], v[1]}, {}, true, true);
        return concat({reshape(g[0], {6}), reshape(g[1], {4})});
    };
    XGRAD_CHECK_GRAD(gru_grad, {x, h, uniform({2, 2}, 28)});
}

BOOST_AUTO_TEST_CASE(two_layer_bidirectional_gradcheck) {
    const Tensor x = uniform({3, 2, 2}, 31);
    const Tensor h0 = uniform({4, 2, 3}, 32), c0 = uniform({4, 2, 3}, 33);
    nn::LSTM lstm(nn::LSTMOptions(2, 3).num_layers(2).bidirectional(true).dtype(DType::Float64));
    XGRAD_CHECK_GRAD(
        [&](const std::vector<Tensor>& v) {
            const auto r = lstm.forward(v[0], v[1], v[2]);
            return concat({reshape(r.output, {36}), reshape(r.h_n, {24}), reshape(r.c_n, {24})});
        },
        with_parameters({x, h0, c0}, lstm));
    // batch_first: N = 3, L = 2
    nn::GRU gru(nn::GRUOptions(2, 3).num_layers(2).batch_first(true).bidirectional(true).dtype(
        DType::Float64));
    XGRAD_CHECK_GRAD(
        [&](const std::vector<Tensor>& v) {
            const auto r = gru.forward(v[0], v[1]);
            return concat({reshape(r.output, {36}), reshape(r.h_n, {36})});
        },
        with_parameters({x, uniform({4, 3, 3}, 34)}, gru));
}

BOOST_AUTO_TEST_CASE(lengths_gradcheck) {
    const Tensor x = uniform({4, 3, 2}, 41), h0 = uniform({2, 3, 3}, 42);
    nn::RNN rnn(nn::RNNOptions(2, 3).bidirectional(true).dtype(DType::Float64));
    XGRAD_CHECK_GRAD(
        [&](const std::vector<Tensor>& v) {
            const auto r = rnn.forward(v[0], v[1], {2, 4, 1});
            return concat({reshape(r.output, {72}), reshape(r.h_n, {18})});
        },
        with_parameters({x, h0}, rnn));
}

BOOST_AUTO_TEST_CASE(lengths_match_separate_runs) {
    // Each sequence run alone at its own length gives its rows of the padded run: the final
    // states at its own last step, the reverse direction from its own end, zeros past it.
    nn::LSTM lstm(nn::LSTMOptions(2, 3).num_layers(2).batch_first(true).bidirectional(true).dtype(
        DType::Float64));
    fill_parameters(lstm, 50);
    const Tensor x = uniform({3, 5, 2}, 51);
    const nn::Lengths lengths{2, 5, 4};
    const auto padded = lstm.forward(x, Tensor(), Tensor(), lengths);
    for (std::size_t b = 0; b < 3; ++b) {
        const auto n = static_cast<std::ptrdiff_t>(lengths[b]);
        const auto bb = static_cast<std::ptrdiff_t>(b);
        const auto alone =
            lstm.forward(slice(slice(x, 0, bb, bb + 1), 1, 0, n), Tensor(), Tensor());
        const Tensor rows = slice(padded.output, 0, bb, bb + 1);
        BOOST_TEST(max_error(slice(rows, 1, 0, n), alone.output) < 1e-14);
        if (n < 5)
            BOOST_TEST(max_error(slice(rows, 1, n, 5),
                                 zeros({1, static_cast<std::size_t>(5 - n), 6}, DType::Float64)) ==
                       0.0);
        BOOST_TEST(max_error(slice(padded.h_n, 1, bb, bb + 1), alone.h_n) < 1e-14);
        BOOST_TEST(max_error(slice(padded.c_n, 1, bb, bb + 1), alone.c_n) < 1e-14);
    }
}

BOOST_AUTO_TEST_CASE(dropout_between_layers_in_training_only) {
    nn::GRU gru(nn::GRUOptions(3, 4).num_layers(3).dropout(0.5).dtype(DType::Float64));
    const Tensor x = uniform({4, 2, 3}, 61);
    const Tensor a = gru(x), b = gru(x);
    BOOST_TEST(max_error(a, b) > 1e-3);  // different masks
    gru.eval();
    nn::GRU plain(nn::GRUOptions(3, 4).num_layers(3).dtype(DType::Float64));
    BOOST_TEST_REQUIRE(plain.load_state_dict(gru.state_dict()).missing.empty());
    BOOST_TEST(max_error(gru(x), plain(x)) == 0.0);
    nn::GRU one_layer(nn::GRUOptions(3, 4).dropout(0.9).dtype(DType::Float64));
    BOOST_TEST(max_error(one_layer(x), one_layer(x)) == 0.0);  // no layer after the last
}

BOOST_AUTO_TEST_CASE(state_dict_round_trip_resumes_the_same_function) {
    nn::LSTM a(nn::LSTMOptions(3, 4).num_layers(2).bidirectional(true).dtype(DType::Float64));
    nn::LSTM b(nn::LSTMOptions(3, 4).num_layers(2).bidirectional(true).dtype(DType::Float64));
    b.load_state_dict(a.state_dict());
    const Tensor x = uniform({3, 2, 3}, 71);
    BOOST_TEST(max_error(a(x), b(x)) == 0.0);
    std::vector<std::string> names;
    for (const auto& [name, p] : a.named_parameters()) names.push_back(name);
    BOOST_TEST(names.at(4) == "weight_ih_l0_reverse");
    BOOST_TEST(names.at(8) == "weight_ih_l1");
    BOOST_TEST((a.named_parameters()[8].second.shape() == Shape{16, 8}));
}

BOOST_AUTO_TEST_CASE(default_init_is_uniform_within_one_over_sqrt_hidden) {
    nn::GRU gru(5, 16, 2);
    for (const auto& [name, p] : gru.named_parameters()) {
        const auto v = p.to_vector();
        BOOST_TEST(*std::max_element(v.begin(), v.end()) <= 0.25);
        BOOST_TEST(*std::min_element(v.begin(), v.end()) >= -0.25);
        BOOST_TEST(*std::max_element(v.begin(), v.end()) > 0.2);
    }
}

BOOST_AUTO_TEST_CASE(errors_name_the_layer_and_the_layout) {
    nn::LSTM lstm(3, 4, 2);
    XGRAD_CHECK_THROWS(lstm(zeros({5, 2, 6})), ShapeError,
                       "LSTM(3, 4, num_layers=2): expected input (L, N, 3) or unbatched (L, 3)");
    XGRAD_CHECK_THROWS(lstm(zeros({2, 5, 2, 3})), ShapeError, "got (2, 5, 2, 3)");
    nn::GRU batch_first(nn::GRUOptions(3, 4).batch_first(true));
    XGRAD_CHECK_THROWS(batch_first(zeros({2, 5, 4})), ShapeError, "expected input (N, L, 3)");
    XGRAD_CHECK_THROWS(lstm.forward(zeros({5, 2, 3}), zeros({1, 2, 4}), Tensor()), ShapeError,
                       "expected h0 of shape (2, 2, 4)");
    XGRAD_CHECK_THROWS(lstm.forward(zeros({5, 2, 3}), Tensor(), zeros({2, 3, 4})), ShapeError,
                       "expected c0 of shape (2, 2, 4)");
    XGRAD_CHECK_THROWS(lstm.forward(zeros({5, 3}), zeros({2, 1, 4}), Tensor()), ShapeError,
                       "expected h0 of shape (2, 4)");
    XGRAD_CHECK_THROWS(lstm.forward(zeros({5, 2, 3}), Tensor(), Tensor(), {5, 6}), ValueError,
                       "lengths[1] = 6 is out of range for an input of 5 steps");
    XGRAD_CHECK_THROWS(lstm.forward(zeros({5, 2, 3}), Tensor(), Tensor(), {0, 2}), ValueError,
                       "lengths[0] = 0");
    XGRAD_CHECK_THROWS(lstm.forward(zeros({5, 2, 3}), Tensor(), Tensor(), {5}), ValueError,
                       "got 1 lengths for a batch of 2");
    nn::GRUCell cell(3, 4);
    XGRAD_CHECK_THROWS(cell(zeros({2, 4})), ShapeError, "GRUCell(3, 4): expected input (N, 3)");
    XGRAD_CHECK_THROWS(cell.forward(zeros({2, 3}), zeros({3, 4})), ShapeError,
                       "expected hidden state of shape (2, 4)");
    XGRAD_CHECK_THROWS(nn::RNN(nn::RNNOptions(3, 4).nonlinearity("sigmoid")), ValueError,
                       "unknown nonlinearity 'sigmoid'");
    XGRAD_CHECK_THROWS(nn::LSTM(nn::LSTMOptions(3, 4).num_layers(2).dropout(1.5)), ValueError,
                       "0 <= dropout <= 1");
    XGRAD_CHECK_THROWS(nn::GRU(3, 0), ValueError, "hidden_size=0");
}

BOOST_AUTO_TEST_CASE(long_sequence_backward) {
    // A thousand steps through backward: no recursion, although the graph is tens of thousands of
    // nodes deep. Linear work rests on unbind's single assembly (checked structurally above);
    // time is measured by bench/run (--case lstm), never asserted here.
    nn::LSTM lstm(nn::LSTMOptions(8, 16).bidirectional(true));
    const Tensor x =
        uniform({1000, 4, 8}, 5, -1.0, 1.0, false).to(DType::Float32).requires_grad_(true);
    const auto start = std::chrono::steady_clock::now();
    const auto r = lstm.forward(x, Tensor(), Tensor());
    (sum(r.output) + sum(r.c_n)).backward();
    BOOST_TEST_MESSAGE(
        "bidirectional LSTM(8, 16), batch 4, 1000 steps forward+backward: "
        << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s");
    for (const auto& [name, p] : lstm.named_parameters()) BOOST_TEST(p.grad().defined(), name);
    const std::vector<double> g = x.grad().to_vector();
    BOOST_TEST(std::all_of(g.begin(), g.end(), [](double v) { return std::isfinite(v); }));
    BOOST_TEST(std::any_of(g.begin(), g.end(), [](double v) { return v != 0.0; }));
}

BOOST_AUTO_TEST_SUITE_END()
