// xgrad's worker threads: large elementwise passes, their gradients and sums split across
// threads give bit for bit what one thread gives, and the thread setting is checked.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "helpers.hpp"
#include "xgrad/parallel.hpp"
#include "xgrad/xgrad.hpp"

using namespace xgrad;

namespace {

/// Restores the thread count a test changed.
struct KeepThreads {
    int previous = get_num_threads();
    ~KeepThreads() { set_num_threads(previous); }
};

/// Values and gradients of a graph whose every op runs over more elements than one thread takes
/// (the odd size leaves chunks that are not multiples of a SIMD width).
std::vector<std::vector<double>> run(int threads, DType dtype) {
    set_num_threads(threads);
    const std::size_t n = 300001;
    Tensor x = testing::uniform({n}, 5, -2.0, 2.0, false).to(dtype);
    x.requires_grad_();
    const Tensor a(0.7, TensorOptions(dtype).requires_grad(true)),
        b(-0.2, TensorOptions(dtype).requires_grad(true));
    const Tensor y = tanh(x * a + b) * exp(-x * x) + sigmoid(x) / (1.0 + x * x);
    const Tensor total = sum(y);
    total.backward();
    const Tensor s = softmax(reshape(y, {1, n}), 1);
    return {y.to_vector(),        total.to_vector(),    x.grad().to_vector(),
            a.grad().to_vector(), b.grad().to_vector(), s.to_vector()};
}

/// Values and gradients of convolutions whose batch is lowered in several chunks (run on several
/// threads) and whose weight gradient adds several parts: plain, strided and dilated with groups,
/// and depthwise.
std::vector<std::vector<double>> run_convolutions(int threads, DType dtype) {
    set_num_threads(threads);
    std::vector<std::vector<double>> out;
    struct Case {
        Shape x, w;
        Pair2 stride, padding, dilation;
        std::size_t groups;
    };
    const std::vector<Case> cases{{{24, 8, 20, 20}, {12, 8, 3, 3}, 1, 1, 1, 1},
                                  {{13, 6, 31, 25}, {9, 2, 3, 2}, {2, 1}, {1, 0}, {2, 1}, 3},
                                  {{20, 16, 24, 24}, {16, 1, 3, 3}, 1, 1, 1, 16}};
    std::uint64_t seed = 11;
    for (const Case& c : cases) {
        const Tensor x = testing::uniform(c.x, seed++, -1.0, 1.0, false).to(dtype).requires_grad_();
        const Tensor w = testing::uniform(c.w, seed++, -1.0, 1.0, false).to(dtype).requires_grad_();
        const Tensor b =
            testing::uniform({c.w[0]}, seed++, -1.0, 1.0, false).to(dtype).requires_grad_();
        const Tensor y = conv2d(x, w, b, c.stride, c.padding, c.dilation, c.groups);
        const Tensor probe = testing::uniform(y.shape(), seed++, -1.0, 1.0, false).to(dtype);
        sum(y * probe).backward();
        for (const Tensor& t : {y, x.grad(), w.grad(), b.grad()}) out.push_back(t.to_vector());
    }
    return out;
}

/// Values and gradients of batch, layer and group norm and of max pooling (regular and padded
/// windows) over more elements than one thread takes: channels and planes split across threads.
std::vector<std::vector<double>> run_norms_and_pooling(int threads, DType dtype) {
    set_num_threads(threads);
    const Tensor x =
        testing::uniform({16, 24, 18, 18}, 31, -2.0, 2.0, false).to(dtype).requires_grad_();
    const Tensor w = testing::uniform({24}, 32, 0.5, 1.5, false).to(dtype).requires_grad_();
    const Tensor b = testing::uniform({24}, 33, -1.0, 1.0, false).to(dtype).requires_grad_();
    const Tensor mean = zeros({24}, dtype), var = ones({24}, dtype);
    const Tensor y =
        batch_norm(x, mean, var, w, b, true) + layer_norm(x, {18, 18}) + group_norm(x, 6, w, b);
    const Tensor pooled = max_pool2d(y, 2) * 2.0;
    const Tensor padded = max_pool2d(y, 3, 2, 1);
    const Tensor probe = testing::uniform(pooled.shape(), 34, -1.0, 1.0, false).to(dtype);
    const Tensor probe2 = testing::uniform(padded.shape(), 35, -1.0, 1.0, false).to(dtype);
    (sum(pooled * probe) + sum(padded * probe2)).backward();
    return {y.to_vector(),        pooled.to_vector(),   padded.to_vector(), x.grad().to_vector(),
            w.grad().to_vector(), b.grad().to_vector(), mean.to_vector(),   var.to_vector()};
}

/// Matrix products large enough to be split across threads (by columns, and by rows when there
/// are more rows), with their gradients (transposed operands).
std::vector<std::vector<double>> run_products(int threads, DType dtype) {
    set_num_threads(threads);
    std::vector<std::vector<double>> out;
    const std::vector<std::pair<Shape, Shape>> cases{
        {{300, 500}, {500, 700}}, {{1000, 70}, {70, 90}}, {{257, 1031}, {1031, 129}}};
    std::uint64_t seed = 51;
    for (const auto& [sa, sb] : cases) {
        const Tensor a = testing::uniform(sa, seed++, -1.0, 1.0, false).to(dtype).requires_grad_();
        const Tensor b = testing::uniform(sb, seed++, -1.0, 1.0, false).to(dtype).requires_grad_();
        const Tensor y = matmul(a, b);
        const Tensor probe = testing::uniform(y.shape(), seed++, -1.0, 1.0, false).to(dtype);
        sum(y * probe).backward();
        for (const Tensor& t : {y, a.grad(), b.grad()}) out.push_back(t.to_vector());
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(parallel)

BOOST_AUTO_TEST_CASE(matrix_products_split_across_threads) {
    // Split into bands of columns or rows on several threads, a product gives the one-thread
    // values up to rounding (like OpenBLAS's own threads, the bands change how BLAS blocks the
    // product, so not bit for bit).
    const KeepThreads keep;
    for (DType dtype : {DType::Float32, DType::Float64}) {
        const double tol = dtype == DType::Float32 ? 1e-4 : 1e-12;  // sums of 1031 products
        const auto one = run_products(1, dtype);
        for (int threads : {2, 3}) {
            const auto many = run_products(threads, dtype);
            for (std::size_t i = 0; i < one.size(); ++i) {
                double worst = 0.0;
                for (std::size_t j = 0; j < one[i].size(); ++j)
                    worst = std::max(
                        worst, std::abs(many[i][j] - one[i][j]) / (1.0 + std::abs(one[i][j])));
                BOOST_TEST(worst <= tol,
                           "output " << i << " with " << threads << " threads: " << worst);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(norms_and_pooling_do_not_depend_on_the_thread_count) {
    const KeepThreads keep;
    for (DType dtype : {DType::Float32, DType::Float64}) {
        const auto one = run_norms_and_pooling(1, dtype);
        for (int threads : {2, 3}) {
            const auto many = run_norms_and_pooling(threads, dtype);
            for (std::size_t i = 0; i < one.size(); ++i)
                BOOST_TEST((many[i] == one[i]),
                           "output " << i << " with " << threads << " threads");
        }
    }
}

BOOST_AUTO_TEST_CASE(convolutions_do_not_depend_on_the_thread_count) {
    const KeepThreads keep;
    for (DType dtype : {DType::Float32, DType::Float64}) {
        const auto one = run_convolutions(1, dtype);
        for (int threads : {2, 3}) {
            const auto many = run_convolutions(threads, dtype);
            for (std::size_t i = 0; i < one.size(); ++i)
                BOOST_TEST((many[i] == one[i]),
                           "output " << i << " with " << threads << " threads");
        }
    }
}

BOOST_AUTO_TEST_CASE(results_do_not_depend_on_the_thread_count) {
    const KeepThreads keep;
    for (DType dtype : {DType::Float32, DType::Float64}) {
        const auto one = run(1, dtype);
        for (int threads : {2, 3, 4}) {
            const auto many = run(threads, dtype);
            for (std::size_t i = 0; i < one.size(); ++i)
                BOOST_TEST((many[i] == one[i]),
                           "output " << i << " with " << threads << " threads");
        }
    }
}

BOOST_AUTO_TEST_CASE(an_exception_in_a_chunk_reaches_the_caller) {
    const KeepThreads keep;
    set_num_threads(2);
    const std::size_t n = 4 * detail::kParallelGrain;
    std::vector<int> seen(n, 0);
    const auto fill = [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) seen[i] = 1;
    };
    BOOST_CHECK_THROW(detail::parallel_for(n,
                                           [&](std::size_t begin, std::size_t end) {
                                               if (end == n) throw ValueError("last chunk");
                                               fill(begin, end);
                                           }),
                      ValueError);
    std::fill(seen.begin(), seen.end(), 0);
    detail::parallel_for(n, fill);  // the pool still works
    BOOST_TEST(std::count(seen.begin(), seen.end(), 1) == static_cast<std::ptrdiff_t>(n));
}

BOOST_AUTO_TEST_CASE(thread_setting) {
    const KeepThreads keep;
    set_num_threads(3);
    BOOST_TEST(get_num_threads() == 3);
    XGRAD_CHECK_THROWS(set_num_threads(0), ValueError, "at least 1 thread");
    BOOST_TEST(get_num_threads() == 3);
}

BOOST_AUTO_TEST_SUITE_END()
