// online_sgd: online learning as the lecture describes it. Labelled examples arrive one line at a
// time ("label,x1,x2,..." with label −1 or +1) on standard input or from a file; the model is
// updated after each one and nothing is kept in memory. The running loss is measured on each
// example before the model learns from it (progressive validation).
//
//   online_sgd --emit 20000 | online_sgd        (a generated stream)
//   online_sgd --input examples.csv
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <xgrad/nn.hpp>
#include <xgrad/optim.hpp>
#include <xgrad/xgrad.hpp>

#include "support/csv_log.hpp"
#include "support/plot.hpp"

using namespace xgrad;

/// Writes `count` examples of a fixed linear rule with 10% label noise, three features.
void emit(std::size_t count, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    std::normal_distribution<double> feature(0.0, 1.0);
    std::uniform_real_distribution<double> coin(0.0, 1.0);
    for (std::size_t i = 0; i < count; ++i) {
        const double x1 = feature(engine), x2 = feature(engine), x3 = feature(engine);
        const double margin = 2.0 * x1 - 1.0 * x2 + 0.5 * x3 + 0.3;
        const int label = (margin > 0) != (coin(engine) < 0.1) ? 1 : -1;
        std::printf("%d,%.6f,%.6f,%.6f\n", label, x1, x2, x3);
    }
}

/// Parses "label,x1,...,xd"; throws with the line number on anything else.
std::vector<double> parse(const std::string& line, std::size_t line_number) {
    std::vector<double> values;
    std::stringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) {
        char* end = nullptr;
        values.push_back(std::strtod(cell.c_str(), &end));
        if (cell.empty() || *end != '\0')
            throw std::runtime_error("line " + std::to_string(line_number) + ": '" + cell +
                                     "' is not a number");
    }
    if (values.size() < 2 || (values[0] != 1.0 && values[0] != -1.0))
        throw std::runtime_error("line " + std::to_string(line_number) +
                                 ": expected 'label,x1,...' with label -1 or +1");
    return values;
}

int main(int argc, char** argv) {
    CLI::App app{"Online logistic regression: one SGD update per example as it arrives"};
    std::string input = "-", out_dir = "xgrad-output";
    std::size_t emit_count = 0, report_every = 500;
    double lr = 0.05, smoothing = 0.995;
    std::uint64_t seed = 1;
    app.add_option("--input", input, "file of 'label,x1,...' lines, '-' for standard input");
    app.add_option("--emit", emit_count,
                   "instead of learning, write this many generated examples to stdout");
    app.add_option("--lr", lr, "learning rate of the per-example SGD update");
    app.add_option("--report-every", report_every,
                   "print the running loss every this many examples")
        ->check(CLI::PositiveNumber);
    app.add_option("--smoothing", smoothing,
                   "weight of the past in the running (exponential) averages");
    app.add_option("--seed", seed, "seed of --emit");
    app.add_option("--out", out_dir, "directory for the CSV and PNG files");
    CLI11_PARSE(app, argc, argv);
    if (emit_count) {
        emit(emit_count, seed);
        return 0;
    }

    std::ifstream file;
    if (input != "-") {
        file.open(input);
        if (!file) {
            std::fprintf(stderr, "online_sgd: cannot read %s\n", input.c_str());
            return 1;
        }
    }
    std::istream& stream = input == "-" ? std::cin : file;
    std::filesystem::create_directories(out_dir);
    examples::CsvLog log(out_dir + "/online_loss.csv",
                         {"examples", "running_loss", "running_accuracy"});

    Tensor w, b;  // created from the first line, once the number of features is known
    std::unique_ptr<optim::SGD> optimizer;
    double running_loss = 0, running_accuracy = 0, weight = 0;
    std::size_t seen = 0;
    std::printf("%10s %14s %18s\n", "examples", "running loss", "running accuracy");
    std::string line;
    try {
        while (std::getline(stream, line)) {
            if (line.empty()) continue;
            const std::vector<double> values = parse(line, seen + 1);
            const std::size_t d = values.size() - 1;
            if (!optimizer) {
                w = zeros({d, 1}, TensorOptions(DType::Float64).requires_grad(true));
                b = zeros({}, TensorOptions(DType::Float64).requires_grad(true));
                optimizer =
                    std::make_unique<optim::SGD>(std::vector<Tensor>{w, b}, optim::SGDOptions(lr));
            } else if (d != w.shape()[0]) {
                throw std::runtime_error("line " + std::to_string(seen + 1) + ": " +
                                         std::to_string(d) + " features, the stream started with " +
                                         std::to_string(w.shape()[0]));
            }
            xt::xarray<double> features = xt::empty<double>(Shape{1, d});
            std::copy(values.begin() + 1, values.end(), features.begin());
            const Tensor x(features), y({{values[0]}}, DType::Float64);

            optimizer->zero_grad();
            const Tensor score = matmul(x, w) + b;
            const Tensor loss = nn::logistic_loss(score, y);
            loss.backward();
            optimizer->step();  // one update per example, as it arrives

            // Running averages, bias-corrected like Adam's so the first values are meaningful.
            weight = smoothing * weight + (1 - smoothing);
            running_loss = smoothing * running_loss + (1 - smoothing) * loss.item();
            running_accuracy =
                smoothing * running_accuracy + (1 - smoothing) * (score.item() * values[0] > 0);
            if (++seen % report_every == 0) {
                std::printf("%10zu %14.5f %17.2f%%\n", seen, running_loss / weight,
                            100 * running_accuracy / weight);
                log.row(seen, running_loss / weight, running_accuracy / weight);
            }
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "online_sgd: %s\n", e.what());
        return 1;
    }
    if (!optimizer) {
        std::fprintf(stderr, "online_sgd: no examples in the input\n");
        return 1;
    }
    std::printf("learned w = [");
    for (double v : w.to_vector()) std::printf(" %.3f", v);
    std::printf(" ], b = %.3f after %zu examples\n", b.item(), seen);
    examples::plot_png(
        "set datafile separator ','\nset xlabel 'examples seen'\nset ylabel 'running loss'\n"
        "set y2label 'running accuracy'\nset y2tics\nset key center right\n"
        "set title 'Online SGD: loss on each new example before learning from it'\nplot '" +
            out_dir +
            "/online_loss.csv' using 1:2 every ::1 with lines title 'loss', '' using 1:3 "
            "every ::1 axes x1y2 with lines title 'accuracy'\n",
        out_dir + "/online_sgd.png");
}
