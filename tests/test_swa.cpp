// Weight averaging (torch.optim.swa_utils): AveragedModel's running mean and EMA against the
// means computed by hand, its state round trip and errors, SWALR's lrs against the closed form
// of PyTorch 1.13's schedule, and update_bn's batch-norm statistics against the per-batch means
// and unbiased variances computed by hand.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <xtensor/xview.hpp>

#include "xgrad/data/dataloader.hpp"
#include "xgrad/nn.hpp"
#include "xgrad/optim.hpp"

using namespace xgrad;
using namespace xgrad::optim;
namespace tt = boost::test_tools;

namespace {

constexpr double kPi = 3.141592653589793;

std::shared_ptr<nn::Linear> linear() {
    return std::make_shared<nn::Linear>(nn::LinearOptions(3, 2).dtype(DType::Float64));
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

/// A (rows, channels) float64 batch, a different one for each k: value(i, c) =
/// (c + 1)·sin(1.3 i + 0.7 c + k) + k.
xt::xarray<double> batch_values(std::size_t rows, std::size_t channels, int k) {
    xt::xarray<double> x = xt::zeros<double>({rows, channels});
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t c = 0; c < channels; ++c)
            x(i, c) = (c + 1.0) * std::sin(1.3 * i + 0.7 * c + k) + k;
    return x;
}

/// Per channel (axis 1 of `x`, every other axis pooled): the mean and the unbiased variance,
/// two-pass, in plain loops.
struct ChannelStats {
    std::vector<double> mean, var;
};
ChannelStats channel_stats(const xt::xarray<double>& x) {
    const std::size_t channels = x.shape()[1];
    const std::size_t n = x.size() / channels;
    const std::size_t inner = n / x.shape()[0];  // values per example and channel
    const auto value = [&](std::size_t c, std::size_t j) {
        const std::size_t example = j / inner, offset = j % inner;
        return x.data()[(example * channels + c) * inner + offset];
    };
    ChannelStats s{std::vector<double>(channels, 0.0), std::vector<double>(channels, 0.0)};
    for (std::size_t c = 0; c < channels; ++c) {
        for (std::size_t j = 0; j < n; ++j) s.mean[c] += value(c, j);
        s.mean[c] /= n;
        for (std::size_t j = 0; j < n; ++j) s.var[c] += std::pow(value(c, j) - s.mean[c], 2);
        s.var[c] /= n - 1;
    }
    return s;
}

/// The means over batches of each batch's channel means and unbiased variances.
ChannelStats mean_of_batch_stats(const std::vector<xt::xarray<double>>& batches) {
    ChannelStats total;
    for (const auto& batch : batches) {
        const ChannelStats s = channel_stats(batch);
        total.mean.resize(s.mean.size(), 0.0);
        total.var.resize(s.var.size(), 0.0);
        for (std::size_t c = 0; c < s.mean.size(); ++c) {
            total.mean[c] += s.mean[c] / batches.size();
            total.var[c] += s.var[c] / batches.size();
        }
    }
    return total;
}

void check_stats(const nn::BatchNorm& bn, const ChannelStats& expected, double atol) {
    const std::vector<double> mean = bn.running_mean().to_vector();
    const std::vector<double> var = bn.running_var().to_vector();
    BOOST_REQUIRE_EQUAL(mean.size(), expected.mean.size());
    for (std::size_t c = 0; c < mean.size(); ++c) {
        BOOST_TEST(std::abs(mean[c] - expected.mean[c]) <= atol,
                   "channel " << c << " mean " << mean[c] << " vs " << expected.mean[c]);
        BOOST_TEST(std::abs(var[c] - expected.var[c]) <= atol,
                   "channel " << c << " var " << var[c] << " vs " << expected.var[c]);
    }
}

std::shared_ptr<nn::BatchNorm1d> batch_norm_1d(std::size_t channels,
                                               std::optional<double> momentum = 0.1) {
    return std::make_shared<nn::BatchNorm1d>(
        nn::BatchNorm1dOptions(channels).momentum(momentum).dtype(DType::Float64));
}

/// A model without batch norm that counts its forward passes.
struct CountingNet : nn::Module {
    std::shared_ptr<nn::Linear> fc = register_module("fc", linear());
    int forwards = 0;
    Tensor forward(const Tensor& x) override {
        ++forwards;
        return (*fc)(x);
    }
};

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
    nn::Linear other(nn::LinearOptions(4, 2).dtype(DType::Float64));
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

BOOST_AUTO_TEST_CASE(update_bn_one_batch_gives_its_mean_and_unbiased_variance) {
    auto bn = batch_norm_1d(2, 0.3);
    auto model = std::make_shared<nn::Sequential>(
        bn, std::make_shared<nn::Linear>(nn::LinearOptions(2, 1).dtype(DType::Float64)));
    // Statistics from other data first: update_bn starts from scratch.
    for (int k = 5; k < 8; ++k) (*model)(Tensor(batch_values(6, 2, k)));
    const xt::xarray<double> x = batch_values(5, 2, 1);
    nn::update_bn({Tensor(x)}, *model);
    check_stats(*bn, channel_stats(x), 1e-12);
    BOOST_TEST(bn->num_batches_tracked().item() == 1.0);
}

BOOST_AUTO_TEST_CASE(update_bn_averages_the_statistics_of_the_batches) {
    // Three batches of different sizes and values, from a DataLoader (batches of 4, 4 and 2
    // rows), through an AveragedModel: the averaged module's layer is the one recomputed.
    xt::xarray<double> all = xt::zeros<double>({10, 3});
    for (std::size_t i = 0; i < 10; ++i)
        for (std::size_t c = 0; c < 3; ++c)
            all(i, c) = (c + 1.0) * std::sin(0.9 * i * i + c) + (i / 4) * 2.0;
    std::vector<xt::xarray<double>> expected_batches;
    for (const auto& [begin, end] : {std::pair<std::size_t, std::size_t>{0, 4}, {4, 8}, {8, 10}})
        expected_batches.push_back(
            xt::xarray<double>(xt::view(all, xt::range(begin, end), xt::all())));
    auto dataset = std::make_shared<data::TensorDataset>(
        Tensor(all), Tensor(xt::xarray<double>(xt::zeros<double>({10}))));
    data::DataLoader loader(dataset, data::DataLoaderOptions{4});

    auto model = std::make_shared<nn::Sequential>(batch_norm_1d(3));
    auto averaged_bn = batch_norm_1d(3);
    nn::AveragedModel swa(*model, std::make_shared<nn::Sequential>(averaged_bn));
    nn::update_bn(loader, swa);
    check_stats(*averaged_bn, mean_of_batch_stats(expected_batches), 1e-12);
    BOOST_TEST(averaged_bn->num_batches_tracked().item() == 3.0);
    BOOST_TEST(loader.current_epoch() == 1u);  // iterating the loader ran its epoch 0

    // BatchNorm2d pools N, H and W; three (N, 2, 2, 3) batches of different sizes as tensors.
    auto bn2d = std::make_shared<nn::BatchNorm2d>(nn::BatchNorm2dOptions(2).dtype(DType::Float64));
    nn::Sequential net(bn2d);
    std::vector<xt::xarray<double>> images;
    std::vector<Tensor> inputs;
    for (const std::size_t n : {2, 3, 1}) {
        xt::xarray<double> x = batch_values(n * 2 * 2 * 3, 1, static_cast<int>(n));
        x.reshape({n, 2, 2, 3});
        images.push_back(x);
        inputs.emplace_back(x);
    }
    nn::update_bn(inputs, net);
    check_stats(*bn2d, mean_of_batch_stats(images), 1e-12);
    BOOST_TEST(bn2d->num_batches_tracked().item() == 3.0);
}

BOOST_AUTO_TEST_CASE(update_bn_restores_momenta_and_mode) {
    auto fixed = batch_norm_1d(2, 0.3);
    auto cumulative = batch_norm_1d(2, std::nullopt);
    auto inner = std::make_shared<nn::Sequential>(cumulative);
    auto model = std::make_shared<nn::Sequential>(fixed, inner, fixed);  // fixed twice
    const std::vector<Tensor> batches = {Tensor(batch_values(4, 2, 1)),
                                         Tensor(batch_values(3, 2, 2)),
                                         Tensor(batch_values(5, 2, 3))};
    for (const bool training : {false, true}) {
        BOOST_TEST_CONTEXT("training " << training) {
            model->train(training);
            nn::update_bn(batches, *model);
            BOOST_TEST(fixed->momentum().value_or(-1.0) == 0.3);
            BOOST_TEST(!cumulative->momentum().has_value());
            BOOST_TEST(model->is_training() == training);
            BOOST_TEST(cumulative->is_training() == training);
            // `fixed` ran twice per batch (the second time on already normalized values).
            BOOST_TEST(fixed->num_batches_tracked().item() == 6.0);
            BOOST_TEST(cumulative->num_batches_tracked().item() == 3.0);
        }
    }
    // A batch the model refuses: the error propagates, momenta and mode are restored all the same.
    model->eval();
    const std::vector<Tensor> bad = {Tensor(batch_values(4, 2, 1)), Tensor(batch_values(4, 3, 1))};
    BOOST_CHECK_THROW(nn::update_bn(bad, *model), ShapeError);
    BOOST_TEST(fixed->momentum().value_or(-1.0) == 0.3);
    BOOST_TEST(!model->is_training());
    BOOST_TEST(!fixed->is_training());
}

BOOST_AUTO_TEST_CASE(update_bn_leaves_a_model_without_batch_norm_alone) {
    CountingNet net;
    move_model(net, 2);
    net.eval();
    const StateDict before = net.state_dict();
    nn::update_bn({Tensor(batch_values(4, 3, 1)), Tensor(batch_values(4, 3, 2))}, net);
    BOOST_TEST(net.forwards == 0);
    BOOST_TEST(!net.is_training());
    const StateDict after = net.state_dict();
    BOOST_REQUIRE_EQUAL(after.tensors.size(), before.tensors.size());
    for (const auto& [name, tensor] : before.tensors)
        BOOST_TEST(after.tensors.at(name).to_vector() == tensor.to_vector(), tt::per_element());

    // A batch norm without running statistics has nothing to recompute either.
    auto untracked = std::make_shared<nn::BatchNorm1d>(
        nn::BatchNorm1dOptions(3).track_running_stats(false).dtype(DType::Float64));
    nn::Sequential plain(untracked);
    plain.eval();
    nn::update_bn({Tensor(batch_values(4, 3, 1))}, plain);
    BOOST_TEST(!plain.is_training());
    BOOST_TEST(untracked->momentum().value_or(-1.0) == 0.1);
}

BOOST_AUTO_TEST_SUITE_END()
