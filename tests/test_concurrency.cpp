// Two threads training two independent models at once give bit for bit what the same runs give one
// after the other; grad mode stays per thread; tensors may die on another thread than their
// birth thread (per-thread node and buffer pools). Built on its own under ThreadSanitizer by
// .ci/tsan.
#include <boost/test/unit_test.hpp>
#include <future>
#include <thread>

#include "xgrad/blas.hpp"
#include "xgrad/nn.hpp"
#include "xgrad/optim.hpp"
#include "xgrad/parallel.hpp"
#include "xgrad/random.hpp"
#include "xgrad/xgrad.hpp"

using namespace xgrad;

namespace {

/// OpenBLAS's own worker threads are invisible to TSan (false reports) and would compete with
/// the test's threads: one BLAS thread for the lifetime of the guard.
struct OneBlasThread {
    int previous = blas_info().threads;
    OneBlasThread() { set_blas_threads(1); }
    ~OneBlasThread() { set_blas_threads(previous); }
};

/// Every parameter value and every loss of a short training run, in order.
std::vector<double> train(std::uint64_t seed) {
    Generator generator(seed);
    auto model = std::make_shared<nn::Sequential>(
        std::make_shared<nn::Linear>(nn::LinearOptions(6, 16).generator(generator)),
        std::make_shared<nn::Tanh>(),
        std::make_shared<nn::Linear>(nn::LinearOptions(16, 3).generator(generator)));
    optim::Adam optimizer(model->parameters(), {1e-2});
    Tensor x = zeros({32, 6});
    generator.fill_normal(x.value<float>().data(), x.numel());
    std::vector<std::int64_t> labels(32);
    for (auto& label : labels) label = static_cast<std::int64_t>(generator.index(3));

    std::vector<double> trace;
    for (int step = 0; step < 30; ++step) {
        optimizer.zero_grad();
        Tensor logits = model->forward(x);
        Tensor loss = nn::cross_entropy(logits, labels) + 0.1 * mean(logits * logits);
        loss.backward();
        optimizer.step();
        trace.push_back(loss.item());
    }
    for (const auto& p : model->parameters())
        for (double v : p.to_vector()) trace.push_back(v);
    return trace;
}

/// A deep graph built (and its buffers drawn from the pools) in the calling thread.
Tensor chain(int length) {
    Tensor x = ones({4, 8}, TensorOptions(DType::Float64).requires_grad(true));
    Tensor y = x;
    for (int i = 0; i < length; ++i) y = tanh(y * 1.01) + x;
    return sum(y);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(concurrency)

BOOST_AUTO_TEST_CASE(two_models_in_two_threads_match_the_sequential_runs) {
    const OneBlasThread blas;
    const std::vector<double> first = train(1), second = train(2);
    BOOST_TEST_REQUIRE(first != second);  // the comparison below would not notice swapped runs

    std::vector<double> parallel_first, parallel_second;
    std::thread a([&] { parallel_first = train(1); });
    std::thread b([&] { parallel_second = train(2); });
    a.join();
    b.join();
    BOOST_TEST(parallel_first == first);  // bit for bit
    BOOST_TEST(parallel_second == second);
}

// Products of at least 64^3 multiply-adds go to oneDNN on one BLAS thread when it is built in
// (src/blas.cpp): two threads calling it at once get what one thread gets, bit for bit.
BOOST_AUTO_TEST_CASE(large_products_in_two_threads_match_the_sequential_ones) {
    const OneBlasThread blas;
    const auto products = [](std::uint64_t seed) {
        Generator generator(seed);
        Tensor a = zeros({96, 112}), b = zeros({112, 80});
        generator.fill_normal(a.value<float>().data(), a.numel());
        generator.fill_normal(b.value<float>().data(), b.numel());
        std::vector<double> values;
        for (int i = 0; i < 20; ++i) {
            // The three transpose pairs of a training step: x W, x x^T, W^T W.
            for (const Tensor& c :
                 {matmul(a, b), matmul(a, a, false, true), matmul(b, b, true, false)})
                for (double v : c.to_vector()) values.push_back(v);
            a = a * 0.5;
        }
        return values;
    };
    const std::vector<double> first = products(1), second = products(2);
    std::vector<double> parallel_first, parallel_second;
    std::thread a([&] { parallel_first = products(1); });
    std::thread b([&] { parallel_second = products(2); });
    a.join();
    b.join();
    BOOST_TEST(parallel_first == first);
    BOOST_TEST(parallel_second == second);
}

BOOST_AUTO_TEST_CASE(two_threads_sharing_the_worker_pool) {
    // Large elementwise passes split across xgrad's workers (no matrix products: OpenBLAS's own
    // threads stay idle) while two user threads run them at once; one of them finds the pool
    // taken and runs its chunks itself. Both get what one thread gets.
    const int previous = get_num_threads();
    const auto pass = [] {
        Tensor x = zeros({200000});
        Generator(3).fill_normal(x.value<float>().data(), x.numel());
        const Tensor a(0.5, requires_grad());
        const Tensor loss = sum(tanh(x * a) * x);
        loss.backward();
        return std::vector<double>{loss.item(), a.grad().item()};
    };
    set_num_threads(1);
    const std::vector<double> expected = pass();
    set_num_threads(2);
    std::vector<std::vector<double>> results(2);
    std::thread first([&] {
        for (int i = 0; i < 10; ++i) results[0] = pass();
    });
    std::thread second([&] {
        for (int i = 0; i < 10; ++i) results[1] = pass();
    });
    first.join();
    second.join();
    set_num_threads(previous);
    BOOST_TEST(results[0] == expected);
    BOOST_TEST(results[1] == expected);
}

BOOST_AUTO_TEST_CASE(two_threads_running_convolutions_on_the_worker_pool) {
    // A convolution's chunks of examples run on xgrad's workers, each gemm on one OpenBLAS
    // thread (set and restored around them), while another user thread does the same or finds
    // the pool taken and runs its chunks itself: both get the one-thread values bit for bit.
    const int previous = get_num_threads();
    const auto pass = [] {
        Tensor x = zeros({32, 6, 20, 20});  // lowered in 3 chunks
        Generator(5).fill_normal(x.value<float>().data(), x.numel());
        x.requires_grad_();
        Tensor w = zeros({10, 6, 3, 3});
        Generator(6).fill_normal(w.value<float>().data(), w.numel());
        w.requires_grad_();
        const Tensor loss = sum(tanh(conv2d(x, w, Tensor(), 1, 1)));
        loss.backward();
        return std::vector<double>{loss.item(), sum(x.grad()).item(), sum(w.grad()).item()};
    };
    set_num_threads(1);
    const std::vector<double> expected = pass();
    set_num_threads(2);
    std::vector<std::vector<double>> results(2);
    std::thread first([&] {
        for (int i = 0; i < 4; ++i) results[0] = pass();
    });
    std::thread second([&] {
        for (int i = 0; i < 4; ++i) results[1] = pass();
    });
    first.join();
    second.join();
    set_num_threads(previous);
    BOOST_TEST(results[0] == expected);
    BOOST_TEST(results[1] == expected);
}

BOOST_AUTO_TEST_CASE(no_grad_in_one_thread_does_not_affect_another) {
    std::promise<void> guard_set, other_done;
    std::future<void> done = other_done.get_future();
    bool recorded_in_guarded = true, enabled_in_guarded = true;
    std::thread guarded([&] {
        const NoGradGuard no_grad;
        guard_set.set_value();
        done.wait();  // the guard stays in force while the other thread works
        enabled_in_guarded = is_grad_enabled();
        recorded_in_guarded = (ones({2}, requires_grad()) * 2.0).requires_grad();
    });
    guard_set.get_future().wait();
    bool enabled_in_other = false, recorded_in_other = false;
    std::vector<double> grad_in_other;
    std::thread other([&] {  // (Boost.Test's assertions are not thread-safe: checked below)
        enabled_in_other = is_grad_enabled();
        Tensor w = ones({2}, requires_grad());
        Tensor y = sum(w * 3.0);
        recorded_in_other = y.requires_grad();
        y.backward();
        grad_in_other = w.grad().to_vector();
        other_done.set_value();
    });
    other.join();
    guarded.join();
    BOOST_TEST(enabled_in_other);
    BOOST_TEST(recorded_in_other);
    BOOST_TEST(grad_in_other == std::vector<double>({3.0, 3.0}));
    BOOST_TEST(!enabled_in_guarded);
    BOOST_TEST(!recorded_in_guarded);
    BOOST_TEST(is_grad_enabled());
}

BOOST_AUTO_TEST_CASE(tensors_die_safely_on_another_thread) {
    const OneBlasThread blas;
    const double expected = [] {
        Tensor loss = chain(200);
        loss.backward();
        return loss.item();
    }();
    for (int round = 0; round < 4; ++round) {
        // Born in a thread that exits (its pools are torn down) while the graph lives on.
        Tensor loss;
        std::thread([&] { loss = chain(200); }).join();
        BOOST_TEST(loss.item() == expected);
        // Backward and destruction in a third thread, while this one builds and frees its own.
        std::thread consumer([loss = std::move(loss)]() mutable {
            loss.backward();
            loss = Tensor();
        });
        for (int i = 0; i < 5; ++i) chain(50).backward();
        consumer.join();
    }
    // Two threads that hand each other their tensors to destroy, both pools alive.
    std::promise<Tensor> from_a, from_b;
    std::thread a([&] {
        from_a.set_value(chain(300));
        Tensor theirs = from_b.get_future().get();
        theirs.backward();
    });
    std::thread b([&] {
        from_b.set_value(chain(300));
        Tensor theirs = from_a.get_future().get();
        theirs.backward();
    });
    a.join();
    b.join();
}

BOOST_AUTO_TEST_SUITE_END()
