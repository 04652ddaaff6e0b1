#pragma once
// A one-line progress bar with loss and ETA for long training loops. Draws in place on a terminal;
// when stderr is not a terminal (logs, CI) it prints a line every 10% instead.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace examples {

class ProgressBar {
public:
    ProgressBar(std::size_t total, std::string label)
        : total_(total),
          label_(std::move(label)),
          start_(Clock::now()),
          tty_(isatty(fileno(stderr))) {}

    /// Marks `done` of `total` steps finished, with the running loss.
    void update(std::size_t done, double loss) {
        const int percent = total_ ? static_cast<int>(100 * done / total_) : 100;
        if (!tty_ && percent / 10 == last_decile_ && done != total_) return;
        last_decile_ = percent / 10;
        const double elapsed = seconds_since(start_);
        const double eta =
            done ? elapsed * static_cast<double>(total_ - done) / static_cast<double>(done) : 0.0;
        constexpr int width = 30;
        const int filled = width * percent / 100;
        std::fprintf(stderr, "%s%s [%s%s] %3d%% loss %.4f  %5.1fs elapsed, ETA %5.1fs%s",
                     tty_ ? "\r" : "", label_.c_str(), std::string(filled, '#').c_str(),
                     std::string(width - filled, '.').c_str(), percent, loss, elapsed, eta,
                     tty_ ? "" : "\n");
        if (tty_ && done == total_) std::fputc('\n', stderr);
        std::fflush(stderr);
    }

private:
    using Clock = std::chrono::steady_clock;
    static double seconds_since(Clock::time_point t) {
        return std::chrono::duration<double>(Clock::now() - t).count();
    }
    std::size_t total_;
    std::string label_;
    Clock::time_point start_;
    bool tty_;
    int last_decile_ = -1;
};

}  // namespace examples
