// The gradient-descent variants: batch, stochastic and mini-batch descent on the lecture's
// logistic loss L(w) = 1/n Σ log(1 + exp(−y_i w·x_i)), y_i = ±1, against its closed-form
// gradient ∇L = −1/n Σ y_i σ(−y_i w·x_i) x_i; the samplers' batches and shuffles; online SGD.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "xgrad/autograd.hpp"
#include "xgrad/data/batch_sampler.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/reduce.hpp"
#include "xgrad/ops/shape.hpp"
#include "xgrad/optim/adagrad.hpp"
#include "xgrad/optim/adam.hpp"
#include "xgrad/optim/nadam.hpp"
#include "xgrad/optim/rmsprop.hpp"
#include "xgrad/optim/sgd.hpp"
#include "xgrad/optim/train_step.hpp"

using namespace xgrad;
using namespace xgrad::optim;
using namespace xgrad::data;
namespace tt = boost::test_tools;

namespace {

/// A uniform double in [-1, 1) from the engine's bits (portable, unlike the distributions).
double uniform(std::mt19937_64& engine) {
    return static_cast<double>(engine() >> 11) * 0x1.0p-52 - 1.0;
}

/// One labelled example of a fixed, nearly separable problem: y = sign(w*·x + noise).
struct Example {
    std::vector<double> x;
    double y;
};

Example draw(std::mt19937_64& engine) {
    const double true_w[] = {2.0, -1.0, 0.5};
    Example e{{uniform(engine), uniform(engine), uniform(engine)}, 0.0};
    const double score = true_w[0] * e.x[0] + true_w[1] * e.x[1] + true_w[2] * e.x[2];
    e.y = score + 0.3 * uniform(engine) >= 0 ? 1.0 : -1.0;
    return e;
}

/// n examples as tensors x (n, 3) and y (n, 1).
struct Data {
    Tensor x, y;
    std::vector<Example> examples;
};

Data make_data(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    Data data;
    xt::xarray<double> x = xt::zeros<double>({n, std::size_t{3}});
    xt::xarray<double> y = xt::zeros<double>({n, std::size_t{1}});
    for (std::size_t i = 0; i < n; ++i) {
        data.examples.push_back(draw(engine));
        for (std::size_t j = 0; j < 3; ++j) x(i, j) = data.examples[i].x[j];
        y(i, 0) = data.examples[i].y;
    }
    data.x = Tensor(x);
    data.y = Tensor(y);
    return data;
}

/// The lecture's logistic loss with xgrad's ops: mean softplus(−y·(x w)).
Tensor logistic_loss(const Tensor& w, const Tensor& x, const Tensor& y) {
    return mean(softplus(-(y * matmul(x, w))));
}

Tensor batch_loss(const Tensor& w, const Data& data, const IndexBatch& batch) {
    return logistic_loss(w, index_select(data.x, 0, batch), index_select(data.y, 0, batch));
}

/// The closed-form gradient over `batch`: −1/m Σ y_i σ(−y_i w·x_i) x_i.
std::vector<double> logistic_gradient(const std::vector<double>& w,
                                      const std::vector<Example>& examples,
                                      const IndexBatch& batch) {
    std::vector<double> g(w.size(), 0.0);
    for (const auto i : batch) {
        const Example& e = examples[static_cast<std::size_t>(i)];
        double score = 0.0;
        for (std::size_t j = 0; j < w.size(); ++j) score += w[j] * e.x[j];
        const double weight = e.y / (1.0 + std::exp(e.y * score));  // y σ(−y s)
        for (std::size_t j = 0; j < w.size(); ++j) g[j] -= weight * e.x[j] / batch.size();
    }
    return g;
}

/// w ← w − lr·∇L over `batch`: plain gradient descent by hand.
void descend(std::vector<double>& w, double lr, const std::vector<Example>& examples,
             const IndexBatch& batch) {
    const auto g = logistic_gradient(w, examples, batch);
    for (std::size_t j = 0; j < w.size(); ++j) w[j] -= lr * g[j];
}

Tensor weights(const std::vector<double>& values) {
    xt::xarray<double> w = xt::zeros<double>({values.size(), std::size_t{1}});
    std::copy(values.begin(), values.end(), w.begin());
    return Tensor(w, requires_grad());
}

void check_close(const std::vector<double>& actual, const std::vector<double>& expected,
                 double rtol) {
    BOOST_REQUIRE_EQUAL(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i)
        BOOST_TEST(std::abs(actual[i] - expected[i]) <= rtol * std::abs(expected[i]),
                   "entry " << i << ": " << actual[i] << " vs " << expected[i]);
}

std::vector<std::size_t> sizes(const std::vector<IndexBatch>& batches) {
    std::vector<std::size_t> out;
    for (const auto& b : batches) out.push_back(b.size());
    return out;
}

/// All indices of the batches, sorted.
IndexBatch flatten_sorted(const std::vector<IndexBatch>& batches) {
    IndexBatch all;
    for (const auto& b : batches) all.insert(all.end(), b.begin(), b.end());
    std::sort(all.begin(), all.end());
    return all;
}

IndexBatch iota(std::size_t n) {
    IndexBatch out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::int64_t>(i);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(descent)

BOOST_AUTO_TEST_CASE(batch_gd_takes_exactly_the_full_data_gradient_step) {
    const Data data = make_data(40, 1);
    const auto sampler = BatchSampler::batch(40);
    BOOST_TEST(sampler.batches_per_epoch() == 1u);
    BOOST_TEST(sampler.batch_size() == 40u);
    Tensor w = weights({0.1, -0.2, 0.3});
    SGD opt({w}, {0.5});
    std::vector<double> expected = {0.1, -0.2, 0.3};
    for (std::size_t epoch = 0; epoch < 3; ++epoch) {
        BOOST_TEST(sampler.epoch(epoch) == std::vector<IndexBatch>{iota(40)});
        const auto losses = run_epoch(opt, sampler, epoch, [&](const IndexBatch& batch) {
            return batch_loss(w, data, batch);
        });
        BOOST_TEST(losses.size() == 1u);
        descend(expected, 0.5, data.examples, iota(40));
        check_close(w.to_vector(), expected, 1e-12);
    }
}

BOOST_AUTO_TEST_CASE(sgd_visits_every_example_once_per_epoch_in_a_fresh_order) {
    const Data data = make_data(12, 2);
    const auto sampler = BatchSampler::stochastic(12, 7);
    BOOST_TEST(sampler.batches_per_epoch() == 12u);
    Tensor w = weights({0.0, 0.0, 0.0});
    SGD opt({w}, {0.1});
    std::vector<double> expected = {0.0, 0.0, 0.0};
    std::set<IndexBatch> orders;
    for (std::size_t epoch = 0; epoch < 5; ++epoch) {
        const auto batches = sampler.epoch(epoch);
        BOOST_TEST(sizes(batches) == std::vector<std::size_t>(12, 1), tt::per_element());
        BOOST_TEST(flatten_sorted(batches) == iota(12), tt::per_element());
        orders.insert(sampler.order(epoch));
        std::map<std::int64_t, int> visits;
        run_epoch(opt, sampler, epoch, [&](const IndexBatch& batch) {
            BOOST_REQUIRE_EQUAL(batch.size(), 1u);
            ++visits[batch[0]];
            return batch_loss(w, data, batch);
        });
        BOOST_TEST(visits.size() == 12u);
        for (const auto& [index, count] : visits) BOOST_TEST(count == 1);
        // The same updates by hand, one example at a time in the sampler's order.
        for (const auto i : sampler.order(epoch)) descend(expected, 0.1, data.examples, {i});
        check_close(w.to_vector(), expected, 1e-12);
    }
    BOOST_TEST(orders.size() == 5u);  // reshuffled every epoch
}

BOOST_AUTO_TEST_CASE(minibatch_sizes_shuffles_and_drop_last) {
    const auto keep = BatchSampler::mini_batch(10, 3, false, 11);
    const auto drop = BatchSampler::mini_batch(10, 3, true, 11);
    BOOST_TEST(keep.batches_per_epoch() == 4u);
    BOOST_TEST(drop.batches_per_epoch() == 3u);
    std::set<std::int64_t> dropped;
    for (std::size_t epoch = 0; epoch < 6; ++epoch) {
        const auto kept = keep.epoch(epoch);
        BOOST_TEST(sizes(kept) == std::vector<std::size_t>({3, 3, 3, 1}), tt::per_element());
        BOOST_TEST(flatten_sorted(kept) == iota(10), tt::per_element());
        BOOST_TEST(keep.order(epoch) != iota(10));  // shuffled
        const auto short_epoch = drop.epoch(epoch);
        BOOST_TEST(sizes(short_epoch) == std::vector<std::size_t>({3, 3, 3}), tt::per_element());
        // Same seed: the same order, cut before the partial batch.
        BOOST_TEST(std::vector<IndexBatch>(kept.begin(), kept.begin() + 3) == short_epoch);
        dropped.insert(kept.back()[0]);
    }
    BOOST_TEST(dropped.size() > 1u);  // not always the same example left out
    // A batch larger than the data set: one partial batch, or none with drop_last.
    BOOST_TEST(sizes(BatchSampler::mini_batch(5, 8).epoch(0)) == std::vector<std::size_t>({5}),
               tt::per_element());
    BOOST_TEST(BatchSampler::mini_batch(5, 8, true).epoch(0).empty());
}

BOOST_AUTO_TEST_CASE(minibatch_gd_steps_on_each_batch_mean_gradient) {
    const Data data = make_data(25, 3);
    const auto sampler = BatchSampler::mini_batch(25, 4, false, 5);
    Tensor w = weights({0.2, 0.2, -0.2});
    SGD opt({w}, {0.3});
    std::vector<double> expected = {0.2, 0.2, -0.2};
    for (std::size_t epoch = 0; epoch < 3; ++epoch) {
        const auto losses = run_epoch(opt, sampler, epoch, [&](const IndexBatch& batch) {
            return batch_loss(w, data, batch);
        });
        BOOST_TEST(losses.size() == 7u);
        for (const auto& batch : sampler.epoch(epoch)) descend(expected, 0.3, data.examples, batch);
        check_close(w.to_vector(), expected, 1e-12);
    }
}

BOOST_AUTO_TEST_CASE(shuffles_are_reproducible_from_the_seed_and_differ_between_epochs) {
    const auto a = BatchSampler::mini_batch(50, 8, false, 123);
    const auto b = BatchSampler::mini_batch(50, 8, false, 123);
    const auto c = BatchSampler::mini_batch(50, 8, false, 124);
    const auto later = b.epoch(3);  // asked first: each epoch is a pure function of its number
    for (std::size_t epoch = 0; epoch < 4; ++epoch) {
        BOOST_TEST(a.epoch(epoch) == b.epoch(epoch));
        BOOST_TEST(a.order(epoch) != c.order(epoch));
        BOOST_TEST(a.order(epoch) != a.order(epoch + 1));
    }
    BOOST_TEST(a.epoch(3) == later);
    // Pinned: the same shuffle on every platform (mt19937_64 and our own Fisher-Yates).
    BOOST_TEST(BatchSampler::stochastic(8, 42).order(0) == IndexBatch({1, 0, 3, 4, 2, 7, 6, 5}),
               tt::per_element());
}

BOOST_AUTO_TEST_CASE(shuffles_are_uniform) {
    // 24000 epochs of 4 examples: each of the 24 orders about 1000 times, each example at each
    // position about 6000 times (standard deviations about 31 and 67).
    const auto sampler = BatchSampler::stochastic(4, 99);
    std::map<IndexBatch, int> orders;
    int at_position[4][4] = {};
    for (std::size_t epoch = 0; epoch < 24000; ++epoch) {
        const IndexBatch order = sampler.order(epoch);
        ++orders[order];
        for (std::size_t k = 0; k < 4; ++k) ++at_position[order[k]][k];
    }
    BOOST_TEST(orders.size() == 24u);
    for (const auto& [order, count] : orders) BOOST_TEST(std::abs(count - 1000) < 160);
    for (auto& row : at_position)
        for (int count : row) BOOST_TEST(std::abs(count - 6000) < 340);
}

BOOST_AUTO_TEST_CASE(online_sgd_updates_on_each_example_as_it_arrives) {
    // A stream: each example exists only inside its own update; nothing is stored.
    std::mt19937_64 stream(77);
    Tensor w = weights({0.0, 0.0, 0.0});
    SGD opt({w}, {0.2});
    std::vector<double> expected = {0.0, 0.0, 0.0};
    const Data held_out = make_data(200, 78);
    double first_loss = 0.0;
    {
        NoGradGuard no_grad;
        first_loss = logistic_loss(w, held_out.x, held_out.y).item();
    }
    for (int i = 0; i < 300; ++i) {
        const Example e = draw(stream);
        xt::xarray<double> xi = xt::zeros<double>({1, 3});
        for (std::size_t j = 0; j < 3; ++j) xi(0, j) = e.x[j];
        const Tensor x(xi);
        const Tensor y(xt::xarray<double>(xt::ones<double>({1, 1}) * e.y));
        const double loss = train_step(opt, [&] { return logistic_loss(w, x, y); });
        BOOST_TEST(loss > 0.0);
        descend(expected, 0.2, {e}, {0});
    }
    check_close(w.to_vector(), expected, 1e-11);
    NoGradGuard no_grad;
    BOOST_TEST(logistic_loss(w, held_out.x, held_out.y).item() < 0.6 * first_loss);
}

BOOST_AUTO_TEST_CASE(every_variant_combines_with_every_update_rule) {
    const Data data = make_data(64, 4);
    const std::vector<BatchSampler> variants = {BatchSampler::batch(64),
                                                BatchSampler::stochastic(64, 1),
                                                BatchSampler::mini_batch(64, 16, true, 2)};
    const auto full_loss = [&](const Tensor& w) {
        NoGradGuard no_grad;
        return logistic_loss(w, data.x, data.y).item();
    };
    for (const auto& sampler : variants) {
        for (const std::string rule : {"sgd", "adam", "rmsprop", "adagrad", "nadam"}) {
            BOOST_TEST_CONTEXT(descent_name(sampler.descent()) << " descent with " << rule) {
                Tensor w = weights({0.0, 0.0, 0.0});
                std::unique_ptr<Optimizer> opt;
                if (rule == "sgd")
                    opt = std::make_unique<SGD>(std::vector<Tensor>{w},
                                                SGDOptions(0.5).momentum(0.9));
                if (rule == "adam")
                    opt = std::make_unique<Adam>(std::vector<Tensor>{w}, AdamOptions{0.05});
                if (rule == "rmsprop")
                    opt = std::make_unique<RMSprop>(std::vector<Tensor>{w}, RMSpropOptions{0.05});
                if (rule == "adagrad")
                    opt = std::make_unique<Adagrad>(std::vector<Tensor>{w}, AdagradOptions{0.3});
                if (rule == "nadam")
                    opt = std::make_unique<NAdam>(std::vector<Tensor>{w}, NAdamOptions{0.05});
                const double before = full_loss(w);
                for (std::size_t epoch = 0; epoch < 60; ++epoch)
                    run_epoch(*opt, sampler, epoch,
                              [&](const IndexBatch& batch) { return batch_loss(w, data, batch); });
                BOOST_TEST(full_loss(w) < 0.5 * before);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(names_and_invalid_settings) {
    BOOST_TEST(descent_name(Descent::Batch) == std::string("batch"));
    BOOST_TEST(descent_name(Descent::Stochastic) == std::string("stochastic"));
    BOOST_TEST(descent_name(Descent::MiniBatch) == std::string("mini-batch"));
    BOOST_CHECK_THROW(BatchSampler::mini_batch(10, 0), ValueError);
    BOOST_CHECK_THROW(BatchSampler::stochastic(0), ValueError);
    BOOST_CHECK_THROW(BatchSampler(0, Descent::Batch), std::invalid_argument);
    // Batch and stochastic descent ignore batch_size and drop_last.
    const BatchSampler batch(7, Descent::Batch, 3, true);
    BOOST_TEST(batch.batch_size() == 7u);
    BOOST_TEST(batch.epoch(0).size() == 1u);
    const BatchSampler stochastic(7, Descent::Stochastic, 3, true);
    BOOST_TEST(stochastic.epoch(0).size() == 7u);
}

BOOST_AUTO_TEST_SUITE_END()

// The old optim:: spellings still compile (deprecated) and are the data:: entities.
#include "xgrad/optim/descent.hpp"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
BOOST_AUTO_TEST_SUITE(descent)
BOOST_AUTO_TEST_CASE(deprecated_optim_spellings_forward_to_data) {
    const optim::BatchSampler old = optim::BatchSampler::mini_batch(10, 3, false, 4);
    const data::BatchSampler& now = old;
    BOOST_TEST(now.epoch(2) == data::BatchSampler::mini_batch(10, 3, false, 4).epoch(2));
    BOOST_TEST(optim::descent_name(optim::Descent::Batch) == std::string("batch"));
    Tensor w(xt::xarray<double>{1.0}, true);
    SGD opt({w}, {0.1});
    const auto losses = optim::run_epoch(opt, optim::BatchSampler::batch(2), 0,
                                         [&](const optim::IndexBatch&) { return sum(w * w); });
    BOOST_TEST(losses == std::vector<double>({1.0}));
    BOOST_TEST(w.item() == 0.8, tt::tolerance(1e-15));
}
BOOST_AUTO_TEST_SUITE_END()
#pragma GCC diagnostic pop
