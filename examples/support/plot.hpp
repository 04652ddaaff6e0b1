#pragma once
// Renders a gnuplot script to PNG when gnuplot is installed. The CSV data is always written by
// the caller; a missing gnuplot costs one notice, not an error.

#include <cstdio>
#include <cstdlib>
#include <string>

namespace examples {

/// Runs `script` through gnuplot with `png` (width x height pixels) as output; returns whether a
/// PNG was made.
inline bool plot_png(const std::string& script, const std::string& png, int width = 1200,
                     int height = 700) {
    std::fflush(stdout);  // keep the order of stdout and stderr lines
    if (std::system("command -v gnuplot > /dev/null 2>&1") != 0) {
        std::fprintf(stderr,
                     "note: gnuplot is not installed, so %s was not drawn (the CSV is there)\n",
                     png.c_str());
        return false;
    }
    FILE* gnuplot = popen("gnuplot", "w");
    if (!gnuplot) return false;
    // Ten distinct colours (matplotlib's tab10): gnuplot's default cycle repeats after eight.
    const char* colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                             "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    std::fprintf(gnuplot, "set terminal pngcairo size %d,%d font ',11'\nset output '%s'\n", width,
                 height, png.c_str());
    for (int i = 0; i < 10; ++i)
        std::fprintf(gnuplot, "set linetype %d lc rgb '%s' lw 1.5\n", i + 1, colours[i]);
    std::fprintf(gnuplot, "%s\n", script.c_str());
    const bool ok = pclose(gnuplot) == 0;
    if (ok) std::fprintf(stderr, "plot: %s\n", png.c_str());
    return ok;
}

}  // namespace examples
