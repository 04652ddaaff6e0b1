// module_holder: calling submodules through nn::ModuleHolder (fc1(x)), registering modules by
// value, Sequential from module temporaries, modules of several inputs and outputs, and what a
// move of a module carries and leaves behind.
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "helpers.hpp"
#include "xgrad/nn.hpp"

using namespace xgrad;
using xgrad::testing::bits;
using xgrad::testing::uniform;

namespace {

// Every built-in module moves without throwing: register_module and Sequential take them by value.
template <class... M>
constexpr bool all_movable = (std::is_nothrow_move_constructible_v<M> && ...);
static_assert(all_movable<nn::Linear, nn::ReLU, nn::LeakyReLU, nn::Tanh, nn::Sigmoid, nn::Softplus,
                          nn::Conv1d, nn::Conv2d, nn::ConvTranspose2d, nn::Dropout, nn::Dropout2d,
                          nn::Embedding, nn::Flatten, nn::BatchNorm1d, nn::BatchNorm2d,
                          nn::LayerNorm, nn::GroupNorm, nn::MaxPool1d, nn::MaxPool2d, nn::AvgPool1d,
                          nn::AvgPool2d, nn::AdaptiveAvgPool2d, nn::RNNCell, nn::LSTMCell,
                          nn::GRUCell, nn::RNN, nn::LSTM, nn::GRU, nn::MultiheadAttention,
                          nn::TransformerEncoderLayer, nn::Sequential, nn::AveragedModel>);
static_assert(!std::is_move_assignable_v<nn::Linear> && !std::is_copy_constructible_v<nn::Linear>);

std::vector<std::string> names_of(const nn::NamedTensors& named) {
    std::vector<std::string> names;
    for (const auto& entry : named) names.push_back(entry.first);
    return names;
}

/// The new spelling: holders initialised in declaration order.
struct Net : nn::Module {
    nn::ModuleHolder<nn::Linear> fc1 = register_module("fc1", nn::Linear(4, 3));
    nn::ModuleHolder<nn::Linear> fc2 = register_module("fc2", nn::Linear(3, 2));
    Tensor forward(const Tensor& x) override { return fc2(relu(fc1(x))); }
};

/// The same model registered in the constructor body.
struct BodyNet : nn::Module {
    nn::ModuleHolder<nn::Linear> fc1, fc2;
    BodyNet() {
        fc1 = register_module("fc1", nn::Linear(4, 3));
        fc2 = register_module("fc2", nn::Linear(3, 2));
    }
    Tensor forward(const Tensor& x) override { return fc2(relu(fc1(x))); }
};

/// The old spelling, which must keep compiling and naming the same way.
struct OldNet : nn::Module {
    std::shared_ptr<nn::Linear> fc1, fc2;
    OldNet() {
        fc1 = register_module("fc1", std::make_shared<nn::Linear>(4, 3));
        fc2 = register_module("fc2", std::make_shared<nn::Linear>(3, 2));
    }
    Tensor forward(const Tensor& x) override { return (*fc2)(relu((*fc1)(x))); }
};

/// A siamese pair: one encoder applied to two inputs, both encodings returned.
struct Siamese : nn::Module {
    nn::ModuleHolder<nn::Linear> encoder = register_module(
        "encoder", nn::Linear(nn::LinearOptions(2, 1).bias(false).dtype(DType::Float64)));
    using Module::forward;  // the one-tensor forward stays visible: no -Woverloaded-virtual
    std::pair<Tensor, Tensor> forward(const Tensor& a, const Tensor& b) {
        return {encoder(a), encoder(b)};
    }
};

/// The encoder's weight set to `w` (1, 2).
void set_weight(Siamese& net, double w0, double w1) {
    Tensor weight = net.encoder->weight();  // a handle: writes reach the parameter
    auto& w = weight.value<double>();
    w(0, 0) = w0;
    w(0, 1) = w1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(module_holder)

BOOST_AUTO_TEST_CASE(default_member_holders_register_in_declaration_order) {
    manual_seed(3);
    Net net;
    manual_seed(3);
    BodyNet body;
    manual_seed(3);
    OldNet old;
    const std::vector<std::string> expected{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"};
    BOOST_TEST(names_of(net.named_parameters()) == expected, boost::test_tools::per_element());
    BOOST_TEST(names_of(body.named_parameters()) == expected, boost::test_tools::per_element());
    // Same draws in the same order: the new spellings give the old one's weights.
    const auto old_state = old.state_dict().tensors;
    for (const auto& state : {net.state_dict().tensors, body.state_dict().tensors})
        for (const auto& [name, tensor] : old_state)
            BOOST_TEST(bits(state.at(name)) == bits(tensor), name);
    const Tensor x = uniform({5, 4}, 1).to(DType::Float32);
    BOOST_TEST(bits(net(x)) == bits(old(x)));
    // The holder is the registered module, and converts to the shared_ptr old code keeps.
    BOOST_TEST(net.named_children()[0].second.get() == net.fc1.get());
    std::shared_ptr<nn::Linear> as_shared = net.fc1;
    BOOST_TEST(as_shared->weight().shape() == (Shape{3, 4}));
}

BOOST_AUTO_TEST_CASE(holder_call_runs_hooks) {
    Net net;
    int pre = 0, post = 0;
    net.fc1->register_forward_pre_hook([&](nn::Module&, const Tensor&) { ++pre; });
    auto handle = net.fc1->register_forward_hook(
        [&](nn::Module&, const Tensor&, const Tensor& y) { return y * 0.0; });
    net.fc1->register_forward_hook([&](nn::Module&, const Tensor&, const Tensor&) { ++post; });
    const Tensor x = uniform({2, 4}, 2).to(DType::Float32);
    const Tensor y = net.fc1(x);
    BOOST_TEST(pre == 1);
    BOOST_TEST(post == 1);
    BOOST_TEST(y.to_vector() == std::vector<double>(6, 0.0), boost::test_tools::per_element());
    handle.remove();
    BOOST_TEST(bits(net.fc1(x)) == bits(net.fc1->forward(x)));
    BOOST_TEST(pre == 2);
}

BOOST_AUTO_TEST_CASE(empty_holder_names_its_type) {
    nn::ModuleHolder<nn::Linear> empty;
    nn::ModuleHolder<nn::Linear> null = nullptr;
    const Tensor x = uniform({2, 4}, 2).to(DType::Float32);
    XGRAD_CHECK_THROWS(empty(x), ValueError, "ModuleHolder<xgrad::nn::Linear>: called while empty");
    XGRAD_CHECK_THROWS(null(x), ValueError, "empty");
    nn::ModuleHolder<nn::LSTM> lstm;
    XGRAD_CHECK_THROWS(lstm(x, Tensor(), Tensor()), ValueError, "ModuleHolder<xgrad::nn::LSTM>");
    std::ostringstream printed;
    printed << empty;
    BOOST_TEST(printed.str() == "ModuleHolder(null)");
}

BOOST_AUTO_TEST_CASE(sequential_from_temporaries_names_and_prints_as_before) {
    // The old spelling, drawn in statement order, against the brace form (evaluated left to
    // right): same names, same values, same printout.
    manual_seed(11);
    auto l1 = std::make_shared<nn::Linear>(4, 3);
    auto l2 = std::make_shared<nn::Linear>(3, 2);
    auto old = std::make_shared<nn::Sequential>(l1, std::make_shared<nn::ReLU>(), l2);
    manual_seed(11);
    nn::ModuleHolder<nn::Sequential> model =
        nn::Sequential{nn::Linear(4, 3), nn::ReLU(), nn::Linear(3, 2)};
    const std::vector<std::string> expected{"0.weight", "0.bias", "2.weight", "2.bias"};
    BOOST_TEST(names_of(model->named_parameters()) == expected, boost::test_tools::per_element());
    const auto old_state = old->state_dict().tensors, new_state = model->state_dict().tensors;
    BOOST_TEST_REQUIRE(old_state.size() == new_state.size());
    for (const auto& [name, tensor] : old_state)
        BOOST_TEST(bits(new_state.at(name)) == bits(tensor), name);
    std::ostringstream old_printed, new_printed, holder_printed;
    old_printed << *old;
    new_printed << *model;
    holder_printed << model;
    BOOST_TEST(new_printed.str() == old_printed.str());
    BOOST_TEST(holder_printed.str() == old_printed.str());
    const Tensor x = uniform({2, 4}, 5).to(DType::Float32);
    BOOST_TEST(bits(model(x)) == bits((*old)(x)));

    // Mixed items: a temporary, a shared_ptr, a holder (shared, not moved), in parentheses.
    nn::ModuleHolder<nn::Linear> shared = nn::Linear(3, 2);
    nn::Sequential mixed(nn::Linear(4, 3), std::make_shared<nn::Tanh>(), shared);
    BOOST_TEST(names_of(mixed.named_parameters()) == expected, boost::test_tools::per_element());
    BOOST_TEST(mixed.at(2).get() == shared.get());
    auto appended = mixed.push_back(nn::Linear(2, 1));
    BOOST_TEST(mixed.named_children()[3].first == "3");
    BOOST_TEST(appended->out_features() == 1u);
}

BOOST_AUTO_TEST_CASE(siamese_gradient_reaches_both_branches) {
    nn::ModuleHolder<Siamese> net = Siamese();
    set_weight(*net, 0.5, -1.0);
    const Tensor a({1.0, 2.0}, DType::Float64), b({3.0, 1.0}, DType::Float64);
    auto [ya, yb] = net(a, b);  // two inputs, two outputs
    // ya = w.a = 0.5 - 2 = -1.5, yb = w.b = 1.5 - 1 = 0.5.
    BOOST_TEST(ya.to_vector() == std::vector<double>{-1.5}, boost::test_tools::per_element());
    BOOST_TEST(yb.to_vector() == std::vector<double>{0.5}, boost::test_tools::per_element());
    // d(ya yb)/dw = yb a + ya b = 0.5 (1, 2) - 1.5 (3, 1) = (-4, -0.5): both branches.
    sum(ya * yb).backward();
    BOOST_TEST(net->encoder->weight().grad().to_vector() == (std::vector<double>{-4.0, -0.5}),
               boost::test_tools::per_element());

    // Training pulls the two encodings 2 apart: loss (ya - yb - 2)^2 by plain gradient steps.
    double loss = 0.0;
    for (int step = 0; step < 50; ++step) {
        net->zero_grad();
        auto [pa, pb] = net(a, b);
        const Tensor diff = pa - pb - 2.0;
        const Tensor l = sum(diff * diff);
        l.backward();
        loss = l.item();
        NoGradGuard no_grad;
        Tensor weight = net->encoder->weight();
        weight.value<double>() -= 0.05 * weight.grad().value<double>();
    }
    BOOST_TEST(loss < 1e-6);
}

BOOST_AUTO_TEST_CASE(several_inputs_and_hooks_refuse_to_mix) {
    nn::ModuleHolder<Siamese> net = Siamese();
    const Tensor a({1.0, 2.0}, DType::Float64);
    // The one-tensor forward of a two-input module names the module.
    XGRAD_CHECK_THROWS(static_cast<nn::Module&>(*net)(a), ValueError,
                       "Siamese was called with one tensor");
    auto handle = net->register_forward_hook([](nn::Module&, const Tensor&, const Tensor&) {});
    XGRAD_CHECK_THROWS(net(a, a), ValueError, "Siamese has hooks");
    handle.remove();
    BOOST_CHECK_NO_THROW(net(a, a));
    // The index form of Embedding skips no hooks either.
    nn::Embedding embedding(5, 2);
    embedding.register_forward_pre_hook([](nn::Module&, const Tensor&) {});
    XGRAD_CHECK_THROWS(embedding(IndexArray{1, 2}), ValueError, "has hooks");
}

BOOST_AUTO_TEST_CASE(built_in_multi_input_layers_through_holders) {
    nn::ModuleHolder<nn::MultiheadAttention> attn = nn::MultiheadAttention(4, 2);
    const Tensor q = uniform({3, 1, 4}, 7, -1.0, 1.0, false).to(DType::Float32);
    const Tensor kv = uniform({5, 1, 4}, 8, -1.0, 1.0, false).to(DType::Float32);
    const auto out = attn(q, kv, kv);
    BOOST_TEST(bits(out.output) == bits(attn->forward(q, kv, kv).output));
    BOOST_TEST(out.weights.shape() == (Shape{1, 3, 5}));
    BOOST_TEST(bits(attn(q)) == bits(attn->forward(q)));  // the one-tensor self-attention

    nn::ModuleHolder<nn::LSTM> lstm = nn::LSTM(4, 3);
    const Tensor h0 = uniform({1, 1, 3}, 9, -1.0, 1.0, false).to(DType::Float32);
    const auto r = lstm(q, h0, h0);
    const auto direct = lstm->forward(q, h0, h0);
    BOOST_TEST(bits(r.output) == bits(direct.output));
    BOOST_TEST(bits(r.c_n) == bits(direct.c_n));

    nn::ModuleHolder<nn::TransformerEncoderLayer> layer = nn::TransformerEncoderLayer(
        nn::TransformerEncoderLayerOptions(4, 2).dim_feedforward(8).dropout(0.0));
    const Tensor mask = causal_mask(3);
    BOOST_TEST(bits(layer(q, mask)) == bits(layer->forward(q, mask)));
}

BOOST_AUTO_TEST_CASE(a_moved_module_keeps_its_tensors_once) {
    nn::Linear source(3, 2);
    const Tensor weight = source.weight();
    int calls = 0;
    auto handle =
        source.register_forward_hook([&](nn::Module&, const Tensor&, const Tensor&) { ++calls; });
    nn::Module parent;
    auto moved = parent.register_module("fc", std::move(source));
    BOOST_TEST(
        names_of(parent.named_parameters()) == (std::vector<std::string>{"fc.weight", "fc.bias"}),
        boost::test_tools::per_element());
    BOOST_TEST(moved->weight().node() == weight.node());  // the same tensor, not a copy
    BOOST_TEST(source.named_parameters().empty());
    const Tensor x = uniform({1, 3}, 4).to(DType::Float32);
    moved(x);
    BOOST_TEST(calls == 1);  // the hook moved with the module
    handle.remove();         // and its handle still reaches it
    moved(x);
    BOOST_TEST(calls == 1);
    XGRAD_CHECK_THROWS(source(x), ValueError, "was moved from");

    // A whole model moves with its holders and children consistent.
    Net net;
    const auto before = net.parameters();
    Net other(std::move(net));
    BOOST_TEST(other.parameters().size() == 4u);
    BOOST_TEST(other.parameters()[0].node() == before[0].node());
    BOOST_TEST(other.named_children()[1].second.get() == other.fc2.get());
    // Moving a module out from under its parent leaves a husk the parent does not hide.
    nn::Linear stolen = std::move(*other.fc1);
    XGRAD_CHECK_THROWS(other.parameters(), ValueError, "submodule 'fc1'");
    XGRAD_CHECK_THROWS(other(x), ValueError, "moved from");
}

BOOST_AUTO_TEST_SUITE_END()
