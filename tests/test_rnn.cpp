// nn::LSTM: state_dict names, values against PyTorch 1.13 (numbers from torch.nn.LSTM with the
// weights and inputs below, float64), float64 gradchecks including the initial states, shape
// errors and a 1000-step sequence through backward.
#include <chrono>
#include <cmath>

#include "helpers.hpp"
#include "xgrad/nn/rnn.hpp"

using namespace xgrad;

namespace {
/// Fills parameter j (in state_dict order) with 0.5 sin(0.37 i + j), as the torch script did.
void fill_weights(nn::Module& m) {
    std::size_t j = 0;
    for (auto& [name, p] : m.named_parameters()) {
        auto& v = p.value<double>();
        for (std::size_t i = 0; i < v.size(); ++i) v.data()[i] = 0.5 * std::sin(0.37 * i + j);
        ++j;
    }
}
Tensor filled(const Shape& shape, double scale, double offset, bool cosine) {
    xt::xarray<double> v = xt::empty<double>(shape);
    for (std::size_t i = 0; i < v.size(); ++i)
        v.data()[i] = cosine ? scale * std::cos(0.11 * i) : scale * i + offset;
    return Tensor(v);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(rnn)

BOOST_AUTO_TEST_CASE(lstm_matches_torch) {
    nn::LSTM lstm(3, 2, true, DType::Float64);
    std::vector<std::string> names;
    for (auto& [name, p] : lstm.named_parameters()) names.push_back(name);
    const std::vector<std::string> torch_names{"weight_ih_l0", "weight_hh_l0", "bias_ih_l0",
                                               "bias_hh_l0"};
    BOOST_TEST(names == torch_names, boost::test_tools::per_element());
    fill_weights(lstm);
    const Tensor x = filled({4, 2, 3}, 0.3, 0, true);
    const Tensor h0 = filled({1, 2, 2}, 0.1, -0.2, false);
    const Tensor c0 = filled({1, 2, 2}, 0.05, 0, false);
    const auto r = lstm.forward(x, h0, c0);
    const std::vector<double> out{
        -0.16629134436207518, -0.154014565166321,   -0.15382160961326188, -0.167243697585371,
        -0.20692602017664527, -0.18344789222236588, -0.18484118289241724, -0.1691855524208646,
        -0.1755145055047625,  -0.15345538677358445, -0.14172161603929856, -0.13479690511386924,
        -0.11514028786604254, -0.1182250769476778,  -0.08626064399031749, -0.10551632344488727};
    const std::vector<double> c_n{-0.43158674120199236, -0.4830024125199651, -0.3372222181802753,
                                  -0.46346592048848223};
    BOOST_TEST((r.output.shape() == Shape{4, 2, 2}));
    BOOST_TEST((r.h_n.shape() == Shape{1, 2, 2}));
    double err = 0;
    for (std::size_t i = 0; i < out.size(); ++i)
        err = std::max(err, std::abs(r.output.value<double>().data()[i] - out[i]));
    for (std::size_t i = 0; i < 4; ++i) {
        err = std::max(err, std::abs(r.h_n.value<double>().data()[i] - out[12 + i]));
        err = std::max(err, std::abs(r.c_n.value<double>().data()[i] - c_n[i]));
    }
    BOOST_TEST_MESSAGE("LSTM max error vs torch: " << err);
    BOOST_TEST(err < 1e-12);
}

BOOST_AUTO_TEST_CASE(lstm_gradcheck_with_states) {
    nn::LSTM lstm(3, 2, true, DType::Float64);
    const Tensor x = testing::uniform({3, 2, 3}, 1);
    const Tensor h0 = testing::uniform({1, 2, 2}, 2);
    const Tensor c0 = testing::uniform({1, 2, 2}, 3);
    std::vector<Tensor> inputs{x, h0, c0};
    for (auto& [name, p] : lstm.named_parameters()) inputs.push_back(p);
    XGRAD_CHECK_GRAD(
        [&](const std::vector<Tensor>& in) {
            const auto r = lstm.forward(in[0], in[1], in[2]);
            return sum(r.output * r.output) + sum(r.h_n) + sum(r.c_n * r.c_n);
        },
        inputs);
}

BOOST_AUTO_TEST_CASE(lstm_shape_errors) {
    nn::LSTM lstm(3, 2);
    XGRAD_CHECK_THROWS(lstm(zeros({4, 2, 5})), ShapeError, "LSTM(3, 2): expected input");
    XGRAD_CHECK_THROWS(lstm.forward(zeros({4, 2, 3}), zeros({2, 2, 2}), Tensor()), ShapeError,
                       "initial states");
}

BOOST_AUTO_TEST_CASE(lstm_1000_steps_backward) {
    nn::LSTM lstm(8, 16);
    const auto start = std::chrono::steady_clock::now();
    const auto r = lstm.forward(testing::uniform({1000, 4, 8}, 5, -1, 1, false).to(DType::Float32),
                                Tensor(), Tensor());
    sum(r.output).backward();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST_MESSAGE("LSTM 1000 steps forward+backward: " << seconds << " s");
    BOOST_TEST(lstm.named_parameters()[1].second.grad().defined());
    BOOST_TEST(seconds < 30.0);
}

BOOST_AUTO_TEST_SUITE_END()
