// The update rules: replay of PyTorch 1.13's golden trajectories (tests/data/golden), momentum by
// hand, state_dict round trips, skipped parameters, param groups, maximize, float32, and the
// hyperparameter errors.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "xgrad/autograd.hpp"
#include "xgrad/nn/utils.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduce.hpp"
#include "xgrad/ops/shape.hpp"
#include "xgrad/optim.hpp"

using namespace xgrad;
using namespace xgrad::optim;
using nlohmann::json;

namespace {

/// A golden file; Python's json writes float('inf') as the bare token Infinity, which strict
/// JSON parsers refuse: it is read as the string "Infinity" (see json_number()).
json load_golden(const std::string& file) {
    std::ifstream in(std::string(XGRAD_TEST_DATA_DIR) + "/golden/" + file);
    BOOST_REQUIRE_MESSAGE(in, "cannot open golden file " << file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return json::parse(std::regex_replace(text, std::regex(": (-?Infinity)"), ": \"$1\""));
}

/// A number of a golden file, Python's Infinity included.
double json_number(const json& value) {
    if (value.is_string()) return value == "-Infinity" ? -INFINITY : INFINITY;
    return value.get<double>();
}

/// A fresh parameter (a leaf that requires grad) with these values.
Tensor parameter(const std::vector<double>& values, DType dtype = DType::Float64) {
    return dispatch(dtype, [&](auto tag) {
        using T = decltype(tag);
        xt::xarray<T> array = xt::zeros<T>({values.size()});
        std::copy(values.begin(), values.end(), array.begin());
        return Tensor(std::move(array), requires_grad());
    });
}

/// f(θ) = (1 − θ0)² + 100·(θ1 − θ0²)², the golden files' problem, with xgrad's autograd ops.
Tensor rosenbrock(const Tensor& theta) {
    const Tensor x = slice(theta, 0, 0, 1);
    const Tensor y = slice(theta, 0, 1, 2);
    return sum(pow(1.0 - x, 2.0) + 100.0 * pow(y - pow(x, 2.0), 2.0));
}

Tensor problem_loss(const json& problem, const Tensor& theta) {
    const std::string name = problem["name"];
    if (name == "rosenbrock") return rosenbrock(theta);
    BOOST_FAIL("golden file defines an unknown problem: " << name);
    return Tensor();
}

/// Options of rule `Opt` from a golden file's param_group_hyperparameters, by PyTorch's names
/// ("betas.0" is betas[0]). Every hyperparameter of the file must be one the rule knows, apart
/// from PyTorch's implementation switches.
template <class Options>
Options options_from(const json& hp) {
    Options options;
    std::set<std::string> known = {"foreach", "differentiable", "capturable", "fused"};
    Options::visit(options, [&](const char* name, auto& field) {
        std::string key = name;
        json value;
        const auto dot = key.find('.');
        if (dot != std::string::npos) {
            const std::string base = key.substr(0, dot);
            known.insert(base);
            if (!hp.contains(base)) return;
            value = hp[base][std::stoul(key.substr(dot + 1))];
        } else {
            known.insert(key);
            if (!hp.contains(key)) return;
            value = hp[key];
        }
        field = value.get<std::decay_t<decltype(field)>>();
    });
    for (const auto& [key, value] : hp.items())
        BOOST_TEST(known.count(key) == 1u, "hyperparameter '" << key << "' is not implemented");
    return options;
}

/// LBFGS's options from a golden file's param_group_hyperparameters (line_search_fn null is "").
LBFGSOptions lbfgs_options_from(const json& hp) {
    BOOST_TEST(hp.size() == 7u, "LBFGS hyperparameters: " << hp.dump());
    return LBFGSOptions(hp["lr"])
        .max_iter(hp["max_iter"])
        .max_eval(hp["max_eval"].get<int>())
        .tolerance_grad(hp["tolerance_grad"])
        .tolerance_change(hp["tolerance_change"])
        .history_size(hp["history_size"])
        .line_search_fn(hp["line_search_fn"].is_null() ? ""
                                                       : hp["line_search_fn"].get<std::string>());
}

std::unique_ptr<Optimizer> make_optimizer(const std::string& torch_class, const json& hp,
                                          std::vector<Tensor> params) {
    if (torch_class == "torch.optim.SGD")
        return std::make_unique<SGD>(params, options_from<SGDOptions>(hp));
    if (torch_class == "torch.optim.Adagrad")
        return std::make_unique<Adagrad>(params, options_from<AdagradOptions>(hp));
    if (torch_class == "torch.optim.Adadelta")
        return std::make_unique<Adadelta>(params, options_from<AdadeltaOptions>(hp));
    if (torch_class == "torch.optim.RMSprop")
        return std::make_unique<RMSprop>(params, options_from<RMSpropOptions>(hp));
    if (torch_class == "torch.optim.Adam")
        return std::make_unique<Adam>(params, options_from<AdamOptions>(hp));
    if (torch_class == "torch.optim.AdamW")
        return std::make_unique<AdamW>(params, options_from<AdamWOptions>(hp));
    if (torch_class == "torch.optim.Adamax")
        return std::make_unique<Adamax>(params, options_from<AdamaxOptions>(hp));
    if (torch_class == "torch.optim.NAdam")
        return std::make_unique<NAdam>(params, options_from<NAdamOptions>(hp));
    if (torch_class == "torch.optim.RAdam")
        return std::make_unique<RAdam>(params, options_from<RAdamOptions>(hp));
    if (torch_class == "torch.optim.Rprop")
        return std::make_unique<Rprop>(params, options_from<RpropOptions>(hp));
    if (torch_class == "torch.optim.ASGD")
        return std::make_unique<ASGD>(params, options_from<ASGDOptions>(hp));
    if (torch_class == "torch.optim.LBFGS")
        return std::make_unique<LBFGS>(params, lbfgs_options_from(hp));
    BOOST_FAIL("no optimizer for " << torch_class);
    return nullptr;
}

double relative_error(double actual, double expected) {
    if (actual == expected) return 0.0;
    return std::abs(actual - expected) / std::max(std::abs(expected), 1e-300);
}

/// Largest relative error between `actual` and the JSON array `expected`; checks the sizes.
double max_relative_error(const std::vector<double>& actual, const json& expected) {
    BOOST_REQUIRE_EQUAL(actual.size(), expected.size());
    double worst = 0.0;
    for (std::size_t i = 0; i < actual.size(); ++i)
        worst = std::max(worst, relative_error(actual[i], expected[i].get<double>()));
    return worst;
}

/// Runs a golden file's protocol (zero_grad, loss, backward, step) with xgrad and returns the
/// largest relative deviation from its trajectory. The losses of the run are checked within
/// `rtol`, and xgrad's loss and gradient at every point of the golden trajectory against the
/// file's. (Gradients are compared at the file's points, not along the run: near the Rosenbrock
/// valley floor they cancel and amplify any deviation of θ a thousandfold.)
struct Replay {
    double trajectory_error = 0.0;
    std::unique_ptr<Optimizer> optimizer;
};

Replay replay(const json& golden, DType dtype, double rtol) {
    const json& o = golden["optimizer"];
    const json& problem = golden["problem"];
    Tensor theta = parameter(problem["theta0"].get<std::vector<double>>(), dtype);
    Replay run;
    run.optimizer = make_optimizer(o["class"], o["param_group_hyperparameters"], {theta});
    const int steps = golden["steps"];
    BOOST_REQUIRE_EQUAL(golden["trajectory"].size(), static_cast<std::size_t>(steps) + 1);
    for (int t = 0; t < steps; ++t) {
        run.optimizer->zero_grad();
        const Tensor loss = problem_loss(problem, theta);
        loss.backward();
        BOOST_TEST(relative_error(loss.item(), golden["loss"][t]) <= rtol, "loss at step " << t);
        run.optimizer->step();
        run.trajectory_error =
            std::max(run.trajectory_error,
                     max_relative_error(theta.to_vector(), golden["trajectory"][t + 1]));
    }
    NoGradGuard no_grad;
    BOOST_TEST(relative_error(problem_loss(problem, theta).item(), golden["loss"][steps]) <= rtol);
    return run;
}

/// xgrad's loss and gradient at each point of the golden trajectory, against the file's.
void check_golden_gradients(const json& golden, double rtol) {
    const int steps = golden["steps"];
    for (int t = 0; t < steps; ++t) {
        const Tensor theta = parameter(golden["trajectory"][t].get<std::vector<double>>());
        const Tensor loss = problem_loss(golden["problem"], theta);
        loss.backward();
        BOOST_TEST(relative_error(loss.item(), golden["loss"][t]) <= rtol, "loss at step " << t);
        BOOST_TEST(max_relative_error(theta.grad().to_vector(), golden["grad"][t]) <= rtol,
                   "gradient at step " << t);
    }
}

/// The golden final_optimizer_state against state_dict(): same entries (a null entry must be
/// absent), tensors and numbers within rtol.
void check_final_state(const Optimizer& optimizer, const json& expected, double rtol) {
    const StateDict state = optimizer.state_dict();
    std::set<std::string> ours;
    for (const auto& [name, tensor] : state.tensors)
        if (name.rfind("state.0.", 0) == 0) ours.insert(name.substr(8));
    for (const auto& [name, text] : state.metadata)
        if (name.rfind("state.0.", 0) == 0) ours.insert(name.substr(8));
    std::set<std::string> theirs;
    for (const auto& [key, value] : expected.items()) {
        if (value.is_null()) continue;
        theirs.insert(key);
        if (value.is_array()) {
            const auto found = state.tensors.find("state.0." + key);
            BOOST_TEST_REQUIRE((found != state.tensors.end()), "no state tensor " << key);
            BOOST_TEST(max_relative_error(found->second.to_vector(), value) <= rtol,
                       "state " << key);
        } else {
            const auto found = state.metadata.find("state.0." + key);
            BOOST_TEST_REQUIRE((found != state.metadata.end()), "no state entry " << key);
            BOOST_TEST(relative_error(std::stod(found->second), value.get<double>()) <= rtol,
                       "state " << key << ": " << found->second << " vs " << value);
        }
    }
    BOOST_TEST(ours == theirs, "state entries differ from PyTorch's");
}

/// The LBFGS golden configs (closure protocol).
const std::vector<std::string> kLBFGSConfigs = {"lbfgs", "lbfgs_lr_small_hist",
                                                "lbfgs_strong_wolfe"};

/// One step(closure) on Rosenbrock, counting the closure calls in `calls`.
double rosenbrock_closure_step(Optimizer& optimizer, const Tensor& theta, int& calls) {
    return optimizer.step([&] {
        ++calls;
        optimizer.zero_grad();
        Tensor loss = rosenbrock(theta);
        loss.backward();
        return loss;
    });
}

/// Golden configs replayed (NAdam with PyTorch >= 2.0 semantics; nadam_torch1_13 is the 1.13
/// bug, kept for reference and checked below to differ).
const std::vector<std::string> kConfigs = {"sgd",
                                           "sgd_momentum",
                                           "sgd_nesterov",
                                           "sgd_momentum_dampening_wd",
                                           "adagrad",
                                           "adagrad_lrdecay_initacc",
                                           "adadelta",
                                           "rmsprop",
                                           "rmsprop_centered",
                                           "rmsprop_momentum",
                                           "adam",
                                           "adam_amsgrad",
                                           "adam_wd",
                                           "adam_amsgrad_wd",
                                           "adamw",
                                           "adamw_amsgrad",
                                           "adamax",
                                           "nadam"};

/// The second set of golden files (index2.json) with the plain protocol: the rules added after
/// the lecture's.
const std::vector<std::string> kConfigs2 = {"radam",      "radam_wd", "rprop",
                                            "rprop_etas", "asgd",     "asgd_wd"};

/// Every config replayed with the plain protocol (zero_grad, loss, backward, step).
std::vector<std::string> plain_configs() {
    std::vector<std::string> all = kConfigs;
    all.insert(all.end(), kConfigs2.begin(), kConfigs2.end());
    return all;
}

std::string golden_file(const std::string& config) {
    return "optim__" + config + "__rosenbrock.json";
}

/// Runs `steps` Rosenbrock steps of `optimizer` on `theta`.
void run_steps(Optimizer& optimizer, const Tensor& theta, int steps) {
    for (int t = 0; t < steps; ++t) {
        optimizer.zero_grad();
        rosenbrock(theta).backward();
        optimizer.step();
    }
}

/// g ≡ 1 on a scalar parameter: the gradient is set by hand.
void step_with_unit_grad(Optimizer& optimizer, Tensor& theta) {
    theta.set_grad(Tensor(xt::xarray<double>(xt::ones<double>(theta.shape()))));
    optimizer.step();
}

template <class Fn>
void check_value_error(Fn&& fn, const std::vector<std::string>& fragments) {
    try {
        fn();
        BOOST_ERROR("no exception; expected one mentioning " << fragments.front());
    } catch (const std::invalid_argument& e) {
        BOOST_TEST((dynamic_cast<const ValueError*>(&e) != nullptr), "not a ValueError");
        for (const auto& fragment : fragments)
            BOOST_TEST(std::string(e.what()).find(fragment) != std::string::npos,
                       "'" << fragment << "' not in: " << e.what());
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(optim)

BOOST_AUTO_TEST_CASE(index_lists_exactly_the_replayed_files) {
    const json index = load_golden("index.json");
    std::set<std::string> listed;
    for (const auto& entry : index["optimizer_files"]) listed.insert(entry["config"]);
    std::set<std::string> replayed(kConfigs.begin(), kConfigs.end());
    replayed.insert("nadam_torch1_13");
    BOOST_TEST(listed == replayed);
}

BOOST_AUTO_TEST_CASE(index2_lists_the_new_files_and_their_protocols) {
    const json index = load_golden("index2.json");
    std::set<std::string> plain, listed;
    for (const auto& entry : index["optimizer_files"]) {
        listed.insert(entry["config"]);
        if (entry["protocol"] == "plain") plain.insert(entry["config"]);
    }
    BOOST_TEST(plain == std::set<std::string>(kConfigs2.begin(), kConfigs2.end()));
    for (const auto& config : listed)
        BOOST_TEST(load_golden(golden_file(config))["config"] == config);
}

BOOST_AUTO_TEST_CASE(golden_trajectories_replay_within_1e_10) {
    for (const auto& config : plain_configs()) {
        BOOST_TEST_CONTEXT("config " << config) {
            const json golden = load_golden(golden_file(config));
            BOOST_TEST(golden["dtype"] == "float64");
            check_golden_gradients(golden, 1e-10);
            const Replay run = replay(golden, DType::Float64, 1e-10);
            BOOST_TEST(run.trajectory_error <= 1e-10);
            check_final_state(*run.optimizer, golden["final_optimizer_state"], 1e-10);
            BOOST_TEST_MESSAGE(config << ": max relative deviation " << run.trajectory_error);
        }
    }
}

BOOST_AUTO_TEST_CASE(nadam_follows_pytorch_2_not_the_1_13_bug) {
    const json buggy = load_golden(golden_file("nadam_torch1_13"));
    // Same problem and hyperparameters as "nadam": only the mu_product_next line differs.
    const json fixed = load_golden(golden_file("nadam"));
    BOOST_TEST(buggy["optimizer"]["param_group_hyperparameters"] ==
               fixed["optimizer"]["param_group_hyperparameters"]);
    const Replay run = replay(buggy, DType::Float64, 1.0);  // losses: loose
    BOOST_TEST(run.trajectory_error > 1e-6);
    BOOST_TEST_MESSAGE("nadam_torch1_13: deviation " << run.trajectory_error);
}

BOOST_AUTO_TEST_CASE(float32_follows_the_float64_trajectory) {
    for (const std::string config : {"sgd_nesterov", "adam_amsgrad_wd", "rmsprop_centered",
                                     "adadelta", "adagrad", "adamax", "adamw", "nadam"}) {
        BOOST_TEST_CONTEXT("config " << config) {
            const json golden = load_golden(golden_file(config));
            const Replay run = replay(golden, DType::Float32, 1.0);  // losses: loose
            BOOST_TEST(run.trajectory_error <= 1e-3);
            BOOST_TEST(run.trajectory_error > 0.0);  // really float arithmetic
        }
    }
}

BOOST_AUTO_TEST_CASE(momentum_by_hand_constant_lr) {
    // g ≡ 1, μ = 0.9, θ0 = 0, η = 0.1: buf = 1, 1.9; θ = −0.1, −0.29.
    Tensor theta = parameter({0.0});
    SGD opt({theta}, SGDOptions(0.1).momentum(0.9));
    step_with_unit_grad(opt, theta);
    BOOST_TEST(theta.item() == -0.1, boost::test_tools::tolerance(1e-15));
    step_with_unit_grad(opt, theta);
    BOOST_TEST(theta.item() == -0.29, boost::test_tools::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(momentum_by_hand_changing_lr_the_buffer_does_not_hold_the_lr) {
    // θ1 = −0.1·1; buf2 = 0.9·1 + 1 = 1.9 (no lr inside), θ2 = −0.1 − 0.01·1.9 = −0.119. The
    // lecture's v_t = γv + η∇L would give −0.1 − (0.9·0.1 + 0.01) = −0.2.
    Tensor theta = parameter({0.0});
    SGD opt({theta}, SGDOptions(0.1).momentum(0.9));
    step_with_unit_grad(opt, theta);
    opt.set_lr(0, 0.01);
    step_with_unit_grad(opt, theta);
    BOOST_TEST(theta.item() == -0.119, boost::test_tools::tolerance(1e-15));
    BOOST_TEST(opt.state(0)->momentum_buffer.item() == 1.9, boost::test_tools::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(nesterov_and_dampening_by_hand) {
    // Nesterov, g ≡ 1, μ = 0.9, η = 0.1: step 1 moves by η(1 + 0.9·1) = 0.19, step 2 by
    // η(1 + 0.9·1.9) = 0.271.
    Tensor a = parameter({0.0});
    SGD nesterov({a}, SGDOptions(0.1).momentum(0.9).nesterov(true));
    step_with_unit_grad(nesterov, a);
    step_with_unit_grad(nesterov, a);
    BOOST_TEST(a.item() == -(0.19 + 0.271), boost::test_tools::tolerance(1e-15));
    // Dampening 0.5 spares the first step: buf = 1, then 0.9 + 0.5 = 1.4.
    Tensor b = parameter({0.0});
    SGD damped({b}, SGDOptions(0.1).momentum(0.9).dampening(0.5));
    step_with_unit_grad(damped, b);
    step_with_unit_grad(damped, b);
    BOOST_TEST(b.item() == -(0.1 + 0.14), boost::test_tools::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(state_dict_round_trip_continues_bit_for_bit) {
    for (const auto& config : plain_configs()) {
        BOOST_TEST_CONTEXT("config " << config) {
            const json o = load_golden(golden_file(config))["optimizer"];
            const json hp = o["param_group_hyperparameters"];
            const std::vector<double> theta0 = {-1.5, 2.0};
            // Uninterrupted: 50 steps.
            Tensor straight = parameter(theta0);
            auto reference = make_optimizer(o["class"], hp, {straight});
            run_steps(*reference, straight, 50);
            // Interrupted after 20: save, rebuild with another lr, load, go on.
            Tensor first = parameter(theta0);
            auto before = make_optimizer(o["class"], hp, {first});
            run_steps(*before, first, 20);
            const StateDict saved = before->state_dict();
            Tensor resumed = parameter(first.to_vector());  // θ is the model's state
            run_steps(*before, first, 3);  // the saved dict is a snapshot: unaffected
            json other = hp;
            other["lr"] = 0.5 * hp["lr"].get<double>();
            auto after = make_optimizer(o["class"], other, {resumed});
            after->load_state_dict(saved);
            BOOST_TEST(after->lr(0) == hp["lr"].get<double>());
            run_steps(*after, resumed, 30);
            BOOST_TEST(resumed.to_vector() == straight.to_vector(),
                       boost::test_tools::per_element());
            const StateDict a = after->state_dict();
            const StateDict b = reference->state_dict();
            BOOST_TEST(a.metadata == b.metadata);
            BOOST_TEST(a.tensors.size() == b.tensors.size());
            for (const auto& [name, tensor] : b.tensors)
                BOOST_TEST(a.tensors.at(name).to_vector() == tensor.to_vector(),
                           boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(state_dict_names_and_initial_lr) {
    Tensor w = parameter({1.0, 2.0});
    Tensor b = parameter({0.5});
    Adam opt({w}, {0.01});
    opt.add_param_group({b}, AdamOptions(0.02).betas({0.8, 0.9}));
    opt.set_initial_lr(1, 0.02);
    w.set_grad(Tensor(xt::xarray<double>{1.0, -1.0}));
    opt.step();  // b has no grad: no state for parameter 1
    const StateDict state = opt.state_dict();
    BOOST_TEST(state.metadata.at("type") == "Adam");
    BOOST_TEST(state.metadata.at("param_groups.0.params") == "0");
    BOOST_TEST(state.metadata.at("param_groups.1.params") == "1");
    BOOST_TEST(state.metadata.at("param_groups.1.lr") == "0.02");
    BOOST_TEST(state.metadata.at("param_groups.1.betas.0") == "0.8");
    BOOST_TEST(state.metadata.at("param_groups.1.amsgrad") == "false");
    BOOST_TEST(state.metadata.at("param_groups.1.initial_lr") == "0.02");
    BOOST_TEST(state.metadata.count("param_groups.0.initial_lr") == 0u);
    BOOST_TEST(state.metadata.at("state.0.step") == "1");
    BOOST_TEST(state.tensors.count("state.0.exp_avg") == 1u);
    BOOST_TEST(state.tensors.count("state.0.max_exp_avg_sq") == 0u);
    BOOST_TEST(state.tensors.count("state.1.exp_avg") == 0u);

    Tensor w2 = parameter({0.0, 0.0});
    Tensor b2 = parameter({0.0});
    Adam other({w2});
    other.add_param_group({b2});
    other.load_state_dict(state);
    BOOST_TEST(other.lr(1) == 0.02);
    BOOST_TEST(other.options(1).betas()[0] == 0.8);
    BOOST_TEST(other.initial_lr(1).value() == 0.02);
    BOOST_TEST(!other.initial_lr(0).has_value());
    BOOST_TEST(other.state(0)->step == 1);
    BOOST_TEST(other.state(1) == nullptr);
}

BOOST_AUTO_TEST_CASE(load_state_dict_converts_to_the_parameter_dtype) {
    Tensor w = parameter({1.0, 2.0});
    SGD opt({w}, SGDOptions(0.1).momentum(0.9));
    w.set_grad(Tensor(xt::xarray<double>{1.0, 3.0}));
    opt.step();
    Tensor w32 = parameter({1.0, 2.0}, DType::Float32);
    SGD opt32({w32}, SGDOptions(0.1).momentum(0.9));
    opt32.load_state_dict(opt.state_dict());
    BOOST_TEST((opt32.state(0)->momentum_buffer.dtype() == DType::Float32));
    BOOST_TEST(opt32.state(0)->momentum_buffer.to_vector() == std::vector<double>({1.0, 3.0}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(load_state_dict_rejects_mismatches) {
    Tensor w = parameter({1.0, 2.0});
    Adam adam({w});
    w.set_grad(Tensor(xt::xarray<double>{1.0, 1.0}));
    adam.step();
    const StateDict state = adam.state_dict();

    Tensor v = parameter({1.0, 2.0});
    SGD sgd({v});
    check_value_error([&] { sgd.load_state_dict(state); }, {"SGD", "Adam"});

    Tensor longer = parameter({1.0, 2.0, 3.0});
    Adam wrong_shape({longer});
    check_value_error([&] { wrong_shape.load_state_dict(state); }, {"shape", "(2,)"});

    Tensor x = parameter({1.0, 2.0});
    Tensor y = parameter({1.0});
    Adam two_params({x, y});
    check_value_error([&] { two_params.load_state_dict(state); }, {"group 0", "2 parameters"});
    BOOST_TEST(two_params.state(0) == nullptr);  // untouched by the failed load

    Adam two_groups({x});
    two_groups.add_param_group({y});
    Tensor z = parameter({1.0, 2.0});
    Adam one_group({z});
    check_value_error([&] { one_group.load_state_dict(two_groups.state_dict()); },
                      {"more than 1 parameter groups"});
}

BOOST_AUTO_TEST_CASE(parameters_without_grad_are_skipped) {
    Tensor a = parameter({1.0, 1.0});
    Tensor b = parameter({2.0});
    Adam opt({a, b}, {0.1});
    for (int t = 0; t < 3; ++t) {
        opt.zero_grad();
        sum(a * a).backward();  // b gets no gradient
        opt.step();
    }
    BOOST_TEST(b.to_vector() == std::vector<double>({2.0}));
    BOOST_TEST(opt.state(1) == nullptr);
    BOOST_TEST(opt.state(0)->step == 3);
    BOOST_TEST(!b.grad().defined());
    // Adam's first step moves by lr·sign(g) exactly (up to eps): 1 → 0.9.
    BOOST_TEST(a.to_vector()[0] < 0.8);
}

BOOST_AUTO_TEST_CASE(zero_grad_drops_or_zeroes) {
    Tensor a = parameter({1.0, 2.0});
    SGD opt({a});
    sum(a * a).backward();
    opt.zero_grad(false);
    BOOST_TEST(a.grad().defined());
    BOOST_TEST(a.grad().to_vector() == std::vector<double>({0.0, 0.0}),
               boost::test_tools::per_element());
    opt.zero_grad();
    BOOST_TEST(!a.grad().defined());
}

BOOST_AUTO_TEST_CASE(param_groups_have_their_own_hyperparameters) {
    Tensor a = parameter({0.0});
    Tensor b = parameter({0.0});
    SGD opt({ParamGroup<SGDOptions>({a}, {0.1}),
             ParamGroup<SGDOptions>({b}, SGDOptions(0.01).momentum(0.9))},
            SGDOptions{0.5});
    BOOST_TEST(opt.num_param_groups() == 2u);
    for (int t = 0; t < 2; ++t) {
        a.set_grad(Tensor(xt::xarray<double>{1.0}));
        b.set_grad(Tensor(xt::xarray<double>{1.0}));
        opt.step();
    }
    BOOST_TEST(a.item() == -0.2, boost::test_tools::tolerance(1e-15));
    BOOST_TEST(b.item() == -0.029, boost::test_tools::tolerance(1e-15));
    // add_param_group without options takes the defaults given at construction.
    Tensor c = parameter({0.0});
    opt.add_param_group({c});
    BOOST_TEST(opt.lr(2) == 0.5);
    BOOST_TEST(opt.parameters().size() == 3u);
    check_value_error([&] { opt.add_param_group({a}); }, {"twice"});
    opt.set_lr(0.25);
    BOOST_TEST(opt.lr(0) == 0.25);
    BOOST_TEST(opt.lr(1) == 0.25);
}

BOOST_AUTO_TEST_CASE(maximize_ascends_the_negated_loss_identically) {
    for (const std::string config :
         {"sgd_momentum_dampening_wd", "adam_amsgrad_wd", "rmsprop_centered", "adagrad", "adadelta",
          "adamw", "adamax", "nadam"}) {
        BOOST_TEST_CONTEXT("config " << config) {
            const json o = load_golden(golden_file(config))["optimizer"];
            json hp = o["param_group_hyperparameters"];
            Tensor down = parameter({-1.5, 2.0});
            auto descend = make_optimizer(o["class"], hp, {down});
            run_steps(*descend, down, 20);
            hp["maximize"] = true;
            Tensor up = parameter({-1.5, 2.0});
            auto ascend = make_optimizer(o["class"], hp, {up});
            for (int t = 0; t < 20; ++t) {
                ascend->zero_grad();
                (-rosenbrock(up)).backward();
                ascend->step();
            }
            BOOST_TEST(up.to_vector() == down.to_vector(), boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(step_records_no_graph) {
    Tensor a = parameter({1.0, 2.0});
    Adam opt({a});
    sum(a * a).backward();
    opt.step();
    BOOST_TEST(a.is_leaf());
    BOOST_TEST(a.requires_grad());
    BOOST_TEST(!opt.state(0)->exp_avg.requires_grad());
}

BOOST_AUTO_TEST_CASE(momentum_access_for_schedules) {
    Tensor a = parameter({1.0});
    SGD sgd({a}, SGDOptions(0.1).momentum(0.9));
    BOOST_TEST(sgd.has_momentum());
    sgd.set_momentum(0, 0.8);
    BOOST_TEST(sgd.options().momentum() == 0.8);
    Tensor b = parameter({1.0});
    NAdam nadam({b});
    nadam.set_momentum(0, 0.85);
    BOOST_TEST(nadam.options().betas()[0] == 0.85);
    Tensor c = parameter({1.0});
    Adagrad adagrad({c});
    BOOST_TEST(!adagrad.has_momentum());
    check_value_error([&] { adagrad.momentum(0); }, {"Adagrad", "momentum"});
}

BOOST_AUTO_TEST_CASE(invalid_hyperparameters_throw_naming_them) {
    const auto p = [] { return parameter({1.0}); };
    check_value_error([&] { SGD({p()}, {-0.1}); }, {"SGD", "lr", "-0.1"});
    check_value_error([&] { SGD({p()}, SGDOptions(0.1).momentum(-0.5)); },
                      {"SGD: invalid momentum -0.5 (expected >= 0)"});
    check_value_error([&] { SGD({p()}, SGDOptions(0.1).momentum(0.9).weight_decay(-1.0)); },
                      {"weight_decay", "-1"});
    check_value_error([&] { SGD({p()}, SGDOptions(0.1).nesterov(true)); },
                      {"nesterov", "momentum 0"});
    check_value_error(
        [&] { SGD({p()}, SGDOptions(0.1).momentum(0.9).dampening(0.1).nesterov(true)); },
        {"nesterov", "dampening 0.1"});
    const auto beta1 = AdamOptions().betas({1.0, 0.999});
    check_value_error([&] { Adam({p()}, beta1); }, {"Adam", "betas[0]", "1", "[0, 1)"});
    const auto beta2 = AdamWOptions().betas({0.9, -0.1});
    check_value_error([&] { AdamW({p()}, beta2); }, {"AdamW", "betas[1]", "-0.1"});
    const auto eps = AdamOptions().eps(-1e-8);
    check_value_error([&] { Adam({p()}, eps); }, {"eps", "-1e-08"});
    const auto adamax_lr = AdamaxOptions(-1);
    check_value_error([&] { Adamax({p()}, adamax_lr); }, {"Adamax", "lr", "-1"});
    const auto decay = NAdamOptions().momentum_decay(-0.004);
    check_value_error([&] { NAdam({p()}, decay); }, {"NAdam", "momentum_decay", "-0.004"});
    const auto rho = AdadeltaOptions().rho(1.5);
    check_value_error([&] { Adadelta({p()}, rho); }, {"Adadelta", "rho", "1.5"});
    const auto rms = RMSpropOptions().momentum(-0.9);
    check_value_error([&] { RMSprop({p()}, rms); }, {"RMSprop", "momentum", "-0.9"});
    const auto alpha = RMSpropOptions().alpha(-0.99);
    check_value_error([&] { RMSprop({p()}, alpha); }, {"RMSprop", "alpha", "-0.99"});
    const auto adagrad = AdagradOptions().lr_decay(-0.1);
    check_value_error([&] { Adagrad({p()}, adagrad); }, {"Adagrad", "lr_decay", "-0.1"});
    const auto init = AdagradOptions().initial_accumulator_value(-1);
    check_value_error([&] { Adagrad({p()}, init); }, {"initial_accumulator_value", "-1"});
}

BOOST_AUTO_TEST_CASE(invalid_parameter_lists_throw) {
    check_value_error([] { SGD(std::vector<Tensor>{}); }, {"SGD", "empty parameter list"});
    check_value_error([] { Adam(std::vector<ParamGroup<AdamOptions>>{}); },
                      {"Adam", "empty parameter list"});
    const Tensor constant({1.0, 2.0}, DType::Float64);  // requires_grad false
    check_value_error([&] { Adam({constant}); }, {"parameter 0", "does not require grad"});
    Tensor leaf = parameter({1.0});
    check_value_error([&] { SGD({leaf * 2.0}); }, {"not a leaf"});
    check_value_error([&] { SGD({Tensor()}); }, {"undefined"});
    check_value_error([&] { SGD({leaf, leaf}); }, {"parameter 1", "twice"});
}

// ---- step(closure), ASGD's average, the new rules' errors ---------------------------------------

BOOST_AUTO_TEST_CASE(step_with_a_closure_is_zero_grad_loss_backward_step) {
    // Both runs start at θ0; one steps with a closure, one with the explicit protocol.
    for (const std::string config : {"sgd_momentum", "adam", "radam", "rprop", "asgd"}) {
        BOOST_TEST_CONTEXT("config " << config) {
            const json o = load_golden(golden_file(config))["optimizer"];
            const json hp = o["param_group_hyperparameters"];
            Tensor a = parameter({-1.5, 2.0});
            Tensor b = parameter({-1.5, 2.0});
            auto with_closure = make_optimizer(o["class"], hp, {a});
            auto explicit_steps = make_optimizer(o["class"], hp, {b});
            int calls = 0;
            for (int t = 0; t < 10; ++t) {
                const double loss = with_closure->step([&] {
                    ++calls;
                    with_closure->zero_grad();
                    Tensor l = rosenbrock(a);
                    l.backward();
                    return l;
                });
                explicit_steps->zero_grad();
                const Tensor l = rosenbrock(b);
                l.backward();
                explicit_steps->step();
                BOOST_TEST(loss == l.item());
            }
            BOOST_TEST(calls == 10);
            BOOST_TEST(a.to_vector() == b.to_vector(), boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_closure_that_returns_no_scalar_changes_nothing) {
    Tensor theta = parameter({1.0, 2.0});
    Adam opt({theta}, {0.1});
    opt.step([&] {
        opt.zero_grad();
        Tensor l = rosenbrock(theta);
        l.backward();
        return l;
    });
    const StateDict before = opt.state_dict();
    const std::vector<double> value = theta.to_vector();
    try {
        opt.step([&] {
            opt.zero_grad();
            Tensor l = pow(theta, 2.0);  // two elements
            sum(l).backward();
            return l;
        });
        BOOST_ERROR("no exception for a closure returning shape (2)");
    } catch (const ShapeError& e) {
        BOOST_TEST(std::string(e.what()).find("Adam.step") != std::string::npos, e.what());
        BOOST_TEST(std::string(e.what()).find("(2,)") != std::string::npos, e.what());
    }
    BOOST_TEST(theta.to_vector() == value, boost::test_tools::per_element());
    BOOST_TEST((opt.state_dict().metadata == before.metadata));
    BOOST_TEST(opt.state(0)->step == 1);
}

BOOST_AUTO_TEST_CASE(asgd_averaged_is_the_running_mean_of_the_iterates_after_t0) {
    // PyTorch's μ = 1 / max(1, t − t0) is used one step later, so with t0 = 0 the average
    // starts at the second iterate: ax_t = mean(θ_2..θ_t).
    Tensor theta = parameter({-1.5, 2.0});
    const auto o = ASGDOptions(1e-4).t0(0.0);
    ASGD opt({theta}, o);
    BOOST_TEST(opt.averaged(theta).to_vector() == theta.to_vector(),
               boost::test_tools::per_element());
    std::vector<double> total(2, 0.0);
    const int steps = 20;
    for (int t = 1; t <= steps; ++t) {
        run_steps(opt, theta, 1);
        const auto v = theta.to_vector();
        if (t == 1) continue;
        total[0] += v[0];
        total[1] += v[1];
    }
    const auto ax = opt.averaged(theta).to_vector();
    BOOST_TEST(ax[0] == total[0] / (steps - 1), boost::test_tools::tolerance(1e-13));
    BOOST_TEST(ax[1] == total[1] / (steps - 1), boost::test_tools::tolerance(1e-13));
    BOOST_TEST(ax != theta.to_vector());
    check_value_error(
        [&] {
            opt.averaged(parameter({0.0, 0.0}));
        },
        {"ASGD.averaged", "not a parameter"});
}

BOOST_AUTO_TEST_CASE(new_rules_reject_invalid_hyperparameters) {
    const auto p = [] { return parameter({1.0}); };
    const auto radam = RAdamOptions().betas({0.9, 1.0});
    check_value_error([&] { RAdam({p()}, radam); }, {"RAdam", "betas[1]", "1"});
    const auto etas = RpropOptions().etas({1.5, 1.2});
    check_value_error([&] { Rprop({p()}, etas); }, {"Rprop", "etas[0]", "1.5"});
    const auto plus = RpropOptions().etas({0.5, 0.9});
    check_value_error([&] { Rprop({p()}, plus); }, {"Rprop", "etas[1]", "0.9"});
    const auto asgd = ASGDOptions(-1);
    check_value_error([&] { ASGD({p()}, asgd); }, {"ASGD", "lr", "-1"});
}

// ---- torch.nn.utils' clipping against PyTorch (sgd_clip_* golden files) ------------------------

BOOST_AUTO_TEST_CASE(clipped_sgd_replays_within_1e_10) {
    for (const std::string config :
         {"sgd_clip_norm", "sgd_clip_norm_inf", "sgd_clip_norm_l1", "sgd_clip_value"}) {
        BOOST_TEST_CONTEXT("config " << config) {
            const json golden = load_golden(golden_file(config));
            const json& clip = golden["clip"];
            const json& args = clip["args"];
            const json& o = golden["optimizer"];
            Tensor theta = parameter(golden["problem"]["theta0"].get<std::vector<double>>());
            auto opt = make_optimizer(o["class"], o["param_group_hyperparameters"], {theta});
            const int steps = golden["steps"];
            // Clips the gradient of `at`; returns the total norm (0 for clip_grad_value_).
            const auto clip_grad = [&](const Tensor& at) {
                if (clip["kind"] != "norm") {
                    nn::clip_grad_value_({at}, args["clip_value"].get<double>());
                    return 0.0;
                }
                const double norm_type =
                    args.contains("norm_type") ? json_number(args["norm_type"]) : 2.0;
                return nn::clip_grad_norm_({at}, args["max_norm"].get<double>(), norm_type).item();
            };
            double worst = 0.0;
            for (int t = 0; t < steps; ++t) {
                // The clip at the file's point (gradients near the valley floor amplify any
                // deviation of θ, see Replay), then the step along xgrad's own run.
                const Tensor at = parameter(golden["trajectory"][t].get<std::vector<double>>());
                rosenbrock(at).backward();
                const double total = clip_grad(at);
                if (clip["kind"] == "norm")
                    BOOST_TEST(relative_error(total, golden["total_norm"][t]) <= 1e-10,
                               "total norm at step " << t);
                BOOST_TEST(
                    max_relative_error(at.grad().to_vector(), golden["clipped_grad"][t]) <= 1e-10,
                    "clipped gradient at step " << t);
                opt->zero_grad();
                const Tensor loss = rosenbrock(theta);
                loss.backward();
                BOOST_TEST(relative_error(loss.item(), golden["loss"][t]) <= 1e-10);
                clip_grad(theta);
                opt->step();
                worst = std::max(
                    worst, max_relative_error(theta.to_vector(), golden["trajectory"][t + 1]));
            }
            BOOST_TEST(worst <= 1e-10);
            check_final_state(*opt, golden["final_optimizer_state"], 1e-10);
        }
    }
}

BOOST_AUTO_TEST_CASE(clip_grad_norm_joins_parameters_and_checks_its_input) {
    // Two parameters: the joint 2-norm of (3, 4) and (12) is 13.
    Tensor a = parameter({3.0, 4.0});
    Tensor b = parameter({12.0});
    a.set_grad(Tensor(xt::xarray<double>{3.0, 4.0}));
    b.set_grad(Tensor(xt::xarray<double>{12.0}));
    const double total = nn::clip_grad_norm_({a, b}, 6.5).item();
    BOOST_TEST(total == 13.0, boost::test_tools::tolerance(1e-15));
    const double coef = 6.5 / (13.0 + 1e-6);
    BOOST_TEST(b.grad().item() == 12.0 * coef, boost::test_tools::tolerance(1e-14));
    BOOST_TEST(nn::clip_grad_norm_({a, b}, 100.0, INFINITY).item() == 12.0 * coef,
               boost::test_tools::tolerance(1e-14));
    // A parameter without a gradient is skipped; none with one is an error.
    Tensor none = parameter({1.0});
    BOOST_CHECK_NO_THROW(nn::clip_grad_norm_({a, none}, 1.0));
    check_value_error([&] { nn::clip_grad_norm_({none}, 1.0); },
                      {"clip_grad_norm_", "has a gradient"});
    check_value_error([&] { nn::clip_grad_value_({none}, 1.0); },
                      {"clip_grad_value_", "has a gradient"});
    check_value_error([&] { nn::clip_grad_norm_({a}, 1.0, 0.0); }, {"norm_type", "0"});
    // error_if_nonfinite: NonFiniteError before anything changes.
    Tensor bad = parameter({1.0, 2.0});
    bad.set_grad(Tensor(xt::xarray<double>{INFINITY, 1.0}));
    BOOST_CHECK_THROW(nn::clip_grad_norm_({bad}, 1.0, 2.0, true), NonFiniteError);
    BOOST_TEST(bad.grad().to_vector()[1] == 1.0);
}

BOOST_AUTO_TEST_CASE(parameters_to_vector_and_back) {
    Tensor a(xt::xarray<double>{{1.0, 2.0}, {3.0, 4.0}}, requires_grad());
    Tensor b = parameter({5.0});
    const Tensor v = nn::parameters_to_vector({a, b});
    BOOST_TEST(v.to_vector() == std::vector<double>({1, 2, 3, 4, 5}),
               boost::test_tools::per_element());
    sum(v * v).backward();  // differentiable: d/da Σv² = 2a
    BOOST_TEST(a.grad().to_vector() == std::vector<double>({2, 4, 6, 8}),
               boost::test_tools::per_element());
    nn::vector_to_parameters(Tensor(xt::xarray<double>{9, 8, 7, 6, 5}), {a, b});
    BOOST_TEST(a.to_vector() == std::vector<double>({9, 8, 7, 6}),
               boost::test_tools::per_element());
    BOOST_TEST(a.shape() == Shape({2, 2}));
    BOOST_CHECK_THROW(nn::vector_to_parameters(Tensor(xt::xarray<double>{1, 2}), {a, b}),
                      ShapeError);
    BOOST_TEST(a.to_vector()[0] == 9.0);
}

BOOST_AUTO_TEST_CASE(lbfgs_replays_within_1e_10_with_pytorchs_closure_calls) {
    for (const auto& config : kLBFGSConfigs) {
        BOOST_TEST_CONTEXT("config " << config) {
            const json golden = load_golden(golden_file(config));
            BOOST_TEST(golden["dtype"] == "float64");
            BOOST_TEST(golden["protocol"].get<std::string>().find("evals_after[t] = closure "
                                                                  "calls so far") !=
                       std::string::npos);
            check_golden_gradients(golden, 1e-10);
            const json& o = golden["optimizer"];
            Tensor theta = parameter(golden["problem"]["theta0"].get<std::vector<double>>());
            auto opt = make_optimizer(o["class"], o["param_group_hyperparameters"], {theta});
            const int steps = golden["steps"];
            int calls = 0;
            double worst = 0.0;
            for (int t = 0; t < steps; ++t) {
                const double loss = rosenbrock_closure_step(*opt, theta, calls);
                BOOST_TEST(relative_error(loss, golden["loss"][t]) <= 1e-10, "loss at step " << t);
                BOOST_TEST(calls == golden["evals_after"][t].get<int>(),
                           "closure calls, step " << t);
                worst = std::max(
                    worst, max_relative_error(theta.to_vector(), golden["trajectory"][t + 1]));
            }
            BOOST_TEST(worst <= 1e-10);
            BOOST_TEST(relative_error(rosenbrock(theta).item(), golden["loss"][steps]) <= 1e-10);
            const json& final_state = golden["final_optimizer_state"];
            const auto& state = dynamic_cast<const LBFGS&>(*opt).state();
            BOOST_TEST(state.func_evals == final_state["func_evals"].get<std::int64_t>());
            BOOST_TEST(state.n_iter == final_state["n_iter"].get<std::int64_t>());
            BOOST_TEST_MESSAGE(config << ": max relative deviation " << worst);
        }
    }
}

BOOST_AUTO_TEST_CASE(lbfgs_state_dict_round_trip_continues_bit_for_bit) {
    for (const auto& config : kLBFGSConfigs) {
        BOOST_TEST_CONTEXT("config " << config) {
            const json hp =
                load_golden(golden_file(config))["optimizer"]["param_group_hyperparameters"];
            const std::vector<double> theta0 = {-1.5, 2.0};
            int calls = 0;
            Tensor straight = parameter(theta0);
            LBFGS reference({straight}, lbfgs_options_from(hp));
            for (int t = 0; t < 8; ++t) rosenbrock_closure_step(reference, straight, calls);
            Tensor first = parameter(theta0);
            LBFGS before({first}, lbfgs_options_from(hp));
            for (int t = 0; t < 3; ++t) rosenbrock_closure_step(before, first, calls);
            const StateDict saved = before.state_dict();
            BOOST_TEST(saved.metadata.count("state.0.old_dirs.0.0") == 1u);
            Tensor resumed = parameter(first.to_vector());
            rosenbrock_closure_step(before, first, calls);  // the saved dict is a snapshot
            const LBFGSOptions other = lbfgs_options_from(hp).lr(0.25);
            LBFGS after({resumed}, other);
            after.load_state_dict(saved);
            BOOST_TEST(after.lr() == hp["lr"].get<double>());
            for (int t = 0; t < 5; ++t) rosenbrock_closure_step(after, resumed, calls);
            BOOST_TEST(resumed.to_vector() == straight.to_vector(),
                       boost::test_tools::per_element());
            BOOST_TEST((after.state_dict().metadata == reference.state_dict().metadata));
        }
    }
}

BOOST_AUTO_TEST_CASE(lbfgs_gathers_the_gradients_of_all_parameters_into_one_vector) {
    // θ as two tensors (a, b) follows the one-tensor run bit for bit: the algorithm sees only the
    // flat vector. A third parameter the loss does not use has no grad: zeros in the flat
    // gradient, so it never moves.
    Tensor theta = parameter({-1.5, 2.0});
    Tensor a = parameter({-1.5});
    Tensor b = parameter({2.0});
    Tensor unused = parameter({3.0});
    const auto o = LBFGSOptions().line_search_fn("strong_wolfe").max_iter(5);
    LBFGS one({theta}, o);
    LBFGS split({a, unused, b}, o);
    int calls = 0;
    for (int t = 0; t < 5; ++t) {
        rosenbrock_closure_step(one, theta, calls);
        split.step([&] {
            split.zero_grad();
            Tensor loss = sum(pow(1.0 - a, 2.0) + 100.0 * pow(b - pow(a, 2.0), 2.0));
            loss.backward();
            return loss;
        });
    }
    BOOST_TEST(a.to_vector()[0] == theta.to_vector()[0]);
    BOOST_TEST(b.to_vector()[0] == theta.to_vector()[1]);
    BOOST_TEST(unused.to_vector()[0] == 3.0);
    BOOST_TEST(split.state().d.size() == 3u);
    BOOST_TEST(split.state().func_evals == one.state().func_evals);
}

BOOST_AUTO_TEST_CASE(lbfgs_defaults_and_errors) {
    Tensor theta = parameter({-1.5, 2.0});
    LBFGS opt({theta});
    BOOST_TEST(opt.options().max_eval().value() == 25);  // max_iter * 5 / 4
    BOOST_TEST(opt.state_dict().metadata.at("param_groups.0.max_eval") == "25");
    BOOST_TEST(opt.state_dict().metadata.count("state.0.func_evals") == 0u);
    check_value_error([&] { opt.step(); }, {"LBFGS.step", "closure"});
    Tensor other = parameter({1.0});
    check_value_error([&] { opt.add_param_group({other}); }, {"LBFGS", "parameter groups"});
    check_value_error(
        [&] {
            LBFGS two(std::vector<ParamGroup<LBFGSOptions>>{ParamGroup<LBFGSOptions>({theta}),
                                                            ParamGroup<LBFGSOptions>({other})});
        },
        {"LBFGS", "parameter groups"});
    const auto bad_search = LBFGSOptions().line_search_fn("backtracking");
    check_value_error([&] { LBFGS b({theta}, bad_search); }, {"line_search_fn", "backtracking"});
    const auto bad_history = LBFGSOptions().history_size(0);
    check_value_error([&] { LBFGS b({theta}, bad_history); }, {"history_size", "0"});
    BOOST_CHECK_THROW(opt.momentum(0), ValueError);
}

BOOST_AUTO_TEST_CASE(lbfgs_a_failing_closure_changes_nothing) {
    // The third closure call (inside the line search) returns two elements: the step throws
    // after it moved θ, and must put θ and the state back.
    Tensor theta = parameter({-1.5, 2.0});
    const auto o = LBFGSOptions().line_search_fn("strong_wolfe");
    LBFGS opt({theta}, o);
    int calls = 0;
    rosenbrock_closure_step(opt, theta, calls);
    const StateDict before = opt.state_dict();
    const std::vector<double> value = theta.to_vector();
    int k = 0;
    try {
        opt.step([&] {
            opt.zero_grad();
            Tensor l = rosenbrock(theta);
            l.backward();
            return ++k == 3 ? pow(theta, 2.0) : l;
        });
        BOOST_ERROR("no exception for a closure returning two elements");
    } catch (const ShapeError& e) {
        BOOST_TEST(std::string(e.what()).find("LBFGS.step") != std::string::npos, e.what());
    }
    BOOST_TEST(k == 3);
    BOOST_TEST(theta.to_vector() == value, boost::test_tools::per_element());
    BOOST_TEST((opt.state_dict().metadata == before.metadata));
}

BOOST_AUTO_TEST_SUITE_END()
