#pragma once
// A one-line progress bar with loss and ETA for long training loops, on stdout beside the epoch
// summaries. On a terminal it redraws in place; anywhere else (a file, a pipe, a CI log) it stays
// silent during the epoch and the epoch's summary is its one line, so a log holds one line per
// epoch instead of one per update.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace examples {

/// printf into a std::string (an epoch's summary for ProgressBar::finish).
template <typename... Args>
std::string format(const char* pattern, Args... args) {
    const int size = std::snprintf(nullptr, 0, pattern, args...);
    std::string text(static_cast<std::size_t>(size > 0 ? size : 0), '\0');
    std::snprintf(text.data(), text.size() + 1, pattern, args...);
    return text;
}

class ProgressBar {
public:
    /// A bar over `total` steps drawn on `out`, in place when `out` is a terminal.
    ProgressBar(std::size_t total, std::string label, std::FILE* out = stdout)
        : ProgressBar(total, std::move(label), out, isatty(fileno(out)) != 0) {}

    /// As above with the choice made by the caller: `redraw` for a terminal's in-place bar.
    ProgressBar(std::size_t total, std::string label, std::FILE* out, bool redraw)
        : total_(total),
          label_(std::move(label)),
          out_(out),
          redraw_(redraw),
          start_(Clock::now()) {}

    /// Marks `done` of `total` steps finished, with the running loss.
    void update(std::size_t done, double loss) {
        if (!redraw_) return;
        const int percent = total_ ? static_cast<int>(100 * done / total_) : 100;
        const double elapsed = seconds_since(start_);
        const double eta =
            done ? elapsed * static_cast<double>(total_ - done) / static_cast<double>(done) : 0.0;
        constexpr int width = 30;
        const int filled = width * percent / 100;
        std::fprintf(out_, "\r%s [%s%s] %3d%% loss %.4f  %5.1fs elapsed, ETA %5.1fs",
                     label_.c_str(), std::string(filled, '#').c_str(),
                     std::string(width - filled, '.').c_str(), percent, loss, elapsed, eta);
        drawn_ = true;
        std::fflush(out_);
    }

    /// Ends the epoch with its one-line summary (below the finished bar on a terminal).
    void finish(const std::string& summary) {
        if (drawn_) std::fputc('\n', out_);
        drawn_ = false;
        std::fprintf(out_, "%s\n", summary.c_str());
        std::fflush(out_);
    }

private:
    using Clock = std::chrono::steady_clock;
    static double seconds_since(Clock::time_point t) {
        return std::chrono::duration<double>(Clock::now() - t).count();
    }
    std::size_t total_;
    std::string label_;
    std::FILE* out_;
    bool redraw_;
    Clock::time_point start_;
    bool drawn_ = false;  // a bar is on the current line, to end before the summary
};

}  // namespace examples
