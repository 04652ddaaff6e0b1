// Learning-rate schedules: PyTorch 1.13's values (tests/data/golden/sched__*.json) bit for bit,
// closed forms at every step, warm-up then decay, ReduceLROnPlateau's decisions, and saving and
// restoring a schedule together with its optimizer.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "xgrad/ops/elementwise.hpp"
#include "xgrad/optim.hpp"

using namespace xgrad;
using namespace xgrad::optim;
using nlohmann::json;
namespace tt = boost::test_tools;

namespace {

constexpr double kPi = 3.141592653589793;

json load_golden(const std::string& file) {
    std::ifstream in(std::string(XGRAD_TEST_DATA_DIR) + "/golden/" + file);
    BOOST_REQUIRE_MESSAGE(in, "cannot open golden file " << file);
    return json::parse(in);
}

Tensor parameter(double value) { return Tensor(xt::xarray<double>{value}, true); }

/// The golden files' protocol: record lr (and momentum), opt.step(), sched.step().
struct Trace {
    std::vector<double> lr, momentum;
};

Trace trace(Optimizer& optimizer, LRScheduler& scheduler, int steps) {
    Trace out;
    for (int t = 0; t < steps; ++t) {
        out.lr.push_back(optimizer.lr(0));
        if (optimizer.has_momentum()) out.momentum.push_back(optimizer.momentum(0));
        optimizer.step();
        scheduler.step();
    }
    return out;
}

/// `actual` equals `expected` within `rtol` at every step (0: bit for bit).
void check_sequence(const std::vector<double>& actual, const std::vector<double>& expected,
                    double rtol, const std::string& what) {
    BOOST_REQUIRE_EQUAL(actual.size(), expected.size());
    for (std::size_t t = 0; t < actual.size(); ++t) {
        const double error = std::abs(actual[t] - expected[t]);
        BOOST_TEST(error <= rtol * std::abs(expected[t]),
                   what << " at step " << t << ": " << actual[t] << " vs " << expected[t]);
    }
}

/// A closed form evaluated at t = 0..steps-1.
std::vector<double> closed_form(int steps, const std::function<double(int)>& f) {
    std::vector<double> values;
    for (int t = 0; t < steps; ++t) values.push_back(f(t));
    return values;
}

std::vector<double> lrs_of(const json& golden, const char* key) {
    return golden[key].get<std::vector<double>>();
}

template <class Fn>
void check_value_error(Fn&& fn, const std::vector<std::string>& fragments) {
    try {
        fn();
        BOOST_ERROR("no exception; expected one mentioning " << fragments.front());
    } catch (const ValueError& e) {
        for (const auto& fragment : fragments)
            BOOST_TEST(std::string(e.what()).find(fragment) != std::string::npos,
                       "'" << fragment << "' not in: " << e.what());
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(schedulers)

// ---- PyTorch's values, bit for bit, and the closed forms --------------------------------------

BOOST_AUTO_TEST_CASE(steplr_matches_pytorch) {
    const json golden = load_golden("sched__steplr.json");
    Tensor p = parameter(1.0);
    SGD opt({p}, SGDOptions(0.1).momentum(0.9));
    StepLR schedule(opt, 10, 0.5);
    const Trace run = trace(opt, schedule, golden["steps"]);
    check_sequence(run.lr, lrs_of(golden, "lr"), 0.0, "lr");
    check_sequence(run.lr, closed_form(30, [](int t) { return 0.1 * std::pow(0.5, t / 10); }),
                   1e-15, "closed form");
}

BOOST_AUTO_TEST_CASE(exponentiallr_matches_pytorch) {
    const json golden = load_golden("sched__exponentiallr.json");
    Tensor p = parameter(1.0);
    SGD opt({p}, SGDOptions(0.1).momentum(0.9));
    ExponentialLR schedule(opt, 0.9);
    const Trace run = trace(opt, schedule, golden["steps"]);
    check_sequence(run.lr, lrs_of(golden, "lr"), 0.0, "lr");
    check_sequence(run.lr, closed_form(30, [](int t) { return 0.1 * std::pow(0.9, t); }), 1e-14,
                   "closed form");
}

BOOST_AUTO_TEST_CASE(cosineannealinglr_matches_pytorch_including_past_t_max) {
    for (const int t_max : {30, 10}) {
        BOOST_TEST_CONTEXT("T_max " << t_max) {
            const json golden =
                load_golden("sched__cosineannealinglr_tmax" + std::to_string(t_max) + ".json");
            Tensor p = parameter(1.0);
            SGD opt({p}, SGDOptions(0.1).momentum(0.9));
            CosineAnnealingLR schedule(opt, t_max, 0.001);
            const Trace run = trace(opt, schedule, golden["steps"]);
            check_sequence(run.lr, lrs_of(golden, "lr"), 0.0, "lr");
            check_sequence(run.lr,
                           closed_form(30,
                                       [&](int t) {
                                           return 0.001 + (0.1 - 0.001) *
                                                              (1 + std::cos(kPi * t / t_max)) / 2;
                                       }),
                           1e-13, "closed form");
        }
    }
}

BOOST_AUTO_TEST_CASE(lambdalr_and_inverse_time_decay_match_pytorch) {
    const json golden = load_golden("sched__lambdalr_inv.json");
    const auto inverse = closed_form(30, [](int t) { return 0.1 / (1 + 0.1 * t); });
    Tensor p = parameter(1.0);
    SGD opt({p}, SGDOptions(0.1).momentum(0.9));
    LambdaLR lambda(opt, [](int t) { return 1 / (1 + 0.1 * t); });
    const Trace by_lambda = trace(opt, lambda, golden["steps"]);
    // Within an ulp only: the lambda is this file's arithmetic, and the compiler may fuse
    // 1 + 0.1·t into one multiply-add where Python rounds 0.1·t first.
    check_sequence(by_lambda.lr, lrs_of(golden, "lr"), 1e-15, "LambdaLR");
    check_sequence(by_lambda.lr, inverse, 1e-15, "LambdaLR closed form");

    Tensor q = parameter(1.0);
    SGD other({q}, SGDOptions(0.1).momentum(0.9));
    InverseTimeLR decay(other, 0.1);
    const Trace by_decay = trace(other, decay, golden["steps"]);
    check_sequence(by_decay.lr, lrs_of(golden, "lr"), 0.0, "InverseTimeLR");
    check_sequence(by_decay.lr, inverse, 1e-15, "InverseTimeLR closed form");
}

BOOST_AUTO_TEST_CASE(onecyclelr_matches_pytorch_lr_and_momentum) {
    for (const std::string strategy : {"cos", "linear"}) {
        BOOST_TEST_CONTEXT("anneal " << strategy) {
            const json golden = load_golden("sched__onecyclelr_" + strategy + ".json");
            Tensor p = parameter(1.0);
            SGD opt({p}, SGDOptions(0.1).momentum(0.9));
            const auto options = OneCycleLROptions(30).anneal_strategy(
                strategy == "cos" ? AnnealStrategy::Cos : AnnealStrategy::Linear);
            OneCycleLR schedule(opt, 0.1, options);
            const Trace run = trace(opt, schedule, golden["steps"]);
            check_sequence(run.lr, lrs_of(golden, "lr"), 0.0, "lr");
            check_sequence(run.momentum, lrs_of(golden, "momentum"), 0.0, "momentum");
            // Closed form: phase boundary 0.3·30 − 1 = 8.
            const auto anneal = [&](double a, double b, double pct) {
                return strategy == "cos" ? b + (a - b) / 2 * (std::cos(kPi * pct) + 1)
                                         : a + (b - a) * pct;
            };
            check_sequence(run.lr,
                           closed_form(30,
                                       [&](int t) {
                                           return t <= 8 ? anneal(0.004, 0.1, t / 8.0)
                                                         : anneal(0.1, 4e-7, (t - 8) / 21.0);
                                       }),
                           1e-9, "closed form");
            BOOST_TEST(opt.initial_lr(0).value() == 0.1 / 25);
        }
    }
}

BOOST_AUTO_TEST_CASE(onecyclelr_three_phase_cycles_adam_beta1_and_stops_at_total_steps) {
    Tensor p = parameter(1.0);
    Adam opt({p}, {0.1});
    const auto options =
        OneCycleLROptions(20).three_phase(true).anneal_strategy(AnnealStrategy::Linear);
    OneCycleLR schedule(opt, 1.0, options);
    const Trace run = trace(opt, schedule, 20);
    // Phases end at 0.3·20 − 1 = 5, 2·0.3·20 − 2 = 10 and 19: 0.04 → 1 → 0.04 → 4e-6.
    const auto expected = closed_form(20, [](int t) {
        if (t <= 5) return 0.04 + (1 - 0.04) * t / 5.0;
        if (t <= 10) return 1 + (0.04 - 1) * (t - 5) / 5.0;
        return 0.04 + (4e-6 - 0.04) * (t - 10) / 9.0;
    });
    check_sequence(run.lr, expected, 1e-12, "lr");
    const auto beta1 = closed_form(20, [](int t) {
        if (t <= 5) return 0.95 + (0.85 - 0.95) * t / 5.0;
        if (t <= 10) return 0.85 + (0.95 - 0.85) * (t - 5) / 5.0;
        return 0.95;
    });
    check_sequence(run.momentum, beta1, 1e-12, "beta1");
    BOOST_TEST(opt.options().betas()[1] == 0.999);  // beta2 untouched
    // 20 steps after construction reached step_num = total_steps, PyTorch's last allowed one.
    check_value_error([&] { schedule.step(); }, {"OneCycleLR", "total_steps is 20"});
}

BOOST_AUTO_TEST_CASE(multisteplr_closed_form_with_repeated_milestones) {
    Tensor p = parameter(1.0);
    SGD opt({p}, {0.1});
    MultiStepLR schedule(opt, {9, 3, 6, 6}, 0.5);  // unsorted, 6 twice
    const Trace run = trace(opt, schedule, 12);
    check_sequence(run.lr,
                   closed_form(12,
                               [](int t) {
                                   const int passed = (t >= 3) + 2 * (t >= 6) + (t >= 9);
                                   return 0.1 * std::pow(0.5, passed);
                               }),
                   1e-15, "lr");
}

BOOST_AUTO_TEST_CASE(linearlr_warmup_closed_form) {
    Tensor p = parameter(1.0);
    SGD opt({p}, {0.2});
    LinearLR warmup(opt, 0.25, 1.0, 4);
    const Trace run = trace(opt, warmup, 10);
    check_sequence(
        run.lr, closed_form(10, [](int t) { return 0.2 * (0.25 + 0.75 * std::min(t, 4) / 4.0); }),
        1e-14, "lr");
}

BOOST_AUTO_TEST_CASE(sequentiallr_warmup_then_decay) {
    Tensor p = parameter(1.0);
    SGD opt({p}, SGDOptions(0.1).momentum(0.9));
    auto warmup = std::make_shared<LinearLR>(opt, 0.1, 1.0, 5);
    auto decay = std::make_shared<ExponentialLR>(opt, 0.9);
    SequentialLR schedule(opt, {warmup, decay}, {5});
    const Trace run = trace(opt, schedule, 20);
    check_sequence(
        run.lr,
        closed_form(
            20,
            [](int t) { return t < 5 ? 0.1 * (0.1 + 0.9 * t / 5.0) : 0.1 * std::pow(0.9, t - 5); }),
        1e-14, "lr");
    BOOST_TEST(schedule.last_lr()[0] == opt.lr(0));
}

BOOST_AUTO_TEST_CASE(sequentiallr_warmup_then_cosine) {
    Tensor p = parameter(1.0);
    SGD opt({p}, {0.1});
    auto warmup = std::make_shared<LinearLR>(opt, 0.5, 1.0, 3);
    auto cosine = std::make_shared<CosineAnnealingLR>(opt, 10, 0.0);
    SequentialLR schedule(opt, {warmup, cosine}, {3});
    const Trace run = trace(opt, schedule, 14);
    check_sequence(run.lr,
                   closed_form(14,
                               [](int t) {
                                   return t < 3 ? 0.1 * (0.5 + 0.5 * t / 3.0)
                                                : 0.1 * (1 + std::cos(kPi * (t - 3) / 10)) / 2;
                               }),
                   1e-12, "lr");
}

BOOST_AUTO_TEST_CASE(schedules_start_from_initial_lr_and_each_group_has_its_own) {
    Tensor a = parameter(1.0);
    Tensor b = parameter(1.0);
    SGD opt({ParamGroup<SGDOptions>({a}, {0.1}), ParamGroup<SGDOptions>({b}, {0.01})});
    StepLR first(opt, 1, 0.5);
    first.step();
    BOOST_TEST(opt.lr(0) == 0.05);
    BOOST_TEST(opt.lr(1) == 0.005);
    BOOST_TEST(opt.initial_lr(0).value() == 0.1);
    // A second schedule starts from initial_lr, as in PyTorch, whatever the lr is now.
    InverseTimeLR second(opt, 1.0);
    BOOST_TEST(second.base_lrs() == std::vector<double>({0.1, 0.01}), tt::per_element());
    BOOST_TEST(opt.lr(0) == 0.1);
    second.step();
    BOOST_TEST(opt.lr(1) == 0.005);
    // initial_lr travels with the optimizer's state.
    BOOST_TEST(opt.state_dict().metadata.at("param_groups.1.initial_lr") == "0.01");
}

// ---- ReduceLROnPlateau ----------------------------------------------------------------------

/// Steps `plateau` through `metrics` and returns the lr after each step.
std::vector<double> plateau_lrs(ReduceLROnPlateau& plateau, Optimizer& opt,
                                const std::vector<double>& metrics) {
    std::vector<double> lrs;
    for (double metric : metrics) {
        plateau.step(metric);
        lrs.push_back(opt.lr(0));
    }
    return lrs;
}

BOOST_AUTO_TEST_CASE(plateau_min_mode_patience_and_relative_threshold) {
    Tensor p = parameter(1.0);
    SGD opt({p}, {1.0});
    const auto o = ReduceLROnPlateauOptions().factor(0.5).patience(2);
    ReduceLROnPlateau plateau(opt, o);
    // 1.0 best; 0.99995, 0.99992 and 0.99991 are lower but within the 1e-4 relative threshold:
    // bad epochs; the third (> patience 2) halves the lr.
    const auto lrs =
        plateau_lrs(plateau, opt, {1.0, 0.99995, 0.99992, 0.99991, 0.5, 0.6, 0.6, 0.6});
    BOOST_TEST(lrs == std::vector<double>({1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25}), tt::per_element());
    BOOST_TEST(plateau.best() == 0.5);
    BOOST_TEST(plateau.num_bad_epochs() == 0);
}

BOOST_AUTO_TEST_CASE(plateau_unchanged_negative_metric_is_not_an_improvement) {
    Tensor p = parameter(1.0);
    SGD opt({p}, {1.0});
    const auto o = ReduceLROnPlateauOptions().patience(1);
    ReduceLROnPlateau plateau(opt, o);
    BOOST_TEST(!plateau.is_better(-1.0, -1.0));
    BOOST_TEST(!plateau.is_better(-0.99995, -1.0));  // worse, even if within |best|·threshold
    BOOST_TEST(plateau.is_better(-1.001, -1.0));
    const auto lrs = plateau_lrs(plateau, opt, {-1.0, -1.0, -1.0, -2.0});
    BOOST_TEST(lrs == std::vector<double>({1, 1, 0.1, 0.1}), tt::per_element());
    // Max mode: a metric must exceed best by |best|·threshold.
    const auto m = ReduceLROnPlateauOptions().mode(PlateauMode::Max);
    ReduceLROnPlateau max_plateau(opt, m);
    BOOST_TEST(!max_plateau.is_better(-1.0, -1.0));
    BOOST_TEST(!max_plateau.is_better(-1.00005, -1.0));
    BOOST_TEST(max_plateau.is_better(-0.999, -1.0));
    BOOST_TEST(max_plateau.is_better(2.0 * (1 + 1e-4) * 1.0000001, 2.0));
    BOOST_TEST(!max_plateau.is_better(2.0, 2.0));
}

BOOST_AUTO_TEST_CASE(plateau_abs_threshold_cooldown_min_lr_and_eps) {
    Tensor p = parameter(1.0);
    SGD opt({p}, {1.0});
    const auto o = ReduceLROnPlateauOptions()
                       .mode(PlateauMode::Max)
                       .threshold_mode(ThresholdMode::Abs)
                       .threshold(0.1)
                       .patience(0)
                       .cooldown(2)
                       .min_lr({0.3});
    ReduceLROnPlateau plateau(opt, o);
    // 0.5 best; 0.55 (< 0.5 + 0.1) bad -> lr 0.1·... = max(0.1, 0.3) = 0.3, cooldown 2;
    // the next two bad epochs are ignored; then min_lr holds the lr at 0.3 (the attempted
    // reduction still starts a cooldown, as in PyTorch).
    const auto lrs = plateau_lrs(plateau, opt, {0.5, 0.55, 0.4, 0.4});
    BOOST_TEST(lrs == std::vector<double>({1, 0.3, 0.3, 0.3}), tt::per_element());
    BOOST_TEST(!plateau.in_cooldown());
    plateau.step(0.4);
    BOOST_TEST(opt.lr(0) == 0.3);
    BOOST_TEST(plateau.in_cooldown());
    // A reduction smaller than eps is skipped.
    Tensor q = parameter(1.0);
    SGD tiny({q}, {1e-8});
    const auto t = ReduceLROnPlateauOptions().patience(0).factor(0.5);
    ReduceLROnPlateau no_op(tiny, t);
    plateau_lrs(no_op, tiny, {1.0, 2.0});
    BOOST_TEST(tiny.lr(0) == 1e-8);
}

// ---- Saving and restoring ---------------------------------------------------------------------

using Factory = std::function<std::unique_ptr<LRScheduler>(Optimizer&)>;

/// f(θ) = θ² with SGD + schedule: `total` epochs straight, versus `split` epochs, save both
/// states into one StateDict, rebuild both (the optimizer with another lr), load, finish.
void check_resume(const Factory& make, int split, int total, bool load_optimizer_first) {
    const auto epoch = [](SGD& opt, LRScheduler& schedule, Tensor& theta) {
        opt.zero_grad();
        (theta * theta).backward(Tensor(xt::xarray<double>{1.0}));
        opt.step();
        schedule.step();
    };
    Tensor straight = parameter(1.0);
    SGD reference({straight}, SGDOptions(0.1).momentum(0.9));
    auto reference_schedule = make(reference);
    std::vector<double> expected;
    for (int t = 0; t < total; ++t) {
        epoch(reference, *reference_schedule, straight);
        expected.push_back(reference.lr(0));
    }

    Tensor theta = parameter(1.0);
    SGD first({theta}, SGDOptions(0.1).momentum(0.9));
    auto first_schedule = make(first);
    for (int t = 0; t < split; ++t) epoch(first, *first_schedule, theta);
    StateDict checkpoint;
    checkpoint.merge(first.state_dict(), "optimizer.");
    checkpoint.merge(first_schedule->state_dict(), "scheduler.");

    Tensor resumed = parameter(theta.item());
    SGD second({resumed}, SGDOptions(0.7).momentum(0.9));
    std::unique_ptr<LRScheduler> second_schedule;
    if (load_optimizer_first) {
        second.load_state_dict(checkpoint.extract("optimizer."));
        second_schedule = make(second);
    } else {
        second_schedule = make(second);
        second.load_state_dict(checkpoint.extract("optimizer."));
    }
    second_schedule->load_state_dict(checkpoint.extract("scheduler."));
    BOOST_TEST(second_schedule->last_epoch() == split);
    std::vector<double> actual(expected.begin(), expected.begin() + split);
    for (int t = split; t < total; ++t) {
        epoch(second, *second_schedule, resumed);
        actual.push_back(second.lr(0));
    }
    BOOST_TEST(actual == expected, tt::per_element());
    BOOST_TEST(resumed.item() == straight.item());
}

BOOST_AUTO_TEST_CASE(schedules_resume_identically_from_a_checkpoint) {
    const std::vector<std::pair<std::string, Factory>> schedules = {
        {"StepLR", [](Optimizer& o) { return std::make_unique<StepLR>(o, 3, 0.5); }},
        {"MultiStepLR",
         [](Optimizer& o) {
             return std::make_unique<MultiStepLR>(o, std::vector<int>{2, 7}, 0.3);
         }},
        {"ExponentialLR", [](Optimizer& o) { return std::make_unique<ExponentialLR>(o, 0.9); }},
        {"InverseTimeLR", [](Optimizer& o) { return std::make_unique<InverseTimeLR>(o, 0.2); }},
        {"LambdaLR",
         [](Optimizer& o) {
             return std::make_unique<LambdaLR>(o, [](int t) { return 1.0 / (1 + t * t); });
         }},
        {"LinearLR", [](Optimizer& o) { return std::make_unique<LinearLR>(o, 0.2, 1.0, 8); }},
        {"CosineAnnealingLR",
         [](Optimizer& o) { return std::make_unique<CosineAnnealingLR>(o, 6, 0.01); }},
        {"OneCycleLR",
         [](Optimizer& o) {
             const auto options = OneCycleLROptions(12);
             return std::make_unique<OneCycleLR>(o, 0.5, options);
         }},
        {"SequentialLR", [](Optimizer& o) {
             auto warmup = std::make_shared<LinearLR>(o, 0.1, 1.0, 4);
             auto decay = std::make_shared<CosineAnnealingLR>(o, 5);
             return std::make_unique<SequentialLR>(
                 o, std::vector<std::shared_ptr<LRScheduler>>{warmup, decay}, std::vector<int>{4});
         }}};
    for (const auto& [name, make] : schedules) {
        for (const bool optimizer_first : {false, true}) {
            BOOST_TEST_CONTEXT(name << (optimizer_first ? ", optimizer loaded first" : "")) {
                check_resume(make, 5, 11, optimizer_first);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(plateau_resumes_identically) {
    const std::vector<double> metrics = {5, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3};
    const auto o = ReduceLROnPlateauOptions().patience(1).cooldown(1).factor(0.5);
    Tensor a = parameter(1.0);
    SGD straight({a}, {0.1});
    ReduceLROnPlateau reference(straight, o);
    const auto expected = plateau_lrs(reference, straight, metrics);

    Tensor b = parameter(1.0);
    SGD first({b}, {0.1});
    ReduceLROnPlateau before(first, o);
    std::vector<double> actual = plateau_lrs(before, first, {metrics.begin(), metrics.begin() + 6});
    const StateDict saved = before.state_dict();
    Tensor c = parameter(1.0);
    SGD second({c}, {0.1});
    ReduceLROnPlateau after(second, ReduceLROnPlateauOptions());  // other settings: restored
    after.load_state_dict(saved);
    for (double lr : plateau_lrs(after, second, {metrics.begin() + 6, metrics.end()}))
        actual.push_back(lr);
    BOOST_TEST(actual == expected, tt::per_element());
    BOOST_TEST(expected.back() < 0.1 / 4);  // the test reaches several reductions
}

BOOST_AUTO_TEST_CASE(load_rejects_another_schedule) {
    Tensor p = parameter(1.0);
    SGD opt({p}, {0.1});
    StepLR step(opt, 2);
    ExponentialLR exponential(opt, 0.5);
    check_value_error([&] { step.load_state_dict(exponential.state_dict()); },
                      {"StepLR", "ExponentialLR"});
}

BOOST_AUTO_TEST_CASE(load_rejects_settings_the_constructor_refuses_and_changes_nothing) {
    // A checkpoint with StepLR's step_size 0 was accepted and the next step() divided by zero
    // (found by fuzzing the checkpoint loader).
    Tensor p = parameter(1.0);
    SGD opt({p}, {0.1});
    const auto rejected = [&](LRScheduler& schedule, const std::string& key,
                              const std::string& value, const std::vector<std::string>& fragments) {
        StateDict bad = schedule.state_dict();
        bad.metadata.at(key) = value;
        const auto before = schedule.state_dict().metadata;
        check_value_error([&] { schedule.load_state_dict(bad); }, fragments);
        BOOST_TEST((schedule.state_dict().metadata == before), key << " changed the schedule");
    };
    StepLR step(opt, 2);
    rejected(step, "step_size", "0", {"StepLR", "step_size", "0"});
    CosineAnnealingLR cosine(opt, 10);
    rejected(cosine, "T_max", "-1", {"CosineAnnealingLR", "T_max"});
    LinearLR linear(opt, 0.5);
    rejected(linear, "start_factor", "0", {"LinearLR", "start_factor"});
    rejected(linear, "total_iters", "0", {"LinearLR", "total_iters"});
    InverseTimeLR inverse(opt, 0.1);
    rejected(inverse, "decay_rate", "-1", {"InverseTimeLR", "decay_rate"});
    const auto one_cycle_options = OneCycleLROptions(10).cycle_momentum(false);
    OneCycleLR one_cycle(opt, 0.1, one_cycle_options);
    rejected(one_cycle, "div_factor", "0", {"OneCycleLR", "div_factor"});
    ReduceLROnPlateau plateau(opt, ReduceLROnPlateauOptions());
    StateDict bad = plateau.state_dict();
    bad.metadata.at("factor") = "2";
    check_value_error([&] { plateau.load_state_dict(bad); }, {"ReduceLROnPlateau", "factor"});
}

// ---- Errors -----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(invalid_settings_throw_naming_them) {
    Tensor p = parameter(1.0);
    SGD opt({p}, {0.1});
    check_value_error([&] { StepLR(opt, 0); }, {"StepLR", "step_size", "0"});
    check_value_error([&] { CosineAnnealingLR(opt, 0); }, {"CosineAnnealingLR", "T_max"});
    check_value_error([&] { LinearLR(opt, 0.0); }, {"LinearLR", "start_factor", "0"});
    check_value_error([&] { LinearLR(opt, 0.5, 1.5); }, {"end_factor", "1.5"});
    check_value_error([&] { OneCycleLR(opt, 0.1, OneCycleLROptions()); },
                      {"OneCycleLR", "total_steps", "0"});
    check_value_error([&] { LambdaLR(opt, std::vector<LambdaLR::Lambda>{}); }, {"LambdaLR"});
    auto a = std::make_shared<StepLR>(opt, 2);
    auto b = std::make_shared<StepLR>(opt, 3);
    check_value_error([&] { SequentialLR(opt, {a, b}, {}); }, {"SequentialLR", "milestones"});
    Tensor q = parameter(1.0);
    Adagrad adagrad({q});
    const auto cycle = OneCycleLROptions(10);
    check_value_error([&] { OneCycleLR(adagrad, 0.1, cycle); }, {"OneCycleLR", "Adagrad"});
    const auto factor = ReduceLROnPlateauOptions().factor(1.0);
    check_value_error([&] { ReduceLROnPlateau(opt, factor); }, {"factor", "1"});
    const auto min_lrs = ReduceLROnPlateauOptions().min_lr({0.1, 0.2});
    check_value_error([&] { ReduceLROnPlateau(opt, min_lrs); }, {"min_lr"});
}

BOOST_AUTO_TEST_SUITE_END()
