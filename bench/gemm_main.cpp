// xgrad_gemm_bench: every matrix-product candidate built in (OpenBLAS, BLIS, libxsmm, oneDNN, and
// xgrad's own detail::gemm) on the shapes of xgrad's training steps, one thread, each case as
// GFLOP/s and as a fraction of the core's measured FMA peak (bench/fma_peak.hpp). bench/run
// --gemm runs it.
//
//   xgrad_gemm_bench [--samples N] [--filter TEXT] [--markdown]
//   xgrad_gemm_bench --blas-info   (the line bench/run reads: kernel, fallback, suggestion, SIMD)
#include <cblas.h>
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "fma_peak.hpp"
#include "gemm_library.hpp"
#include "timing.hpp"
#include "xgrad/blas.hpp"

namespace bench {
namespace {

struct Options {
    TimingOptions timing{11, 2e-3, 0.02};
    std::string filter;
    bool markdown = false;
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--samples" && i + 1 < argc)
            o.timing.samples = std::stoul(argv[++i]);
        else if (arg == "--filter" && i + 1 < argc)
            o.filter = argv[++i];
        else if (arg == "--markdown")
            o.markdown = true;
        else {
            std::fprintf(stderr, "usage: %s [--samples N] [--filter TEXT] [--markdown]\n", argv[0]);
            std::exit(2);
        }
    }
    return o;
}

/// The shared object that provides cblas_sgemm: libblis exports one too, and the link order
/// must keep OpenBLAS's.
std::string cblas_provider() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&cblas_sgemm), &info) && info.dli_fname)
        return info.dli_fname;
    return "?";
}

/// Largest |x - reference| relative to the largest |reference|.
double relative_error(const std::vector<float>& x, const std::vector<float>& reference) {
    double worst = 0, scale = 1e-30;
    for (std::size_t i = 0; i < x.size(); ++i) {
        worst = std::max(worst, double(std::fabs(x[i] - reference[i])));
        scale = std::max(scale, double(std::fabs(reference[i])));
    }
    return worst / scale;
}

std::string cell(double seconds, double flops, double peak, bool markdown) {
    if (seconds <= 0) return "n/a";
    char text[64];
    const double gflops = flops / seconds * 1e-9;
    std::snprintf(text, sizeof text, markdown ? "%.0f (%.0f%%)" : "%6.1f %3.0f%%", gflops,
                  100 * gflops / peak);
    return text;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
    using namespace bench;
    if (argc == 2 && std::string(argv[1]) == "--blas-info") {
        const xgrad::BlasInfo info = xgrad::blas_info();
        std::printf("%s %s %s\n", info.kernel.c_str(),
                    info.fallback ? ("1 " + info.suggested_coretype).c_str() : "0 -",
                    info.cpu_simd.empty() ? "-" : info.cpu_simd.c_str());
        return 0;
    }
    const Options options = parse(argc, argv);
    // One thread for every library: OpenBLAS's pthreads, and the OpenMP of BLIS and oneDNN.
    openblas_set_num_threads(1);
#ifdef _OPENMP
    omp_set_num_threads(1);
#endif
    const std::vector<GemmLibrary> libraries = gemm_libraries();
    const FmaPeak peak = measure_fma_peak();
    std::printf("FMA peak, 1 thread: %.1f GFLOP/s (%s loop)\n", peak.gflops, peak.isa.c_str());
    std::printf("cblas_sgemm from %s\n", cblas_provider().c_str());
    for (const auto& lib : libraries)
        std::printf("  %-14s %s\n", lib.name.c_str(), lib.detail.c_str());
    std::printf(
        "Each cell: GFLOP/s and %% of the FMA peak, median of %zu blocks; n/a: no kernel; "
        "!: result differs from OpenBLAS's (relative error > 1e-4)\n\n",
        options.timing.samples);

    // Times per group and library, for the step totals.
    std::map<std::string, std::vector<double>> group_seconds, group_best;
    std::map<std::string, double> group_flops;
    std::vector<std::string> group_order;

    const std::string sep = options.markdown ? " | " : "  ";
    std::printf("%s%-28s%s%-24s%s%-3s%s%-16s", options.markdown ? "| " : "", "step", sep.c_str(),
                "product", sep.c_str(), "op", sep.c_str(), "m x n x k");
    for (const auto& lib : libraries) std::printf("%s%-14s", sep.c_str(), lib.name.c_str());
    std::printf("%s\n", options.markdown ? " |" : "");
    if (options.markdown) {
        std::printf("| --- | --- | --- | ---");
        for (std::size_t i = 0; i < libraries.size(); ++i) std::printf(" | ---");
        std::printf(" |\n");
    }

    std::mt19937 rng(7);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    for (const GemmShape& s : gemm_shapes()) {
        if (!options.filter.empty() &&
            (s.group + " " + s.role).find(options.filter) == std::string::npos)
            continue;
        std::vector<float> a(std::size_t(s.m) * s.k), b(std::size_t(s.k) * s.n),
            c(std::size_t(s.m) * s.n), reference(c.size());
        for (auto& v : a) v = uniform(rng);
        for (auto& v : b) v = uniform(rng);
        libraries.front().run(s, a.data(), b.data(), reference.data());
        if (!group_flops.count(s.group)) {
            group_order.push_back(s.group);
            group_seconds[s.group].assign(libraries.size(), 0.0);
        }
        group_flops[s.group] += s.flops();
        char dims[48];
        std::snprintf(dims, sizeof dims, "%d x %d x %d", s.m, s.n, s.k);
        std::printf("%s%-28s%s%-24s%s%c%c %s%-16s", options.markdown ? "| " : "", s.group.c_str(),
                    sep.c_str(), s.role.c_str(), sep.c_str(), s.ta ? 'T' : 'N', s.tb ? 'T' : 'N',
                    sep.c_str(), dims);
        double best = 0;
        for (std::size_t i = 0; i < libraries.size(); ++i) {
            double seconds = 0;
            bool wrong = false;
            try {
                std::fill(c.begin(), c.end(), std::nanf(""));
                libraries[i].run(s, a.data(), b.data(), c.data());
                wrong = !(relative_error(c, reference) <= 1e-4);
                seconds = median_seconds([&] { libraries[i].run(s, a.data(), b.data(), c.data()); },
                                         options.timing);
            } catch (const std::exception&) {
                seconds = 0;
            }
            auto& total = group_seconds[s.group][i];
            total = seconds > 0 && total >= 0 ? total + seconds : -1;  // -1: a product missing
            if (seconds > 0 && !wrong && (best == 0 || seconds < best)) best = seconds;
            std::printf(
                "%s%-14s", sep.c_str(),
                (cell(seconds, s.flops(), peak.gflops, options.markdown) + (wrong ? "!" : ""))
                    .c_str());
            std::fflush(stdout);
        }
        group_best[s.group].push_back(best);
        std::printf("%s\n", options.markdown ? " |" : "");
    }

    // The sums per step: one column per library as in the table above, then the best per product.
    std::printf(
        "\nAll products of a step, in sequence: time, GFLOP/s and %% of peak of the sum "
        "('best' takes the fastest correct library per product)\n\n");
    std::printf("%s%-28s", options.markdown ? "| " : "", "step");
    for (const auto& lib : libraries) std::printf("%s%-24s", sep.c_str(), lib.name.c_str());
    std::printf("%s%-24s%s\n", sep.c_str(), "best", options.markdown ? " |" : "");
    if (options.markdown) {
        std::printf("| ---");
        for (std::size_t i = 0; i <= libraries.size(); ++i) std::printf(" | ---");
        std::printf(" |\n");
    }
    const auto total = [&](double seconds, const std::string& group) {
        if (seconds <= 0) return std::string("n/a");
        char time[32];
        std::snprintf(time, sizeof time, "%.1f us ", seconds * 1e6);
        return time + cell(seconds, group_flops[group], peak.gflops, options.markdown);
    };
    for (const auto& group : group_order) {
        std::printf("%s%-28s", options.markdown ? "| " : "", group.c_str());
        double best = 0;
        for (double s : group_best[group]) best += s;
        for (std::size_t i = 0; i < libraries.size(); ++i)
            std::printf("%s%-24s", sep.c_str(), total(group_seconds[group][i], group).c_str());
        std::printf("%s%-24s%s\n", sep.c_str(), total(best, group).c_str(),
                    options.markdown ? " |" : "");
    }
    return 0;
}
