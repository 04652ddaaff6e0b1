#include "markdown.hpp"

#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bench {
namespace {

std::string ratio_text(double ratio) {
    if (ratio < 0) return "-";
    char text[16];
    std::snprintf(text, sizeof text, ratio < 0.1 ? "%.2g" : ratio < 10 ? "%.2f" : "%.1f", ratio);
    return text;
}

std::string today() {
    char text[32];
    const std::time_t now = std::time(nullptr);
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", std::localtime(&now));
    return text;
}

/// The rows of the MLP step at batch 64, one per library and thread count, xgrad's first.
void choices_table(std::ostream& out, const std::vector<Row>& rows) {
    const std::string step = "mlp 784-128-10 step, batch 64";
    out << "| library | threads | time per step | xgrad / library |\n| --- | --- | --- | --- |\n";
    int last_threads = 0;
    for (const Row& r : rows) {
        if (r.name != step) continue;
        if (r.threads != last_threads)
            out << "| **xgrad** | " << r.threads << " | " << format_value(r.xgrad, r.unit)
                << " | 1 |\n";
        last_threads = r.threads;
        if (r.peer_value > 0)
            out << "| " << r.peer << " | " << r.threads << " | "
                << format_value(r.peer_value, r.unit) << " | " << ratio_text(r.ratio) << " |\n";
    }
}

}  // namespace

std::string results_markdown(const Header& h, const std::vector<Row>& rows, std::size_t rounds) {
    std::ostringstream out;
    out << "`bench/run --markdown` on " << today() << " (load average " << h.load
        << " at the start), " << h.cpu << ", " << h.blas_library << " with the " << h.blas_kernel
        << " kernel (OPENBLAS_CORETYPE=" << (h.coretype_env.empty() ? "unset" : h.coretype_env)
        << ").";
    if (!h.note.empty()) out << " " << h.note << ".";
    out << " Each case ran " << rounds
        << " round(s) per library, alternating, and the median round is shown "
           "(`bench/results.json` holds the same run).\n\n"
        << "The MLP 784-128-10 training step at batch 64 (float32, SGD momentum 0.9, lr 0.01) "
           "in each C++ library built in:\n\n";
    choices_table(out, rows);
    out << "\nAll cases (peer: the library of the peer column; ratio as its column says):\n\n"
        << "| case | threads | xgrad | peer | peer's | ratio | of | target |\n"
        << "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
    for (const Row& r : rows) {
        out << "| " << r.name << " | " << r.threads << " | " << format_value(r.xgrad, r.unit)
            << " | " << (r.peer_value >= 0 ? r.peer : "") << " | "
            << format_value(r.peer_value, r.unit) << " | " << ratio_text(r.ratio) << " | "
            << r.ratio_of << " | ";
        if (!r.target.empty()) out << r.target << (r.met ? " met" : " **missed**");
        out << " |\n";
    }
    return out.str();
}

void replace_between_markers(const std::string& path, const std::string& text) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::stringstream page;
    page << in.rdbuf();
    const std::string s = page.str();
    const std::string begin = results_begin_marker(), end = results_end_marker();
    const auto b = s.find(begin);
    const auto e = b == std::string::npos ? b : s.find(end, b);
    if (e == std::string::npos)
        throw std::runtime_error(path + " has no '" + begin + "' ... '" + end + "' markers");
    const std::string updated = s.substr(0, b + begin.size()) + "\n\n" + text + "\n" + s.substr(e);
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << updated;
        if (!out.flush()) throw std::runtime_error("cannot write " + temporary);
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0)
        throw std::runtime_error("cannot rename " + temporary + " to " + path);
}

}  // namespace bench
