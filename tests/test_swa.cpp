// Weight averaging (torch.optim.swa_utils): AveragedModel's running mean and EMA against the
// means computed by hand, its state round trip and errors, and SWALR's lrs against the closed
// form of PyTorch 1.13's schedule.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "xgrad/nn.hpp"
#include "xgrad/optim.hpp"

using namespace xgrad;
using namespace xgrad::optim;
namespace tt = boost::test_tools;

namespace {

constexpr double kPi = 3.141592653589793;

std::shared_ptr<nn::Linear> linear() {
    return std::make_shared<nn::Linear>(3, 2, true, DType::Float64);
}

/// Sets every parameter of `model` to base + k·(index of the element + 1) + k², a different
/// point for each k.
void move_model(nn::Module& model, int k) {
    for (Tensor& p : model.parameters()) {
        auto& v = p.value<double>();
        for (std::size_t i = 0; i < v.size(); ++i)
            v.data()[i] = 0.5 - 0.25 * i + k * (i + 1.0) + 0.1 * k * k;
    }
}

/// All parameter values of `model`, one after the other.
std::vector<double> flat_values(const nn::Module& model) {
    std::vector<double> out;
    for (const Tensor& p : model.parameters()) {
        const auto v = p.to_vector();
        out.insert(out.end(), v.begin(), v.end());
    }
    return out;
}

void check_close(const std::vector<double>& actual, const std::vector<double>& expected,
                 double rtol) {
    BOOST_REQUIRE_EQUAL(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i)
        BOOST_TEST(std::abs(actual[i] - expected[i]) <= rtol * std::abs(expected[i]),
                   "element " << i << ": " << actual[i] << " vs " << expected[i]);
}

Tensor parameter(double value) { return Tensor(xt::xarray<double>{value}, true); }

/// SWALR's closed form: started from lr0, step k gives swa·α_k + lr0·(1 − α_k) with
/// α_k = anneal(clamp(k / max(1, E), 0, 1)), k at least 1 when E = 0.
double swalr_expected(double lr0, double swa, int k, int epochs, const std::string& strategy) {
    if (epochs == 0) k = std::max(k, 1);
    const double t = std::min(1.0, static_cast<double>(k) / std::max(1, epochs));
    const double alpha = strategy == "cos" ? (1 - std::cos(kPi * t)) / 2 : t;
    return swa * alpha + lr0 * (1 - alpha);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(swa)

BOOST_AUTO_TEST_CASE(averaged_model_is_the_mean_of_the_models_parameters) {
    auto model = linear();
    move_model(*model, 0);
    nn::AveragedModel swa(*model, linear());
    // The constructor copies the model (PyTorch's deepcopy).
    BOOST_TEST(flat_values(*swa.module()) == flat_values(*model), tt::per_element());
    BOOST_TEST(swa.n_averaged() == 0);
    std::vector<double> sum(flat_values(*model).size(), 0.0);
    for (int k = 1; k <= 6; ++k) {
        move_model(*model, k);
        const std::vector<double> now = flat_values(*model);
        for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += now[i];
        swa.update_parameters(*model);
        BOOST_TEST(swa.n_averaged() == k);
        std::vector<double> mean(sum.size());
        for (std::size_t i = 0; i < sum.size(); ++i) mean[i] = sum[i] / k;
        check_close(flat_values(*swa.module()), mean, 1e-14);
    }
    // The averaged module is what the AveragedModel evaluates.
    const Tensor x(xt::xarray<double>{1.0, -2.0, 0.5});
    BOOST_TEST((swa(x).to_vector() == (*swa.module())(x).to_vector()), tt::per_element());
}

BOOST_AUTO_TEST_CASE(averaged_model_with_an_exponential_moving_average) {
    auto model = linear();
    nn::AveragedModel ema(*model, linear(), nn::ema_avg_fn(0.9));
    std::vector<double> expected;
    for (int k = 1; k <= 5; ++k) {
        move_model(*model, k);
        const std::vector<double> now = flat_values(*model);
        if (k == 1) {
            expected = now;  // the first update copies
        } else {
            for (std::size_t i = 0; i < now.size(); ++i)
                expected[i] = 0.9 * expected[i] + (1 - 0.9) * now[i];
        }
        ema.update_parameters(*model);
        check_close(flat_values(*ema.module()), expected, 1e-14);
    }
    BOOST_CHECK_THROW(nn::ema_avg_fn(1.5), ValueError);
}

BOOST_AUTO_TEST_CASE(averaged_model_state_round_trip_and_errors) {
    auto model = linear();
    nn::AveragedModel straight(*model, linear());
    nn::AveragedModel first(*model, linear());
    for (int k = 1; k <= 3; ++k) {
        move_model(*model, k);
        straight.update_parameters(*model);
        first.update_parameters(*model);
    }
    const StateDict saved = first.state_dict();
    BOOST_TEST(saved.tensors.count("n_averaged") == 1u);
    BOOST_TEST(saved.tensors.count("module.weight") == 1u);
    nn::AveragedModel resumed(*linear(), linear());
    resumed.load_state_dict(saved);
    BOOST_TEST(resumed.n_averaged() == 3);
    for (int k = 4; k <= 6; ++k) {
        move_model(*model, k);
        straight.update_parameters(*model);
        resumed.update_parameters(*model);
    }
    BOOST_TEST(flat_values(*resumed.module()) == flat_values(*straight.module()),
               tt::per_element());

    // A model of another shape: ShapeError, the average unchanged.
    const std::vector<double> before = flat_values(*straight.module());
    nn::Linear other(4, 2, true, DType::Float64);
    try {
        straight.update_parameters(other);
        BOOST_ERROR("no exception for a model of another shape");
    } catch (const ShapeError& e) {
        BOOST_TEST(
            std::string(e.what()).find("AveragedModel.update_parameters") != std::string::npos,
            e.what());
    }
    BOOST_TEST(flat_values(*straight.module()) == before, tt::per_element());
    BOOST_TEST(straight.n_averaged() == 6);
    BOOST_CHECK_THROW(nn::AveragedModel(*model, nullptr), ValueError);
}

BOOST_AUTO_TEST_CASE(swalr_follows_pytorchs_anneal_to_swa_lr) {
    for (const std::string strategy : {"cos", "linear"}) {
        for (const int epochs : {0, 1, 4, 10}) {
            BOOST_TEST_CONTEXT(strategy << ", anneal_epochs " << epochs) {
                Tensor theta = parameter(1.0);
                SGD opt({theta}, {0.8});
                SWALR schedule(opt, 0.05, epochs, strategy);
                for (int k = 0; k <= 14; ++k) {
                    const double expected = swalr_expected(0.8, 0.05, k, epochs, strategy);
                    BOOST_TEST(std::abs(opt.lr(0) - expected) <= 1e-14 * expected,
                               "step " << k << ": " << opt.lr(0) << " vs " << expected);
                    BOOST_TEST(schedule.last_lr()[0] == opt.lr(0));
                    schedule.step();
                }
                BOOST_TEST(opt.lr(0) == 0.05);  // held at swa_lr after annealing
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(swalr_per_group_swa_lrs_state_round_trip_and_errors) {
    Tensor a = parameter(1.0);
    Tensor b = parameter(2.0);
    SGD opt(std::vector<ParamGroup<SGDOptions>>{ParamGroup<SGDOptions>({a}, {0.4}),
                                                ParamGroup<SGDOptions>({b}, {0.2})});
    SWALR schedule(opt, std::vector<double>{0.1, 0.01}, 5, "linear");
    for (int k = 0; k < 3; ++k) schedule.step();
    BOOST_TEST(std::abs(opt.lr(0) - swalr_expected(0.4, 0.1, 3, 5, "linear")) <= 1e-15);
    BOOST_TEST(std::abs(opt.lr(1) - swalr_expected(0.2, 0.01, 3, 5, "linear")) <= 1e-15);
    const StateDict saved = schedule.state_dict();
    BOOST_TEST(saved.metadata.at("type") == "SWALR");

    Tensor c = parameter(1.0);
    Tensor d = parameter(2.0);
    SGD other(std::vector<ParamGroup<SGDOptions>>{ParamGroup<SGDOptions>({c}, {0.4}),
                                                  ParamGroup<SGDOptions>({d}, {0.2})});
    SWALR resumed(other, 0.5, 2, "cos");  // other settings: the state overrides them
    resumed.load_state_dict(saved);
    BOOST_TEST(resumed.swa_lrs() == std::vector<double>({0.1, 0.01}), tt::per_element());
    for (int k = 0; k < 4; ++k) {
        schedule.step();
        resumed.step();
        BOOST_TEST(resumed.last_lr() == schedule.last_lr(), tt::per_element());
    }

    Tensor e = parameter(1.0);
    SGD single({e}, {0.1});
    BOOST_CHECK_THROW(SWALR(single, 0.01, 10, "exp"), ValueError);
    BOOST_CHECK_THROW(SWALR(single, 0.01, -1), ValueError);
    BOOST_CHECK_THROW(SWALR(single, std::vector<double>{0.1, 0.2}), ValueError);
    BOOST_TEST(single.lr(0) == 0.1);
}

BOOST_AUTO_TEST_SUITE_END()
