// xgrad's worker threads: a fixed pool woken per op, and the thread count shared with OpenBLAS.
#include "xgrad/parallel.hpp"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "xgrad/blas.hpp"
#include "xgrad/error.hpp"

namespace xgrad {
namespace detail {
namespace {

thread_local bool in_worker = false;

/// Workers that sleep until an op hands them chunks. One op at a time: a caller that finds the
/// pool taken (another thread's op, or a chunk calling an op) runs its chunks itself.
class Pool {
public:
    ~Pool() {
        std::lock_guard<std::mutex> busy(busy_);
        restart(0);
    }

    /// Runs the chunks on the caller and `workers` threads (started or stopped to that count);
    /// false, having run nothing, when another op holds the pool.
    bool run(std::size_t chunks, const std::function<void(std::size_t)>& chunk,
             std::size_t workers) {
        std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
        if (!busy.owns_lock()) return false;
        if (threads_.size() != workers) restart(workers);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            job_ = &chunk;
            chunks_ = chunks;
            next_ = 0;
            finished_ = 0;
            ++generation_;
        }
        wake_.notify_all();
        in_worker = true;  // the caller's chunks, like the workers', see one thread
        take_chunks();
        in_worker = false;
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, [this] { return finished_ == chunks_; });
        job_ = nullptr;
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
        return true;
    }

private:
    /// Runs chunks until none is left; called with mutex_ unlocked. A chunk that throws still
    /// counts as finished (the op waits for all of them) and the first exception goes to the op.
    void take_chunks() {
        std::unique_lock<std::mutex> lock(mutex_);
        while (job_ != nullptr && next_ < chunks_) {
            const std::size_t c = next_++;
            const auto* job = job_;
            lock.unlock();
            std::exception_ptr thrown;
            try {
                (*job)(c);
            } catch (...) {
                thrown = std::current_exception();
            }
            lock.lock();
            if (thrown && !error_) error_ = thrown;
            if (++finished_ == chunks_) done_.notify_one();
        }
    }

    /// Stops the workers and starts `workers` new ones; called with busy_ held.
    void restart(std::size_t workers) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        for (std::thread& t : threads_) t.join();
        threads_.clear();
        stop_ = false;
        for (std::size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
    }

    void work() {
        in_worker = true;
        std::uint64_t seen = 0;
        for (;;) {
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
                if (stop_) return;
                seen = generation_;
            }
            take_chunks();
        }
    }

    std::mutex busy_;   // held by the op using the pool
    std::mutex mutex_;  // guards the job below
    std::condition_variable wake_, done_;
    std::vector<std::thread> threads_;
    const std::function<void(std::size_t)>* job_ = nullptr;
    std::size_t chunks_ = 0, next_ = 0, finished_ = 0;
    std::uint64_t generation_ = 0;
    std::exception_ptr error_;
    bool stop_ = false;
};

Pool& pool() {
    static Pool instance;
    return instance;
}

std::atomic<int>& threads_setting() {
    static std::atomic<int> threads{std::max(1, blas_info().threads)};
    return threads;
}

}  // namespace

int op_threads() { return in_worker ? 1 : threads_setting().load(std::memory_order_relaxed); }

void run_chunks(std::size_t chunks, const std::function<void(std::size_t)>& chunk) {
    if (chunks > 1 && !in_worker) {
        const auto workers = static_cast<std::size_t>(op_threads()) - 1;
        if (pool().run(chunks, chunk, workers)) return;
    }
    for (std::size_t c = 0; c < chunks; ++c) chunk(c);
}

}  // namespace detail

void set_num_threads(int threads) {
    if (threads < 1)
        throw ValueError("set_num_threads: expected at least 1 thread, got " +
                         std::to_string(threads));
    set_blas_threads(threads);
    detail::threads_setting().store(threads);
}

int get_num_threads() { return detail::threads_setting().load(); }

}  // namespace xgrad
