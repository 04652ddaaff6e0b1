// Peak memory of reading IDX files: streaming (pread of each batch's rows) against loading the
// whole file, for a generated file of n images and one of 10 n, plain and gzipped. Each
// measurement runs in a fresh child process and reports its peak RSS (getrusage via wait4).
//
//     xgrad_idx_rss [--images N] [--dir DIR] [--check]
//
// With --check the program fails unless streaming the 10x file peaks within a few MB of streaming
// the 1x file (memory flat in the file size) and every mode sees the same data.
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "xgrad/data.hpp"

extern char** environ;

namespace {

using namespace xgrad;

constexpr std::size_t kRows = 28, kCols = 28;

/// n images of 28x28 pixels and n labels, written a row at a time (the generator itself stays
/// small whatever n is).
void generate(const std::string& images, const std::string& labels, std::size_t n, bool compress) {
    data::IdxWriter image_writer(images, data::IdxType::UInt8, {n, kRows, kCols}, compress);
    data::IdxWriter label_writer(labels, data::IdxType::UInt8, {n}, compress);
    std::vector<std::uint8_t> pixels(kRows * kCols);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t p = 0; p < pixels.size(); ++p)
            pixels[p] = static_cast<std::uint8_t>((i * 31 + p * 7 + (i * p) % 13) % 256);
        image_writer.write_bytes(pixels.data(), pixels.size());
        const auto label = static_cast<std::uint8_t>(i % 10);
        label_writer.write_bytes(&label, 1);
    }
    image_writer.close();
    label_writer.close();
}

/// One epoch in shuffled batches of 256; prints a checksum of everything read.
int measure(bool streaming, const std::string& images, const std::string& labels,
            const std::string& cache) {
    const auto options =
        data::IdxOptions().input_scale(1.0 / 255.0).streaming(streaming).cache_dir(cache);
    auto dataset = std::make_shared<data::IdxDataset>(images, labels, options);
    data::DataLoader loader(dataset, data::DataLoaderOptions(256).shuffle(true).seed(1));
    double checksum = 0.0;
    for (const data::Batch& batch : loader) {
        const auto& x = batch.inputs.value<float>();
        for (std::size_t i = 0; i < x.size(); i += 97) checksum += x.data()[i];
        for (double y : batch.targets.to_vector()) checksum += y;
    }
    std::printf("%.6f\n", checksum);
    return 0;
}

struct Result {
    long peak_kb = 0;
    std::string checksum;
};

/// Runs `self measure ...` in a child and returns its peak RSS and output.
Result run_child(const std::string& mode, const std::string& images, const std::string& labels,
                 const std::string& cache) {
    const std::string out = cache + "/../child.out";
    std::vector<std::string> args{"/proc/self/exe", "measure", mode, images, labels, cache};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    if (posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), environ) != 0) {
        std::perror("posix_spawn");
        std::exit(1);
    }
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::cerr << "measure " << mode << " " << images << " failed\n";
        std::exit(1);
    }
    Result result;
    result.peak_kb = usage.ru_maxrss;
    FILE* file = std::fopen(out.c_str(), "r");
    char line[64] = {0};
    if (file && std::fgets(line, sizeof line, file)) result.checksum = line;
    if (file) std::fclose(file);
    return result;
}

double megabytes(long kb) { return static_cast<double>(kb) / 1024.0; }

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 5 && args[0] == "measure")
        return measure(args[1] == "stream", args[2], args[3], args[4]);

    std::size_t n = 20000;
    std::string dir;
    bool check = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--images" && i + 1 < args.size())
            n = std::stoul(args[++i]);
        else if (args[i] == "--dir" && i + 1 < args.size())
            dir = args[++i];
        else if (args[i] == "--check")
            check = true;
        else {
            std::cerr << "usage: xgrad_idx_rss [--images N] [--dir DIR] [--check]\n";
            return 2;
        }
    }
    const bool own_dir = dir.empty();
    if (own_dir) {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "xgrad-rss-XXXXXX").string();
        if (!mkdtemp(pattern.data())) return 1;
        dir = pattern;
    }
    std::filesystem::create_directories(dir + "/cache");

    struct Row {
        std::string label;
        std::size_t images;
        bool compress;
        Result stream, memory;
    };
    std::vector<Row> rows;
    for (const bool compress : {false, true}) {
        for (const std::size_t factor : {1, 10}) {
            const std::string stem =
                dir + "/" + std::to_string(factor) + "x" + (compress ? ".gz" : "");
            const std::string images = stem + "-images", labels = stem + "-labels";
            generate(images, labels, n * factor, compress);
            Row row{std::to_string(factor) + "x" + (compress ? " gzip" : ""), n * factor, compress,
                    run_child("stream", images, labels, dir + "/cache"),
                    run_child("memory", images, labels, dir + "/cache")};
            rows.push_back(row);
            std::filesystem::remove(images);
            std::filesystem::remove(labels);
            std::filesystem::remove_all(dir + "/cache");
            std::filesystem::create_directories(dir + "/cache");
        }
    }

    std::printf("%-10s %10s %12s %18s %18s\n", "file", "images", "data MB", "stream peak MB",
                "in-memory peak MB");
    for (const auto& row : rows)
        std::printf("%-10s %10zu %12.1f %18.1f %18.1f\n", row.label.c_str(), row.images,
                    static_cast<double>(row.images * kRows * kCols) / (1024.0 * 1024.0),
                    megabytes(row.stream.peak_kb), megabytes(row.memory.peak_kb));
    if (own_dir) std::filesystem::remove_all(dir);

    if (!check) return 0;
    bool ok = true;
    for (std::size_t i = 0; i < rows.size(); i += 2) {
        const Row& small = rows[i];
        const Row& large = rows[i + 1];
        // Flat: 10x the data may cost the index vectors of the bigger epoch (8 bytes per image
        // for the order and the batches, a few MB) but not the data (10x ~ 150 MB here).
        const double growth = megabytes(large.stream.peak_kb - small.stream.peak_kb);
        const double allowed = 2.0 + 24.0 * static_cast<double>(large.images) / (1024.0 * 1024.0);
        if (growth > allowed) {
            std::printf("FAIL %s: streaming peak grew by %.1f MB from 1x to 10x (allowed %.1f)\n",
                        large.label.c_str(), growth, allowed);
            ok = false;
        }
        for (const Row* row : {&small, &large})
            if (row->stream.checksum != row->memory.checksum) {
                std::printf("FAIL %s: streaming and in-memory reads differ\n", row->label.c_str());
                ok = false;
            }
    }
    std::printf("%s\n", ok ? "1 passed, 0 failed" : "0 passed, 1 failed");
    return ok ? 0 : 1;
}
