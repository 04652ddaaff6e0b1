// nn: module registration and naming, modes, every layer (values and gradcheck), init
// distributions, the random generator, and module state dicts.
#include <cmath>
#include <sstream>

#include "helpers.hpp"
#include "xgrad/nn.hpp"

using namespace xgrad;
using xgrad::testing::uniform;
using V = std::vector<Tensor>;

namespace {

/// Two layers and a buffer: the usual shape of a user model.
struct Net : xgrad::nn::Module {
    std::shared_ptr<xgrad::nn::Linear> fc1, fc2;
    Tensor running;
    explicit Net(DType dtype = DType::Float32) {
        fc1 = register_module("fc1", std::make_shared<xgrad::nn::Linear>(
                                         xgrad::nn::LinearOptions(4, 3).dtype(dtype)));
        fc2 = register_module("fc2", std::make_shared<xgrad::nn::Linear>(
                                         xgrad::nn::LinearOptions(3, 2).dtype(dtype)));
        running = register_buffer("running", zeros({2}, dtype));
    }
    Tensor forward(const Tensor& x) override { return (*fc2)(relu((*fc1)(x))); }
};

std::vector<std::string> names_of(const xgrad::nn::NamedTensors& named) {
    std::vector<std::string> names;
    for (const auto& entry : named) names.push_back(entry.first);
    return names;
}

double max_abs_difference(const Tensor& a, const Tensor& b) {
    const auto x = a.to_vector(), y = b.to_vector();
    BOOST_REQUIRE_EQUAL(x.size(), y.size());
    double worst = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(x[i] - y[i]));
    return worst;
}

struct Moments {
    double mean = 0.0, variance = 0.0, min = 1e300, max = -1e300;
};

Moments moments(const Tensor& t) {
    const auto v = t.to_vector();
    Moments m;
    for (double x : v) {
        m.mean += x;
        m.min = std::min(m.min, x);
        m.max = std::max(m.max, x);
    }
    m.mean /= static_cast<double>(v.size());
    for (double x : v) m.variance += (x - m.mean) * (x - m.mean);
    m.variance /= static_cast<double>(v.size() - 1);
    return m;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nn)

BOOST_AUTO_TEST_CASE(named_parameters_are_recursive_and_dotted) {
    Net net;
    const std::vector<std::string> expected{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"};
    BOOST_TEST(names_of(net.named_parameters()) == expected, boost::test_tools::per_element());
    BOOST_TEST(net.parameters().size() == 4u);
    BOOST_TEST(net.named_parameters(false).empty());
    BOOST_TEST(names_of(net.named_buffers()) == std::vector<std::string>{"running"},
               boost::test_tools::per_element());
    for (const auto& p : net.parameters()) BOOST_TEST(p.requires_grad());
    BOOST_TEST(!net.running.requires_grad());
    BOOST_TEST(net.parameters()[0].same(net.fc1->weight()));
    const auto children = net.named_children();
    BOOST_REQUIRE_EQUAL(children.size(), 2u);
    BOOST_TEST(children[0].first == "fc1");
    BOOST_TEST(children[1].second.get() == net.fc2.get());
}

BOOST_AUTO_TEST_CASE(registration_errors) {
    struct Empty : xgrad::nn::Module {
        Tensor forward(const Tensor& x) override { return x; }
    } m;
    m.register_parameter("w", zeros({2}));
    XGRAD_CHECK_THROWS(m.register_parameter("w", zeros({2})), ValueError, "already registered");
    XGRAD_CHECK_THROWS(m.register_buffer("w", zeros({2})), ValueError, "already registered");
    XGRAD_CHECK_THROWS(m.register_module("w", std::make_shared<xgrad::nn::ReLU>()), ValueError,
                       "already registered");
    XGRAD_CHECK_THROWS(m.register_parameter("", zeros({2})), ValueError, "empty");
    XGRAD_CHECK_THROWS(m.register_buffer("", zeros({2})), ValueError, "empty");
    XGRAD_CHECK_THROWS(m.register_module("", std::make_shared<xgrad::nn::ReLU>()), ValueError,
                       "empty");
    XGRAD_CHECK_THROWS(m.register_parameter("a.b", zeros({2})), ValueError, "'.'");
    XGRAD_CHECK_THROWS(m.register_parameter("u", Tensor()), ValueError, "undefined");
    XGRAD_CHECK_THROWS(m.register_module("n", std::shared_ptr<xgrad::nn::ReLU>()), ValueError,
                       "null");
    const Tensor leaf = ones({2}, requires_grad());
    XGRAD_CHECK_THROWS(m.register_parameter("y", leaf * 2.0), ValueError, "not a leaf");
    // A failed registration leaves the module as it was.
    BOOST_TEST(m.named_parameters().size() == 1u);
    BOOST_TEST(m.named_buffers().empty());
    BOOST_TEST(m.named_children().empty());
}

BOOST_AUTO_TEST_CASE(shared_modules_count_once_and_cycles_are_rejected) {
    auto shared = std::make_shared<xgrad::nn::Linear>(2, 2);
    auto outer = std::make_shared<xgrad::nn::Sequential>(shared, shared);
    BOOST_TEST(outer->parameters().size() == 2u);  // listed once: an optimizer steps it once
    BOOST_TEST(outer->state_dict().tensors.size() == 4u);  // saved under both names
    auto inner = std::make_shared<xgrad::nn::Sequential>();
    auto top = std::make_shared<xgrad::nn::Sequential>();
    top->push_back(inner);
    XGRAD_CHECK_THROWS(inner->push_back(top), ValueError, "contain itself");
    XGRAD_CHECK_THROWS(inner->push_back(inner), ValueError, "contain itself");
}

BOOST_AUTO_TEST_CASE(train_and_eval_reach_every_submodule) {
    auto dropout = std::make_shared<xgrad::nn::Dropout>(0.5);
    auto inner = std::make_shared<xgrad::nn::Sequential>(dropout);
    xgrad::nn::Sequential model(std::make_shared<xgrad::nn::Linear>(2, 2), inner);
    BOOST_TEST(model.is_training());
    BOOST_TEST(dropout->is_training());
    model.eval();
    BOOST_TEST(!model.is_training());
    BOOST_TEST(!inner->is_training());
    BOOST_TEST(!dropout->is_training());
    model.train();
    BOOST_TEST(dropout->is_training());
}

BOOST_AUTO_TEST_CASE(zero_grad_drops_every_gradient) {
    Net net;
    sum(net(ones({5, 4}))).backward();
    for (const auto& p : net.parameters()) BOOST_TEST(p.grad().defined());
    net.zero_grad();
    for (const auto& p : net.parameters()) BOOST_TEST(!p.grad().defined());
}

BOOST_AUTO_TEST_CASE(calling_a_module_runs_forward) {
    Net net;
    const Tensor x = uniform({3, 4}, 11, -1, 1, false).to(DType::Float32);
    const Tensor expected = (*net.fc2)(relu((*net.fc1)(x)));
    BOOST_TEST(max_abs_difference(net(x), expected) == 0.0);
    BOOST_TEST(max_abs_difference(net.forward(x), expected) == 0.0);
}

BOOST_AUTO_TEST_CASE(linear_has_pytorch_layout_values_and_init) {
    xgrad::nn::Linear layer(3, 2);
    BOOST_TEST(layer.weight().shape() == (Shape{2, 3}));
    BOOST_TEST(layer.bias().shape() == (Shape{2}));
    BOOST_TEST(layer.weight().dtype() == DType::Float32);
    // PyTorch's init: kaiming_uniform(a=sqrt 5) and the bias both give U(-1/sqrt(in), 1/sqrt(in)).
    xgrad::nn::Linear wide(400, 300);
    const double bound = 1.0 / std::sqrt(400.0);
    const Moments w = moments(wide.weight()), b = moments(wide.bias());
    BOOST_TEST(w.min >= -bound);
    BOOST_TEST(w.max < bound);
    BOOST_TEST(w.min < -0.98 * bound);  // the whole range is used
    BOOST_TEST(w.max > 0.98 * bound);
    BOOST_TEST(std::abs(w.variance - bound * bound / 3.0) < 0.02 * bound * bound / 3.0);
    BOOST_TEST(b.min >= -bound);
    BOOST_TEST(b.max < bound);

    // y = x W^T + b on known values.
    Tensor weight = layer.weight(), bias = layer.bias();
    weight.value<float>() = xt::xarray<float>{{1, 2, 3}, {-1, 0, 1}};
    bias.value<float>() = xt::xarray<float>{0.5f, -0.5f};
    const Tensor y = layer(Tensor({{1, 1, 1}, {2, 0, -1}}));
    const std::vector<double> expected{6.5, -0.5, -0.5, -3.5};
    BOOST_TEST(y.to_vector() == expected, boost::test_tools::per_element());
    // 1-D and 3-D inputs.
    BOOST_TEST(layer(Tensor({1, 1, 1})).shape() == (Shape{2}));
    BOOST_TEST(layer(Tensor({1, 1, 1})).to_vector() == (std::vector<double>{6.5, -0.5}),
               boost::test_tools::per_element());
    BOOST_TEST(layer(zeros({4, 5, 3})).shape() == (Shape{4, 5, 2}));
    XGRAD_CHECK_THROWS(layer(zeros({2, 4})), ShapeError, "(2, 4)");
    XGRAD_CHECK_THROWS(xgrad::nn::Linear(0, 3), ValueError, "positive");

    xgrad::nn::Linear no_bias(3, 2, false);
    BOOST_TEST(!no_bias.bias().defined());
    BOOST_TEST(no_bias.parameters().size() == 1u);
    BOOST_TEST(no_bias.describe() == "Linear(in_features=3, out_features=2, bias=False)");
}

BOOST_AUTO_TEST_CASE(linear_init_is_reproducible_from_the_seed) {
    Generator a(42), b(42), c(43);
    using xgrad::nn::LinearOptions;
    xgrad::nn::Linear la(LinearOptions(5, 4).generator(a)), lb(LinearOptions(5, 4).generator(b)),
        lc(LinearOptions(5, 4).generator(c));
    BOOST_TEST(max_abs_difference(la.weight(), lb.weight()) == 0.0);
    BOOST_TEST(max_abs_difference(la.bias(), lb.bias()) == 0.0);
    BOOST_TEST(max_abs_difference(la.weight(), lc.weight()) > 0.0);
    manual_seed(7);
    xgrad::nn::Linear d1(5, 4);
    manual_seed(7);
    xgrad::nn::Linear d2(5, 4);
    BOOST_TEST(max_abs_difference(d1.weight(), d2.weight()) == 0.0);
}

BOOST_AUTO_TEST_CASE(linear_gradcheck) {
    xgrad::nn::Linear layer(xgrad::nn::LinearOptions(4, 3).dtype(DType::Float64));
    const Tensor x = uniform({5, 4}, 1);
    const auto fn = [&](const V& v) { return layer(v[0]); };
    XGRAD_CHECK_GRAD(fn, {x, layer.weight(), layer.bias()});
    const Tensor x3 = uniform({2, 2, 4}, 2);
    XGRAD_CHECK_GRAD(fn, {x3, layer.weight(), layer.bias()});
    XGRAD_CHECK_GRAD(fn, {uniform({4}, 3), layer.weight(), layer.bias()});
}

BOOST_AUTO_TEST_CASE(sequential_names_and_applies_in_order) {
    auto l1 =
        std::make_shared<xgrad::nn::Linear>(xgrad::nn::LinearOptions(4, 3).dtype(DType::Float64));
    auto l2 =
        std::make_shared<xgrad::nn::Linear>(xgrad::nn::LinearOptions(3, 2).dtype(DType::Float64));
    xgrad::nn::Sequential model(l1, std::make_shared<xgrad::nn::Tanh>(), l2);
    const std::vector<std::string> expected{"0.weight", "0.bias", "2.weight", "2.bias"};
    BOOST_TEST(names_of(model.named_parameters()) == expected, boost::test_tools::per_element());
    BOOST_TEST(model.size() == 3u);
    BOOST_TEST(model.at(2).get() == l2.get());
    XGRAD_CHECK_THROWS(model.at(3), IndexError, "out of range");
    const Tensor x = uniform({3, 4}, 4);
    BOOST_TEST(max_abs_difference(model(x), (*l2)(tanh((*l1)(x)))) == 0.0);
    XGRAD_CHECK_GRAD([&](const V& v) { return model(v[0]); },
                     {x, l1->weight(), l1->bias(), l2->weight(), l2->bias()});
    xgrad::nn::Sequential appended;
    appended.push_back(std::make_shared<xgrad::nn::ReLU>());
    appended.push_back(std::make_shared<xgrad::nn::Flatten>());
    BOOST_TEST(appended.named_children()[1].first == "1");
    std::ostringstream printed;
    printed << model;
    BOOST_TEST(printed.str().find("(1): Tanh()") != std::string::npos, printed.str());
    BOOST_TEST(printed.str().find("(2): Linear(in_features=3, out_features=2, bias=True)") !=
                   std::string::npos,
               printed.str());
}

BOOST_AUTO_TEST_CASE(activation_layers_values_and_gradcheck) {
    const Tensor x({-2.0, -0.5, 0.5, 3.0}, DType::Float64);
    const auto values = [](xgrad::nn::Module& m, const Tensor& x) { return m(x).to_vector(); };
    xgrad::nn::ReLU relu_layer;
    xgrad::nn::LeakyReLU leaky(0.1);
    xgrad::nn::Tanh tanh_layer;
    xgrad::nn::Sigmoid sigmoid_layer;
    xgrad::nn::Softplus softplus_layer, softplus_beta(2.0);
    const auto tol = boost::test_tools::tolerance(1e-12);
    BOOST_TEST(values(relu_layer, x) == (std::vector<double>{0, 0, 0.5, 3}),
               boost::test_tools::per_element());
    const std::vector<double> leaky_expected{-0.2, -0.05, 0.5, 3};
    for (std::size_t i = 0; i < leaky_expected.size(); ++i)
        BOOST_TEST(values(leaky, x)[i] == leaky_expected[i], tol);
    const auto v = x.to_vector();
    for (std::size_t i = 0; i < v.size(); ++i) {
        BOOST_TEST(values(tanh_layer, x)[i] == std::tanh(v[i]), tol);
        BOOST_TEST(values(sigmoid_layer, x)[i] == 1.0 / (1.0 + std::exp(-v[i])), tol);
        BOOST_TEST(values(softplus_layer, x)[i] == std::log1p(std::exp(v[i])), tol);
        BOOST_TEST(values(softplus_beta, x)[i] == std::log1p(std::exp(2.0 * v[i])) / 2.0, tol);
    }
    BOOST_TEST(xgrad::nn::Softplus(1.0)(Tensor({1000.0}, DType::Float64)).item() == 1000.0, tol);
    XGRAD_CHECK_THROWS(xgrad::nn::Softplus(0.0), ValueError, "beta");

    const Tensor input = xgrad::testing::away_from_zero({3, 4}, 5);
    for (xgrad::nn::Module* m : std::vector<xgrad::nn::Module*>{
             &relu_layer, &leaky, &tanh_layer, &sigmoid_layer, &softplus_layer, &softplus_beta})
        XGRAD_CHECK_GRAD([m](const V& v) { return (*m)(v[0]); }, {input});
}

BOOST_AUTO_TEST_CASE(dropout_masks_in_training_only) {
    Generator generator(3);
    xgrad::nn::Dropout dropout(xgrad::nn::DropoutOptions(0.25).generator(generator));
    const Tensor x = ones({200, 50}, DType::Float64);
    const auto y = dropout(x).to_vector();
    std::size_t zeros_seen = 0;
    for (double v : y) {
        BOOST_TEST((v == 0.0 || std::abs(v - 1.0 / 0.75) < 1e-12));
        zeros_seen += v == 0.0;
    }
    const double fraction = static_cast<double>(zeros_seen) / static_cast<double>(y.size());
    BOOST_TEST(std::abs(fraction - 0.25) < 0.02, "dropped fraction " << fraction);
    // A fresh mask each call; the same masks from the same seed.
    BOOST_TEST(max_abs_difference(dropout(x), dropout(x)) > 0.0);
    generator.manual_seed(9);
    const Tensor first = dropout(x);
    generator.manual_seed(9);
    BOOST_TEST(max_abs_difference(first, dropout(x)) == 0.0);

    dropout.eval();
    BOOST_TEST(dropout(x).same(x));
    dropout.train();
    BOOST_TEST(xgrad::nn::Dropout(0.0)(x).same(x));
    BOOST_TEST(moments(xgrad::nn::Dropout(1.0)(x)).max == 0.0);
    XGRAD_CHECK_THROWS(xgrad::nn::Dropout(1.5), ValueError, "p");
    XGRAD_CHECK_THROWS(xgrad::nn::Dropout(-0.1), ValueError, "p");

    // The gradient is masked and scaled like the values (same mask: reseed before each call).
    const Tensor input = uniform({4, 5}, 6);
    XGRAD_CHECK_GRAD(
        [&](const V& v) {
            generator.manual_seed(5);
            return dropout(v[0]);
        },
        {input});
}

BOOST_AUTO_TEST_CASE(flatten_merges_axes) {
    xgrad::nn::Flatten flatten_layer;
    BOOST_TEST(flatten_layer(zeros({2, 3, 4})).shape() == (Shape{2, 12}));
    BOOST_TEST(xgrad::nn::Flatten(0, -1)(zeros({2, 3, 4})).shape() == (Shape{24}));
    BOOST_TEST(xgrad::nn::Flatten(1, 2)(zeros({2, 3, 4, 5})).shape() == (Shape{2, 12, 5}));
    const Tensor x = uniform({2, 3, 2}, 7);
    BOOST_TEST(flatten_layer(x).to_vector() == x.to_vector(), boost::test_tools::per_element());
    XGRAD_CHECK_GRAD([&](const V& v) { return flatten_layer(v[0]); }, {x});
}

BOOST_AUTO_TEST_CASE(init_distributions_have_the_expected_moments) {
    Generator generator(2024);
    const auto t = [] { return zeros({300, 200}, DType::Float64); };
    const double fan_in = 200, fan_out = 300;

    Moments m = moments(xgrad::nn::init::uniform_(t(), -2.0, 4.0, generator));
    BOOST_TEST(std::abs(m.mean - 1.0) < 0.02);
    BOOST_TEST(std::abs(m.variance - 3.0) < 0.05);  // (b - a)^2 / 12
    BOOST_TEST(m.min >= -2.0);
    BOOST_TEST(m.max < 4.0);

    m = moments(xgrad::nn::init::normal_(t(), 0.5, 2.0, generator));
    BOOST_TEST(std::abs(m.mean - 0.5) < 0.03);
    BOOST_TEST(std::abs(std::sqrt(m.variance) - 2.0) < 0.02);

    const double xavier_bound = std::sqrt(6.0 / (fan_in + fan_out));
    m = moments(xgrad::nn::init::xavier_uniform_(t(), 1.0, generator));
    BOOST_TEST(m.max <= xavier_bound);
    BOOST_TEST(m.min >= -xavier_bound);
    BOOST_TEST(std::abs(m.variance / (2.0 / (fan_in + fan_out)) - 1.0) < 0.02);
    m = moments(xgrad::nn::init::xavier_normal_(t(), 2.0, generator));
    BOOST_TEST(std::abs(m.variance / (4.0 * 2.0 / (fan_in + fan_out)) - 1.0) < 0.02);
    BOOST_TEST(std::abs(m.mean) < 0.002);

    // He init for ReLU: Var = 2 / fan_in (fan_out with FanOut).
    m = moments(xgrad::nn::init::kaiming_normal_(t(), 0.0, xgrad::nn::init::FanMode::FanIn,
                                                 xgrad::nn::init::Nonlinearity::ReLU, generator));
    BOOST_TEST(std::abs(m.variance / (2.0 / fan_in) - 1.0) < 0.02);
    m = moments(xgrad::nn::init::kaiming_uniform_(t(), 0.0, xgrad::nn::init::FanMode::FanOut,
                                                  xgrad::nn::init::Nonlinearity::ReLU, generator));
    BOOST_TEST(std::abs(m.variance / (2.0 / fan_out) - 1.0) < 0.02);
    BOOST_TEST(m.max <= std::sqrt(6.0 / fan_out));

    m = moments(xgrad::nn::init::constant_(t(), 0.25));
    BOOST_TEST(m.min == 0.25);
    BOOST_TEST(m.max == 0.25);
    m = moments(xgrad::nn::init::zeros_(ones({3, 3})));
    BOOST_TEST(m.max == 0.0);
    BOOST_TEST(moments(xgrad::nn::init::ones_(zeros({3}))).min == 1.0);
}

BOOST_AUTO_TEST_CASE(init_gains_fans_and_errors) {
    using xgrad::nn::init::Nonlinearity;
    const auto tol = boost::test_tools::tolerance(1e-15);
    BOOST_TEST(xgrad::nn::init::calculate_gain(Nonlinearity::Linear) == 1.0);
    BOOST_TEST(xgrad::nn::init::calculate_gain(Nonlinearity::Sigmoid) == 1.0);
    BOOST_TEST(xgrad::nn::init::calculate_gain(Nonlinearity::Tanh) == 5.0 / 3.0, tol);
    BOOST_TEST(xgrad::nn::init::calculate_gain(Nonlinearity::ReLU) == std::sqrt(2.0), tol);
    BOOST_TEST(xgrad::nn::init::calculate_gain(Nonlinearity::LeakyReLU, std::sqrt(5.0)) ==
                   std::sqrt(1.0 / 3.0),
               tol);
    const auto fans = xgrad::nn::init::fan_in_and_fan_out(zeros({8, 3, 5, 5}));
    BOOST_TEST(fans.first == 75u);
    BOOST_TEST(fans.second == 200u);
    XGRAD_CHECK_THROWS(xgrad::nn::init::fan_in_and_fan_out(zeros({4})), ValueError, "2 dimensions");
    XGRAD_CHECK_THROWS(xgrad::nn::init::xavier_uniform_(zeros({4})), ValueError, "2 dimensions");
    XGRAD_CHECK_THROWS(xgrad::nn::init::kaiming_normal_(zeros({3, 0})), ValueError, "zero fan");
    const Tensor leaf = ones({2, 2}, requires_grad());
    XGRAD_CHECK_THROWS(xgrad::nn::init::zeros_(leaf * 2.0), ValueError, "leaf");
    XGRAD_CHECK_THROWS(xgrad::nn::init::uniform_(zeros({2}), 1.0, 0.0), ValueError, "low <= high");
    XGRAD_CHECK_THROWS(xgrad::nn::init::normal_(zeros({2}), 0.0, -1.0), ValueError, "std");
}

BOOST_AUTO_TEST_CASE(randn_and_rand_follow_the_global_seed) {
    manual_seed(123);
    const Tensor a = randn({1000, 100}, DType::Float64);
    const Tensor u = rand({1000, 100});
    manual_seed(123);
    BOOST_TEST(max_abs_difference(a, randn({1000, 100}, DType::Float64)) == 0.0);
    BOOST_TEST(max_abs_difference(u, rand({1000, 100})) == 0.0);
    const Moments n = moments(a), r = moments(u);
    BOOST_TEST(std::abs(n.mean) < 0.01);
    BOOST_TEST(std::abs(n.variance - 1.0) < 0.01);
    BOOST_TEST(std::abs(r.mean - 0.5) < 0.005);
    BOOST_TEST(std::abs(r.variance - 1.0 / 12.0) < 0.002);
    BOOST_TEST(r.min >= 0.0);
    BOOST_TEST(r.max < 1.0);
    BOOST_TEST(u.dtype() == DType::Float32);
    BOOST_TEST(randn({2}, requires_grad()).requires_grad());
}

BOOST_AUTO_TEST_CASE(generator_state_round_trips_as_text) {
    Generator generator(99);
    generator.normal();
    const std::string state = generator.state();
    std::vector<double> expected;
    for (int i = 0; i < 5; ++i) expected.push_back(generator.uniform());
    Generator other(1);
    other.set_state(state);
    BOOST_TEST(other.initial_seed() == 99u);
    for (int i = 0; i < 5; ++i) BOOST_TEST(other.uniform() == expected[i]);
    const std::string before = other.state();
    XGRAD_CHECK_THROWS(other.set_state("12 not numbers"), ValueError, "malformed");
    XGRAD_CHECK_THROWS(other.set_state(state + " 5"), ValueError, "malformed");
    BOOST_TEST(other.state() == before);  // unchanged by a failed restore
    XGRAD_CHECK_THROWS(generator.index(0), ValueError, "n > 0");
    for (int i = 0; i < 100; ++i) BOOST_TEST(generator.index(3) < 3u);
}

BOOST_AUTO_TEST_CASE(state_dict_round_trip_and_strict_checks) {
    manual_seed(1);
    Net source;
    source.running.value<float>() = xt::xarray<float>{1.5f, -2.5f};
    manual_seed(2);
    Net target;
    const StateDict state = source.state_dict();
    BOOST_TEST(state.tensors.size() == 5u);
    BOOST_TEST(state.tensors.count("fc2.bias") == 1u);
    BOOST_TEST(state.tensors.count("running") == 1u);
    // A snapshot: later changes to the module do not reach it.
    BOOST_TEST(!state.tensors.at("fc1.weight").same(source.fc1->weight()));

    const Tensor held = target.fc1->weight();  // a handle an optimizer would hold
    const xgrad::nn::LoadReport report = target.load_state_dict(state);
    BOOST_TEST(report.missing.empty());
    BOOST_TEST(report.unexpected.empty());
    BOOST_TEST(max_abs_difference(held, source.fc1->weight()) == 0.0);
    BOOST_TEST(max_abs_difference(target.running, source.running) == 0.0);

    StateDict partial = state;
    partial.tensors.erase("fc2.bias");
    partial.tensors["extra"] = zeros({1});
    XGRAD_CHECK_THROWS(target.load_state_dict(partial), ValueError, "missing: 'fc2.bias'");
    XGRAD_CHECK_THROWS(target.load_state_dict(partial), ValueError, "unexpected: 'extra'");
    const xgrad::nn::LoadReport loose = target.load_state_dict(partial, false);
    BOOST_TEST(loose.missing == std::vector<std::string>{"fc2.bias"},
               boost::test_tools::per_element());
    BOOST_TEST(loose.unexpected == std::vector<std::string>{"extra"},
               boost::test_tools::per_element());

    StateDict wrong = state;
    wrong.tensors["fc1.weight"] = zeros({3, 5});
    XGRAD_CHECK_THROWS(target.load_state_dict(wrong, false), ShapeError, "(3, 4)");
    XGRAD_CHECK_THROWS(target.load_state_dict(wrong, false), ShapeError, "(3, 5)");

    // Another dtype is converted.
    StateDict as_double;
    for (const auto& [name, tensor] : state.tensors)
        as_double.tensors[name] = tensor.to(DType::Float64);
    manual_seed(3);
    Net third;
    third.load_state_dict(as_double);
    BOOST_TEST(third.fc2->weight().dtype() == DType::Float32);
    BOOST_TEST(max_abs_difference(third.fc2->weight(), source.fc2->weight()) == 0.0);
}

BOOST_AUTO_TEST_CASE(to_converts_parameters_in_place) {
    Net net;
    const Tensor held = net.fc1->weight();
    const auto before = held.to_vector();
    net.to(DType::Float64);
    BOOST_TEST(held.dtype() == DType::Float64);
    BOOST_TEST(net.running.dtype() == DType::Float64);
    BOOST_TEST(held.to_vector() == before, boost::test_tools::per_element());
    BOOST_TEST(net(ones({1, 4}, DType::Float64)).dtype() == DType::Float64);
}

BOOST_AUTO_TEST_SUITE_END()
