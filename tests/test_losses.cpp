// losses: values against the textbook formulas for every reduction, gradcheck (float64), and
// stability for large inputs (cross_entropy at ±1e4, logistic and BCE at ±1000).
#include <cmath>

#include "helpers.hpp"
#include "xgrad/nn/loss.hpp"

using namespace xgrad;
using nn::Reduction;
using xgrad::testing::uniform;
using V = std::vector<Tensor>;

namespace {

const std::vector<Reduction> kReductions{Reduction::Mean, Reduction::Sum, Reduction::None};

/// Reduces per-element expected losses as `reduction` says.
std::vector<double> reduced(const std::vector<double>& losses, Reduction reduction) {
    if (reduction == Reduction::None) return losses;
    double total = 0.0;
    for (double v : losses) total += v;
    return {reduction == Reduction::Sum ? total : total / static_cast<double>(losses.size())};
}

void check_values(const Tensor& actual, const std::vector<double>& per_element, Reduction reduction,
                  double tol = 1e-12) {
    const auto expected = reduced(per_element, reduction);
    const auto got = actual.to_vector();
    BOOST_REQUIRE_EQUAL(got.size(), expected.size());
    if (reduction != Reduction::None) BOOST_TEST(actual.dim() == 0u);
    for (std::size_t i = 0; i < got.size(); ++i)
        BOOST_TEST(got[i] == expected[i], boost::test_tools::tolerance(tol));
}

bool all_finite(const Tensor& t) {
    for (double v : t.to_vector())
        if (!std::isfinite(v)) return false;
    return true;
}

/// log Σ exp of a row, computed in long double by the definition (shifted).
double logsumexp_row(const std::vector<double>& row) {
    double m = row[0];
    for (double v : row) m = std::max(m, v);
    long double s = 0;
    for (double v : row) s += std::exp(static_cast<long double>(v - m));
    return m + static_cast<double>(std::log(s));
}

/// Logits 2 sin(1.3 i) in row-major order: the inputs of the torch references below, computed
/// alike in Python.
Tensor sine_logits(const Shape& shape, bool requires_grad = true) {
    xt::xarray<double> v = xt::xarray<double>::from_shape(shape);
    for (std::size_t i = 0; i < v.size(); ++i) v.data()[i] = 2.0 * std::sin(1.3 * double(i));
    return Tensor(v, TensorOptions().requires_grad(requires_grad));
}

void check_torch(const Tensor& actual, const std::vector<double>& expected) {
    const auto got = actual.to_vector();
    BOOST_REQUIRE_EQUAL(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        BOOST_TEST(got[i] == expected[i], boost::test_tools::tolerance(1e-12));
}

/// Gradchecks `loss` at `inputs`, and its gradient (for the first input, dotted with fixed
/// weights) too: second order.
void check_first_and_second_order(const std::function<Tensor(const V&)>& loss, const V& inputs) {
    XGRAD_CHECK_GRAD(([&](const V& v) { return sum(loss(v) * loss(v)); }), inputs);
    const Tensor u = uniform(inputs[0].shape(), 99, -1.0, 1.0, false);
    XGRAD_CHECK_GRAD(
        ([&](const V& v) { return sum(grad({sum(loss(v))}, {v[0]}, {}, true)[0] * u); }), inputs);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(losses)

BOOST_AUTO_TEST_CASE(regression_losses_values) {
    const Tensor input({{0.5, -1.0, 3.0}, {2.0, 0.0, -0.25}}, DType::Float64);
    const Tensor target({{1.0, 1.0, 0.0}, {2.0, -0.5, 0.5}}, DType::Float64);
    const auto x = input.to_vector(), y = target.to_vector();
    std::vector<double> squared, absolute, huber, huber2;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double d = x[i] - y[i], a = std::abs(d);
        squared.push_back(d * d);
        absolute.push_back(a);
        huber.push_back(a <= 1.0 ? 0.5 * d * d : a - 0.5);
        huber2.push_back(a <= 2.0 ? 0.5 * d * d : 2.0 * (a - 1.0));
    }
    for (Reduction r : kReductions) {
        check_values(nn::mse_loss(input, target, r), squared, r);
        check_values(nn::l1_loss(input, target, r), absolute, r);
        check_values(nn::huber_loss(input, target, r), huber, r);
        check_values(nn::huber_loss(input, target, r, 2.0), huber2, r);
    }
    BOOST_TEST(nn::mse_loss(input, target, Reduction::None).shape() == (Shape{2, 3}));
    XGRAD_CHECK_THROWS(nn::mse_loss(input, zeros({3}, DType::Float64)), ShapeError, "(3,)");
    XGRAD_CHECK_THROWS(nn::huber_loss(input, target, Reduction::Mean, 0.0), ValueError, "delta");
}

BOOST_AUTO_TEST_CASE(regression_losses_gradcheck) {
    // Away from the kinks of |d| and of Huber's switch at |d| = delta.
    const Tensor input({{0.5, -1.0, 3.0}, {2.3, 0.1, -0.25}},
                       TensorOptions(DType::Float64).requires_grad(true));
    const Tensor target({{1.0, 1.2, 0.0}, {2.0, -0.5, 0.5}},
                        TensorOptions(DType::Float64).requires_grad(true));
    for (Reduction r : kReductions) {
        XGRAD_CHECK_GRAD([r](const V& v) { return nn::mse_loss(v[0], v[1], r); }, {input, target});
        XGRAD_CHECK_GRAD([r](const V& v) { return nn::l1_loss(v[0], v[1], r); }, {input, target});
        XGRAD_CHECK_GRAD([r](const V& v) { return nn::huber_loss(v[0], v[1], r); },
                         {input, target});
        XGRAD_CHECK_GRAD([r](const V& v) { return nn::huber_loss(v[0], v[1], r, 0.4); },
                         {input, target});
    }
}

BOOST_AUTO_TEST_CASE(bce_with_logits_values_gradcheck_and_stability) {
    const Tensor logits({-2.0, -0.3, 0.0, 1.5, 4.0},
                        TensorOptions(DType::Float64).requires_grad(true));
    const Tensor target({0.0, 1.0, 0.5, 1.0, 0.2}, DType::Float64);
    const auto x = logits.to_vector(), t = target.to_vector();
    std::vector<double> expected;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double p = 1.0 / (1.0 + std::exp(-x[i]));
        expected.push_back(-(t[i] * std::log(p) + (1 - t[i]) * std::log(1 - p)));
    }
    for (Reduction r : kReductions) {
        check_values(nn::bce_with_logits(logits, target, r), expected, r, 1e-12);
        XGRAD_CHECK_GRAD(([&, r](const V& v) { return nn::bce_with_logits(v[0], target, r); }),
                         {logits});
    }
    // ±1000: the naive formula gives log(0); the loss stays finite and exact.
    const Tensor big({1000.0, -1000.0, 1000.0, -1000.0},
                     TensorOptions(DType::Float64).requires_grad(true));
    const Tensor labels({1.0, 0.0, 0.0, 1.0}, DType::Float64);
    const Tensor loss = nn::bce_with_logits(big, labels, Reduction::None);
    check_values(loss, {0.0, 0.0, 1000.0, 1000.0}, Reduction::None);
    sum(loss).backward();
    BOOST_TEST(big.grad().to_vector() == (std::vector<double>{0, 0, 1, -1}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(logistic_loss_for_labels_plus_minus_one) {
    const Tensor scores({-1.5, 0.2, 2.0, -0.7}, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor labels({1.0, -1.0, 1.0, -1.0}, DType::Float64);
    const auto f = scores.to_vector(), y = labels.to_vector();
    std::vector<double> expected;
    for (std::size_t i = 0; i < f.size(); ++i)
        expected.push_back(-std::log(1.0 / (1.0 + std::exp(-y[i] * f[i]))));
    for (Reduction r : kReductions) {
        check_values(nn::logistic_loss(scores, labels, r), expected, r);
        XGRAD_CHECK_GRAD(([&, r](const V& v) { return nn::logistic_loss(v[0], labels, r); }),
                         {scores});
    }
    // Large |f|: log(1 + e^1000) = 1000 (a naive exp overflows), log(1 + e^-1000) underflows to 0.
    const Tensor big({1000.0, -1000.0, 800.0}, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor signs({-1.0, -1.0, 1.0}, DType::Float64);
    const Tensor loss = nn::logistic_loss(big, signs, Reduction::None);
    check_values(loss, {1000.0, 0.0, 0.0}, Reduction::None);
    nn::logistic_loss(big, signs, Reduction::Sum).backward();
    BOOST_TEST(all_finite(big.grad()));
    BOOST_TEST(big.grad().to_vector() == (std::vector<double>{1, 0, 0}),
               boost::test_tools::per_element());
    // float32 as well.
    const Tensor big32({100.0, -100.0}, DType::Float32);
    BOOST_TEST(all_finite(nn::logistic_loss(big32, Tensor({-1.0, 1.0}), Reduction::None)));
    XGRAD_CHECK_THROWS(nn::logistic_loss(scores, Tensor({1.0, 0.0, 1.0, -1.0}, DType::Float64)),
                       ValueError, "-1 or +1");
}

BOOST_AUTO_TEST_CASE(logistic_loss_second_order_and_labels_requiring_grad) {
    const Tensor scores({-1.5, 0.2, 2.0, -0.7}, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor labels({1.0, -1.0, 1.0, -1.0}, DType::Float64);
    const Tensor weights({0.3, -1.0, 2.0, 0.5}, DType::Float64);
    for (Reduction r : kReductions) {
        const auto gradient_sum = [&, r](const V& v) {
            Tensor loss = nn::logistic_loss(v[0], labels, r);
            if (r == Reduction::None) loss = sum(loss * weights);
            return sum(grad({loss}, {v[0]}, {}, true)[0] * weights);
        };
        XGRAD_CHECK_GRAD(gradient_sum, {scores});
    }
    // Labels that require grad get their gradient too: -f σ(-y f).
    const Tensor y = Tensor({1.0, -1.0, 1.0, -1.0}, DType::Float64).requires_grad_();
    nn::logistic_loss(scores, y, Reduction::Sum).backward();
    const auto f = scores.to_vector(), yv = y.to_vector(), gy = y.grad().to_vector();
    for (std::size_t i = 0; i < f.size(); ++i)
        BOOST_TEST(gy[i] == -f[i] / (1.0 + std::exp(yv[i] * f[i])),
                   boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(nll_loss_picks_the_labels) {
    const Tensor log_probs = uniform({4, 3}, 21, -3.0, -0.1);
    const std::vector<std::int64_t> labels{2, 0, 1, 2};
    const auto lp = log_probs.to_vector();
    std::vector<double> expected;
    for (std::size_t i = 0; i < labels.size(); ++i) expected.push_back(-lp[i * 3 + labels[i]]);
    for (Reduction r : kReductions) {
        check_values(nn::nll_loss(log_probs, labels, r), expected, r);
        XGRAD_CHECK_GRAD(([&, r](const V& v) { return nn::nll_loss(v[0], labels, r); }),
                         {log_probs});
    }
    IndexArray index = {2, 0, 1, 2};
    check_values(nn::nll_loss(log_probs, index, Reduction::Sum), expected, Reduction::Sum);
    XGRAD_CHECK_THROWS(nn::nll_loss(log_probs, std::vector<std::int64_t>{0, 1, 3, 0}), IndexError,
                       "label 3 of example 2");
    XGRAD_CHECK_THROWS(nn::nll_loss(log_probs, std::vector<std::int64_t>{0, -1, 1, 0}), IndexError,
                       "outside [0, 3)");
    XGRAD_CHECK_THROWS(nn::nll_loss(log_probs, std::vector<std::int64_t>{0, 1}), ShapeError,
                       "4 labels");
}

BOOST_AUTO_TEST_CASE(cross_entropy_values_and_gradcheck) {
    const Tensor logits = uniform({5, 4}, 22, -3.0, 3.0);
    const std::vector<std::int64_t> labels{3, 0, 1, 1, 2};
    const auto x = logits.to_vector();
    std::vector<double> expected;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const std::vector<double> row(x.begin() + 4 * i, x.begin() + 4 * i + 4);
        expected.push_back(logsumexp_row(row) - row[labels[i]]);
    }
    for (Reduction r : kReductions) {
        check_values(nn::cross_entropy(logits, labels, r), expected, r);
        XGRAD_CHECK_GRAD(([&, r](const V& v) { return nn::cross_entropy(v[0], labels, r); }),
                         {logits});
    }
    BOOST_TEST(nn::cross_entropy(logits, labels, Reduction::None).shape() == (Shape{5}));
    // The fused op is one node of the graph.
    BOOST_TEST(std::string(nn::cross_entropy(logits, labels).op_name()) == "cross_entropy");
    // float32 agrees with float64.
    const Tensor loss32 = nn::cross_entropy(logits.detach().to(DType::Float32), labels);
    BOOST_TEST(loss32.dtype() == DType::Float32);
    BOOST_TEST(loss32.item() == nn::cross_entropy(logits, labels).item(),
               boost::test_tools::tolerance(1e-6));
    XGRAD_CHECK_THROWS(nn::cross_entropy(logits, std::vector<std::int64_t>{0, 1, 2, 3, 4}),
                       IndexError, "label 4");
    XGRAD_CHECK_THROWS(nn::cross_entropy(zeros({4}), std::vector<std::int64_t>{0}), ShapeError,
                       "(n, classes)");
}

BOOST_AUTO_TEST_CASE(cross_entropy_second_order_gradients) {
    // create_graph composes the backward from differentiable ops: gradcheck the gradient itself.
    const Tensor logits = uniform({3, 4}, 23, -2.0, 2.0);
    const Tensor weights = uniform({3, 4}, 24, -1.0, 1.0, false);
    const std::vector<std::int64_t> labels{1, 3, 0};
    for (Reduction r : kReductions) {
        const auto gradient_sum = [&, r](const V& v) {
            Tensor loss = nn::cross_entropy(v[0], labels, r);
            if (r == Reduction::None) loss = sum(loss * Tensor({1.0, -2.0, 0.5}, DType::Float64));
            const Tensor g = grad({loss}, {v[0]}, {}, true)[0];
            return sum(g * weights);
        };
        XGRAD_CHECK_GRAD(gradient_sum, {logits});
    }
}

BOOST_AUTO_TEST_CASE(cross_entropy_is_finite_for_logits_of_1e4) {
    for (DType dtype : {DType::Float32, DType::Float64}) {
        const Tensor logits =
            Tensor({{1e4, -1e4, 0.0}, {-1e4, -1e4, 1e4}, {1e4, 1e4, -1e4}, {-1e4, 0.0, 1e4}}, dtype)
                .requires_grad_();
        const std::vector<std::int64_t> labels{0, 0, 1, 1};
        const Tensor losses = nn::cross_entropy(logits, labels, Reduction::None);
        BOOST_TEST(all_finite(losses));
        const auto l = losses.to_vector();
        BOOST_TEST(l[0] == 0.0);
        BOOST_TEST(l[1] == 2e4);
        BOOST_TEST(l[2] == std::log(2.0), boost::test_tools::tolerance(1e-6));
        BOOST_TEST(l[3] == 1e4);
        const Tensor loss = nn::cross_entropy(logits, labels);
        BOOST_TEST(std::isfinite(loss.item()));
        loss.backward();
        BOOST_TEST(all_finite(logits.grad()));
        // Row 1: softmax = (0, 0, 1), onehot at 0 -> (-1, 0, 1) / 4 for the mean.
        const auto g = logits.grad().to_vector();
        BOOST_TEST(g[3] == -0.25);
        BOOST_TEST(g[5] == 0.25);
    }
}

BOOST_AUTO_TEST_CASE(reductions_of_an_empty_batch) {
    const Tensor empty = zeros({0, 3}, DType::Float64);
    BOOST_TEST(nn::cross_entropy(empty, std::vector<std::int64_t>{}, Reduction::Sum).item() == 0.0);
    BOOST_TEST(nn::cross_entropy(empty, std::vector<std::int64_t>{}, Reduction::None).numel() ==
               0u);
    XGRAD_CHECK_THROWS(nn::cross_entropy(empty, std::vector<std::int64_t>{}), ValueError, "empty");
}

// References: torch 1.13, F.cross_entropy / F.nll_loss on sine_logits (float64).
BOOST_AUTO_TEST_CASE(cross_entropy_weights_ignore_index_and_smoothing_match_torch) {
    const Tensor x = sine_logits({4, 3});
    const IndexArray t{2, 0, -100, 1};
    const Tensor w({0.2, 1.0, 3.0}, DType::Float64);
    using O = nn::CrossEntropyOptions;
    check_torch(nn::cross_entropy(x, t, O().weight(w)), {1.3940736469309654});
    check_torch(nn::cross_entropy(x, t, O().weight(w).reduction(Reduction::Sum)),
                {5.855109317110055});
    check_torch(nn::cross_entropy(x, t, O().weight(w).reduction(Reduction::None)),
                {4.010297379315673, 0.4098169298228933, 0.0, 1.434995007971489});
    // ignore_index -100 is the default of the old signature too.
    check_torch(nn::cross_entropy(x, t), {1.60694848339706});
    check_torch(nn::cross_entropy(x, t, Reduction::Sum), {4.82084545019118});
    check_torch(nn::cross_entropy(x, t, O().weight(w).label_smoothing(0.25)), {1.2758117551464807});
    check_torch(
        nn::cross_entropy(x, t, O().weight(w).label_smoothing(0.25).reduction(Reduction::Sum)),
        {5.3584093716152195});
    check_torch(
        nn::cross_entropy(x, t, O().weight(w).label_smoothing(0.25).reduction(Reduction::None)),
        {3.4180983055350103, 0.6057140003440348, 0.0, 1.334597065736174});
    // Unweighted smoothing: the mean divides by the 3 counted elements.
    check_torch(nn::cross_entropy(x, t, O().label_smoothing(0.25)), {1.6056036278852723});
    check_torch(nn::cross_entropy(x, t, O().label_smoothing(0.25).reduction(Reduction::None)),
                {1.3480065528095135, 1.9312183739918645, 0.0, 1.537585956854439});
    // The gradient torch computes for the weighted, smoothed mean.
    nn::cross_entropy(x, t, O().weight(w).label_smoothing(0.25)).backward();
    check_torch(x.grad(),
                {0.054030043839413996, 0.3785880164621553, -0.43261806030156924,
                 -0.02434292121305862, -0.009469767029120394, 0.033812688242179006, 0.0, 0.0, 0.0,
                 0.0018948824421970954, -0.1360488393731808, 0.13415395693098367});
    for (Reduction r : kReductions)
        check_first_and_second_order(
            [&, r](const V& v) {
                return nn::cross_entropy(
                    v[0], t, O().weight(w).label_smoothing(0.25).reduction(r).ignore_index(-100));
            },
            {sine_logits({4, 3})});
}

BOOST_AUTO_TEST_CASE(cross_entropy_and_nll_over_extra_axes_match_torch) {
    // Input (2, 3, 2, 2): classes on axis 1, targets (2, 2, 2), ignore_index -1.
    const Tensor x = sine_logits({2, 3, 2, 2});
    const IndexArray t{{{0, 2}, {1, -1}}, {{2, 2}, {-1, 0}}};
    const Tensor w({0.5, 2.0, 1.5}, DType::Float64);
    const auto ce = [&](Reduction r) {
        return nn::CrossEntropyOptions().weight(w).ignore_index(-1).label_smoothing(0.1).reduction(
            r);
    };
    const auto nll = [&](Reduction r) {
        return nn::NLLLossOptions().weight(w).ignore_index(-1).reduction(r);
    };
    check_torch(nn::cross_entropy(x, t, ce(Reduction::Mean)), {1.2024970903486878});
    check_torch(nn::cross_entropy(x, t, ce(Reduction::Sum)), {9.018728177615158});
    const Tensor none = nn::cross_entropy(x, t, ce(Reduction::None));
    BOOST_TEST(none.shape() == (Shape{2, 2, 2}));
    check_torch(none, {0.3807260357801109, 5.268863972527967, 1.094212692352192, 0.0,
                       1.4532630146399028, 0.433421487688914, 0.0, 0.38824097462607016});
    const Tensor lp = log_softmax(x, 1);
    check_torch(nn::nll_loss(lp, t, nll(Reduction::Mean)), {1.1371762356444777});
    check_torch(nn::nll_loss(lp, t, nll(Reduction::Sum)), {8.528821767333582});
    check_torch(nn::nll_loss(lp, t, nll(Reduction::None)),
                {0.15441380123616438, 5.517973322467505, 1.0554555128058183, 0.0,
                 1.4699336890586787, 0.252887687637972, 0.0, 0.07815775412744369});
    for (Reduction r : kReductions) {
        check_first_and_second_order(
            [&, r](const V& v) { return nn::cross_entropy(v[0], t, ce(r)); }, {x});
        XGRAD_CHECK_GRAD(([&, r](const V& v) { return sum(nn::nll_loss(v[0], t, nll(r))); }), {x});
    }
    // Unbatched: logits (classes) with a 0-d target.
    const Tensor x1 = sine_logits({3});
    const Tensor l1 =
        nn::cross_entropy(x1, IndexArray(2), nn::CrossEntropyOptions().label_smoothing(0.2));
    BOOST_TEST(l1.dim() == 0u);
    check_torch(l1, {1.3457584008686556});
    check_torch(nn::cross_entropy(
                    x1, IndexArray(2),
                    nn::CrossEntropyOptions().label_smoothing(0.2).reduction(Reduction::None)),
                {1.3457584008686556});
}

BOOST_AUTO_TEST_CASE(cross_entropy_with_probabilities_matches_torch) {
    const Tensor x = sine_logits({3, 4});
    const Tensor p(
        xt::xarray<double>{
            {0.13711353870822057, 0.5283668276854225, 0.2821704307795096, 0.05234920282684718},
            {0.040031153161800316, 0.18635668178007692, 0.5580536928857281, 0.21555847217239466},
            {0.04873235969677376, 0.053438064950750805, 0.2796487042713585, 0.618180871081117}},
        requires_grad());
    const Tensor w({1.0, 2.0, 0.5, 1.0}, DType::Float64);
    const auto o = [&](Reduction r) {
        return nn::CrossEntropyOptions().weight(w).label_smoothing(0.3).reduction(r);
    };
    check_torch(nn::cross_entropy(x, p, o(Reduction::Mean)), {1.6009218432232994});
    check_torch(nn::cross_entropy(x, p, o(Reduction::Sum)), {4.802765529669898});
    check_torch(nn::cross_entropy(x, p, o(Reduction::None)),
                {1.4275810475043151, 1.7256546763656677, 1.649529805799916});
    // Differentiable for the logits and the probabilities.
    for (Reduction r : kReductions)
        check_first_and_second_order(
            [&, r](const V& v) { return nn::cross_entropy(v[0], v[1], o(r)); }, {x, p});
    XGRAD_CHECK_THROWS(nn::cross_entropy(x, p, nn::CrossEntropyOptions().ignore_index(0)),
                       ValueError, "ignore_index");
    XGRAD_CHECK_THROWS(nn::cross_entropy(x, sine_logits({3, 3})), ShapeError, "probabilities");
}

BOOST_AUTO_TEST_CASE(class_loss_options_errors) {
    const Tensor x = sine_logits({4, 3});
    const IndexArray t{2, 0, -100, 1};
    // Every target ignored: torch's weighted mean is 0/0.
    BOOST_TEST(std::isnan(nn::cross_entropy(x, IndexArray{-100, -100, -100, -100}).item()));
    BOOST_TEST(nn::nll_loss(x, IndexArray{-100, -100, -100, -100}, Reduction::Sum).item() == 0.0);
    using O = nn::CrossEntropyOptions;
    XGRAD_CHECK_THROWS(nn::cross_entropy(x, t, O().weight(Tensor({1.0, 2.0}, DType::Float64))),
                       ShapeError, "weight of shape (3,)");
    XGRAD_CHECK_THROWS(nn::cross_entropy(x, t, O().weight(Tensor({1.0, 2.0, 3.0}))), DTypeError,
                       "cross_entropy");
    XGRAD_CHECK_THROWS(nn::cross_entropy(x, t, O().label_smoothing(1.5)), ValueError,
                       "label_smoothing");
    XGRAD_CHECK_THROWS(nn::cross_entropy(x, t, O().ignore_index(-1)), IndexError,
                       "label -100 of example 2");
    XGRAD_CHECK_THROWS(nn::nll_loss(sine_logits({2, 3, 2}), IndexArray{0, 1}, Reduction::Sum),
                       ShapeError, "labels of shape (2, 2)");
}

BOOST_AUTO_TEST_SUITE_END()
