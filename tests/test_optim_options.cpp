// optim_options: optimizer options read at the call site as libtorch's do,
// `SGDOptions(0.1).momentum(0.9)`. Each setter sets its own option and nothing else, the
// defaults are torch.optim's, the rule holds what the chain said, and the deprecated positional
// spelling of the former aggregates builds the same options.
#include <boost/test/unit_test.hpp>
#include <string>
#include <utility>
#include <vector>

#include "xgrad/data/csv.hpp"
#include "xgrad/data/dataloader.hpp"
#include "xgrad/data/idx.hpp"
#include "xgrad/optim.hpp"

using namespace xgrad;
using namespace xgrad::optim;

namespace {

using Fields = std::vector<std::pair<std::string, double>>;

/// Every hyperparameter of `options` by PyTorch's name, through the class's visit().
template <class Options>
Fields fields(const Options& options) {
    Fields out;
    Options::visit(options, [&](const char* name, const auto& value) {
        out.emplace_back(name, static_cast<double>(value));
    });
    return out;
}

/// `Rule` built over one parameter from `options` holds exactly `expected`.
template <class Rule, class Options>
void check_rule_holds(const Options& options, const Fields& expected) {
    const Rule rule({zeros({2}).requires_grad_()}, options);
    BOOST_TEST(fields(rule.options()) == expected);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(optim_options)

// torch.optim's defaults (lr as in PyTorch 2.x), by name and in torch's order.
BOOST_AUTO_TEST_CASE(defaults_are_torchs) {
    BOOST_TEST(fields(SGDOptions()) == (Fields{{"lr", 1e-3},
                                               {"momentum", 0},
                                               {"dampening", 0},
                                               {"weight_decay", 0},
                                               {"nesterov", 0},
                                               {"maximize", 0}}));
    const Fields adam = {{"lr", 1e-3},        {"betas.0", 0.9}, {"betas.1", 0.999}, {"eps", 1e-8},
                         {"weight_decay", 0}, {"amsgrad", 0},   {"maximize", 0}};
    BOOST_TEST(fields(AdamOptions()) == adam);
    Fields adamw = adam;
    adamw[4].second = 1e-2;
    BOOST_TEST(fields(AdamWOptions()) == adamw);
    BOOST_TEST(fields(AdagradOptions()) == (Fields{{"lr", 1e-2},
                                                   {"lr_decay", 0},
                                                   {"weight_decay", 0},
                                                   {"initial_accumulator_value", 0},
                                                   {"eps", 1e-10},
                                                   {"maximize", 0}}));
    BOOST_TEST(
        fields(AdadeltaOptions()) ==
        (Fields{{"lr", 1}, {"rho", 0.9}, {"eps", 1e-6}, {"weight_decay", 0}, {"maximize", 0}}));
    BOOST_TEST(fields(RMSpropOptions()) == (Fields{{"lr", 1e-2},
                                                   {"alpha", 0.99},
                                                   {"eps", 1e-8},
                                                   {"weight_decay", 0},
                                                   {"momentum", 0},
                                                   {"centered", 0},
                                                   {"maximize", 0}}));
    BOOST_TEST(fields(AdamaxOptions()) == (Fields{{"lr", 2e-3},
                                                  {"betas.0", 0.9},
                                                  {"betas.1", 0.999},
                                                  {"eps", 1e-8},
                                                  {"weight_decay", 0},
                                                  {"maximize", 0}}));
    BOOST_TEST(fields(NAdamOptions()) == (Fields{{"lr", 2e-3},
                                                 {"betas.0", 0.9},
                                                 {"betas.1", 0.999},
                                                 {"eps", 1e-8},
                                                 {"weight_decay", 0},
                                                 {"momentum_decay", 4e-3},
                                                 {"maximize", 0}}));
    BOOST_TEST(fields(RAdamOptions()) == (Fields{{"lr", 1e-3},
                                                 {"betas.0", 0.9},
                                                 {"betas.1", 0.999},
                                                 {"eps", 1e-8},
                                                 {"weight_decay", 0}}));
    BOOST_TEST(fields(ASGDOptions()) == (Fields{{"lr", 1e-2},
                                                {"lambd", 1e-4},
                                                {"alpha", 0.75},
                                                {"t0", 1e6},
                                                {"weight_decay", 0},
                                                {"maximize", 0}}));
    BOOST_TEST(fields(RpropOptions()) == (Fields{{"lr", 1e-2},
                                                 {"etas.0", 0.5},
                                                 {"etas.1", 1.2},
                                                 {"step_sizes.0", 1e-6},
                                                 {"step_sizes.1", 50},
                                                 {"maximize", 0}}));
    const LBFGSOptions lbfgs;
    BOOST_TEST(lbfgs.lr() == 1.0);
    BOOST_TEST(lbfgs.max_iter() == 20);
    BOOST_TEST(!lbfgs.max_eval().has_value());
    BOOST_TEST(lbfgs.resolved_max_eval() == 25);
    BOOST_TEST(lbfgs.tolerance_grad() == 1e-7);
    BOOST_TEST(lbfgs.tolerance_change() == 1e-9);
    BOOST_TEST(lbfgs.history_size() == 100);
    BOOST_TEST(lbfgs.line_search_fn().empty());
}

// Every option of every rule set by its setter; the rule holds the chain's values.
BOOST_AUTO_TEST_CASE(each_setter_sets_its_option) {
    check_rule_holds<SGD>(
        SGDOptions(0.1).momentum(0.9).dampening(0.1).weight_decay(1e-4).maximize(true),
        {{"lr", 0.1},
         {"momentum", 0.9},
         {"dampening", 0.1},
         {"weight_decay", 1e-4},
         {"nesterov", 0},
         {"maximize", 1}});
    check_rule_holds<SGD>(SGDOptions(0.1).momentum(0.9).nesterov(true), {{"lr", 0.1},
                                                                         {"momentum", 0.9},
                                                                         {"dampening", 0},
                                                                         {"weight_decay", 0},
                                                                         {"nesterov", 1},
                                                                         {"maximize", 0}});
    const Fields adam = {{"lr", 0.01},          {"betas.0", 0.8}, {"betas.1", 0.99}, {"eps", 1e-6},
                         {"weight_decay", 0.1}, {"amsgrad", 1},   {"maximize", 1}};
    check_rule_holds<Adam>(AdamOptions(0.01)
                               .betas({0.8, 0.99})
                               .eps(1e-6)
                               .weight_decay(0.1)
                               .amsgrad(true)
                               .maximize(true),
                           adam);
    check_rule_holds<AdamW>(AdamWOptions(0.01)
                                .betas({0.8, 0.99})
                                .eps(1e-6)
                                .weight_decay(0.1)
                                .amsgrad(true)
                                .maximize(true),
                            adam);
    check_rule_holds<Adagrad>(AdagradOptions(0.1)
                                  .lr_decay(0.01)
                                  .weight_decay(0.2)
                                  .initial_accumulator_value(0.5)
                                  .eps(1e-8)
                                  .maximize(true),
                              {{"lr", 0.1},
                               {"lr_decay", 0.01},
                               {"weight_decay", 0.2},
                               {"initial_accumulator_value", 0.5},
                               {"eps", 1e-8},
                               {"maximize", 1}});
    check_rule_holds<Adadelta>(
        AdadeltaOptions(0.5).rho(0.95).eps(1e-5).weight_decay(0.1).maximize(true),
        {{"lr", 0.5}, {"rho", 0.95}, {"eps", 1e-5}, {"weight_decay", 0.1}, {"maximize", 1}});
    check_rule_holds<RMSprop>(RMSpropOptions(1e-3)
                                  .alpha(0.9)
                                  .eps(1e-6)
                                  .weight_decay(0.1)
                                  .momentum(0.5)
                                  .centered(true)
                                  .maximize(true),
                              {{"lr", 1e-3},
                               {"alpha", 0.9},
                               {"eps", 1e-6},
                               {"weight_decay", 0.1},
                               {"momentum", 0.5},
                               {"centered", 1},
                               {"maximize", 1}});
    check_rule_holds<Adamax>(
        AdamaxOptions(0.01).betas({0.5, 0.9}).eps(1e-6).weight_decay(0.1).maximize(true),
        {{"lr", 0.01},
         {"betas.0", 0.5},
         {"betas.1", 0.9},
         {"eps", 1e-6},
         {"weight_decay", 0.1},
         {"maximize", 1}});
    check_rule_holds<NAdam>(NAdamOptions(0.01)
                                .betas({0.5, 0.9})
                                .eps(1e-6)
                                .weight_decay(0.1)
                                .momentum_decay(0.01)
                                .maximize(true),
                            {{"lr", 0.01},
                             {"betas.0", 0.5},
                             {"betas.1", 0.9},
                             {"eps", 1e-6},
                             {"weight_decay", 0.1},
                             {"momentum_decay", 0.01},
                             {"maximize", 1}});
    check_rule_holds<RAdam>(
        RAdamOptions(0.01).betas({0.5, 0.9}).eps(1e-6).weight_decay(0.1),
        {{"lr", 0.01}, {"betas.0", 0.5}, {"betas.1", 0.9}, {"eps", 1e-6}, {"weight_decay", 0.1}});
    check_rule_holds<ASGD>(
        ASGDOptions(0.1).lambd(1e-3).alpha(0.5).t0(10).weight_decay(0.1).maximize(true),
        {{"lr", 0.1},
         {"lambd", 1e-3},
         {"alpha", 0.5},
         {"t0", 10},
         {"weight_decay", 0.1},
         {"maximize", 1}});
    check_rule_holds<Rprop>(
        RpropOptions(0.1).etas({0.4, 1.3}).step_sizes({1e-5, 10.0}).maximize(true),
        {{"lr", 0.1},
         {"etas.0", 0.4},
         {"etas.1", 1.3},
         {"step_sizes.0", 1e-5},
         {"step_sizes.1", 10},
         {"maximize", 1}});

    const LBFGS lbfgs({zeros({2}).requires_grad_()}, LBFGSOptions(0.5)
                                                         .max_iter(3)
                                                         .max_eval(7)
                                                         .tolerance_grad(1e-5)
                                                         .tolerance_change(1e-6)
                                                         .history_size(5)
                                                         .line_search_fn("strong_wolfe"));
    const LBFGSOptions& held = lbfgs.options();
    BOOST_TEST(held.lr() == 0.5);
    BOOST_TEST(held.max_iter() == 3);
    BOOST_TEST(held.max_eval().value() == 7);
    BOOST_TEST(held.tolerance_grad() == 1e-5);
    BOOST_TEST(held.tolerance_change() == 1e-6);
    BOOST_TEST(held.history_size() == 5);
    BOOST_TEST(held.line_search_fn() == "strong_wolfe");
}

// Schedules and data loading read the same way; unset options keep torch's defaults.
BOOST_AUTO_TEST_CASE(schedule_and_data_options_by_name) {
    const auto cycle = OneCycleLROptions(20).pct_start(0.25).three_phase(true);
    BOOST_TEST(cycle.total_steps() == 20);
    BOOST_TEST(cycle.pct_start() == 0.25);
    BOOST_TEST(cycle.three_phase());
    BOOST_TEST(cycle.div_factor() == 25.0);
    BOOST_TEST(cycle.final_div_factor() == 1e4);
    BOOST_TEST(cycle.cycle_momentum());
    const auto plateau = ReduceLROnPlateauOptions(PlateauMode::Max).factor(0.5).min_lr({0.01});
    BOOST_TEST((plateau.mode() == PlateauMode::Max && plateau.factor() == 0.5));
    BOOST_TEST(plateau.patience() == 10);
    BOOST_TEST(plateau.threshold() == 1e-4);
    BOOST_TEST(plateau.min_lr() == std::vector<double>{0.01});
    const auto loader = data::DataLoaderOptions(64).shuffle(true).seed(3);
    BOOST_TEST((loader.batch_size() == 64 && loader.shuffle() && loader.seed() == 3));
    BOOST_TEST(!loader.drop_last());
    BOOST_TEST(data::DataLoaderOptions().batch_size() == 1u);
    const auto csv = data::CsvOptions("label").delimiter(';');
    BOOST_TEST((csv.label_column() == "label" && csv.delimiter() == ';'));
    BOOST_TEST(csv.dtype() == DType::Float32);
    const auto idx = data::IdxOptions(DType::Float64).input_scale(1.0 / 255);
    BOOST_TEST((idx.dtype() == DType::Float64 && idx.input_scale() == 1.0 / 255));
    BOOST_TEST((!idx.streaming() && idx.cache_dir().empty()));
}

BOOST_AUTO_TEST_CASE(setters_chain_on_one_object_and_getters_update_in_place) {
    SGDOptions options(0.1);
    BOOST_TEST(&options.momentum(0.9).nesterov(true) == &options);
    BOOST_TEST(options.momentum() == 0.9);
    BOOST_TEST(options.nesterov());
    options.lr() *= 0.5;
    BOOST_TEST(options.lr() == 0.05);
    // A braced lr converts, as libtorch's SGDOptions(double lr) does: per-group options.
    SGD sgd({ParamGroup<SGDOptions>({zeros({1}).requires_grad_()}, {0.3}),
             ParamGroup<SGDOptions>({zeros({1}).requires_grad_()}, SGDOptions(0.2).momentum(0.5))});
    BOOST_TEST(sgd.lr(0) == 0.3);
    BOOST_TEST(sgd.options(1).momentum() == 0.5);
}

// The former aggregates' positional spelling still builds (deprecated): the same options as
// the named one.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
BOOST_AUTO_TEST_CASE(deprecated_positional_spelling_builds_the_same_options) {
    BOOST_TEST(
        fields(SGDOptions{0.1, 0.9, 0.1, 1e-4, false, true}) ==
        fields(SGDOptions(0.1).momentum(0.9).dampening(0.1).weight_decay(1e-4).maximize(true)));
    BOOST_TEST(fields(SGDOptions{0.1, 0.9}) == fields(SGDOptions(0.1).momentum(0.9)));
    BOOST_TEST(fields(AdamOptions{0.01, {0.8, 0.99}, 1e-6, 0.1, true, true}) ==
               fields(AdamOptions(0.01)
                          .betas({0.8, 0.99})
                          .eps(1e-6)
                          .weight_decay(0.1)
                          .amsgrad(true)
                          .maximize(true)));
    BOOST_TEST(fields(AdamWOptions{0.01, {0.8, 0.99}}) ==
               fields(AdamWOptions(0.01).betas({0.8, 0.99})));
    BOOST_TEST(fields(AdagradOptions{0.1, 0.01, 0.2, 0.5, 1e-8, true}) ==
               fields(AdagradOptions(0.1)
                          .lr_decay(0.01)
                          .weight_decay(0.2)
                          .initial_accumulator_value(0.5)
                          .eps(1e-8)
                          .maximize(true)));
    BOOST_TEST(fields(AdadeltaOptions{0.5, 0.95, 1e-5, 0.1, true}) ==
               fields(AdadeltaOptions(0.5).rho(0.95).eps(1e-5).weight_decay(0.1).maximize(true)));
    BOOST_TEST(fields(RMSpropOptions{1e-3, 0.9, 1e-6, 0.1, 0.5, true, true}) ==
               fields(RMSpropOptions(1e-3)
                          .alpha(0.9)
                          .eps(1e-6)
                          .weight_decay(0.1)
                          .momentum(0.5)
                          .centered(true)
                          .maximize(true)));
    BOOST_TEST(fields(AdamaxOptions{0.01, {0.5, 0.9}, 1e-6}) ==
               fields(AdamaxOptions(0.01).betas({0.5, 0.9}).eps(1e-6)));
    BOOST_TEST(
        fields(NAdamOptions{0.01, {0.5, 0.9}, 1e-6, 0.1, 0.01}) ==
        fields(
            NAdamOptions(0.01).betas({0.5, 0.9}).eps(1e-6).weight_decay(0.1).momentum_decay(0.01)));
    BOOST_TEST(fields(RAdamOptions{0.01, {0.5, 0.9}}) ==
               fields(RAdamOptions(0.01).betas({0.5, 0.9})));
    BOOST_TEST(fields(ASGDOptions{0.1, 1e-3, 0.5, 10}) ==
               fields(ASGDOptions(0.1).lambd(1e-3).alpha(0.5).t0(10)));
    BOOST_TEST(fields(RpropOptions{0.1, {0.4, 1.3}, {1e-5, 10.0}}) ==
               fields(RpropOptions(0.1).etas({0.4, 1.3}).step_sizes({1e-5, 10.0})));
    const OneCycleLROptions cycle{20, 0.25};
    BOOST_TEST(cycle.total_steps() == 20);
    BOOST_TEST(cycle.pct_start() == 0.25);
    const ReduceLROnPlateauOptions plateau{PlateauMode::Max, 0.5, 2};
    BOOST_TEST((plateau.mode() == PlateauMode::Max && plateau.factor() == 0.5));
    BOOST_TEST(plateau.patience() == 2);
    const data::DataLoaderOptions loader{64, true, 7, true};
    BOOST_TEST((loader.batch_size() == 64 && loader.shuffle() && loader.seed() == 7));
    BOOST_TEST(loader.drop_last());
    const data::CsvOptions csv{"y", ';', DType::Float64};
    BOOST_TEST((csv.label_column() == "y" && csv.delimiter() == ';'));
    BOOST_TEST(csv.dtype() == DType::Float64);
    const data::IdxOptions idx{DType::Float64, 0.5, true, "cache"};
    BOOST_TEST((idx.dtype() == DType::Float64 && idx.input_scale() == 0.5 && idx.streaming()));
    BOOST_TEST(idx.cache_dir() == "cache");
    const LBFGSOptions lbfgs{0.5, 3, 7, 1e-5, 1e-6, 5, "strong_wolfe"};
    BOOST_TEST(lbfgs.max_iter() == 3);
    BOOST_TEST(lbfgs.max_eval().value() == 7);
    BOOST_TEST(lbfgs.history_size() == 5);
    BOOST_TEST(lbfgs.line_search_fn() == "strong_wolfe");
}
#pragma GCC diagnostic pop

BOOST_AUTO_TEST_SUITE_END()
