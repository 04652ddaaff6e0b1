// fashion_mnist — the main job: an MLP (784-256-128-10, ReLU) or, with --model cnn, a small CNN
// (conv 32 - BN - ReLU - maxpool, conv 64 - BN - ReLU - maxpool, linear 128, dropout, linear 10)
// trained on Fashion-MNIST from Debian's dataset-fashion-mnist package with mini-batch SGD
// (batch 64, momentum 0.9, cosine-decaying lr) or any update rule by flag. Per epoch: a progress
// bar, the training loss and the test accuracy; a checkpoint after every epoch (--resume continues
// from it), metrics as CSV and a PNG plot. Data-parallel under mpirun (--distributed, or detected):
// every rank trains on its share of each mini-batch and the gradients are averaged across ranks;
// rank 0 alone prints and writes files.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>
#include <vector>
#include <xgrad/blas.hpp>
#include <xgrad/data.hpp>
#include <xgrad/io.hpp>
#include <xgrad/nn.hpp>
#include <xgrad/optim.hpp>
#include <xgrad/xgrad.hpp>
#if XGRAD_HAS_ONNX
#include <xgrad/io/onnx.hpp>
#endif

#include "support/csv_log.hpp"
#include "support/data_parallel.hpp"
#include "support/optimizers.hpp"
#include "support/plot.hpp"
#include "support/progress.hpp"

using namespace xgrad;

/// The network chosen by --model: "mlp" takes flat images, "cnn" images (n, 1, 28, 28). (Braces
/// construct the layers first to last, so every compiler draws the same initial weights.)
nn::Sequential make_model(const std::string& name) {
    if (name == "cnn")
        return nn::Sequential{nn::Conv2d(nn::Conv2dOptions(1, 32, 3).padding(1)),
                              nn::BatchNorm2d(32),
                              nn::ReLU(),
                              nn::MaxPool2d(2),
                              nn::Conv2d(nn::Conv2dOptions(32, 64, 3).padding(1)),
                              nn::BatchNorm2d(64),
                              nn::ReLU(),
                              nn::MaxPool2d(2),
                              nn::Flatten(),
                              nn::Linear(64 * 7 * 7, 128),
                              nn::ReLU(),
                              nn::Dropout(0.25),
                              nn::Linear(128, 10)};
    if (name != "mlp") throw ValueError("--model must be mlp or cnn, got " + name);
    return nn::Sequential{nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 128), nn::ReLU(),
                          nn::Linear(128, 10)};
}

/// A batch of images (n, 28, 28) as the model takes it: (n, 784) for the MLP, (n, 1, 28, 28)
/// (one input channel) for the CNN.
Tensor model_input(const Tensor& images, bool cnn) {
    return cnn ? unsqueeze(images, 1) : flatten(images, 1);
}

/// Share of `dataset`'s examples whose largest logit is the label.
double accuracy(nn::Module& model, const std::shared_ptr<const data::Dataset>& dataset, bool cnn) {
    NoGradGuard no_grad;
    model.eval();
    std::size_t correct = 0;
    data::DataLoader loader(dataset, data::BatchSampler::mini_batch(dataset->size(), 1000));
    for (const auto& batch : loader.epoch(0))
        correct += nn::correct_predictions(model(model_input(batch.inputs, cnn)), batch.labels());
    model.train();
    return static_cast<double>(correct) / static_cast<double>(dataset->size());
}

int main(int argc, char** argv) {
    CLI::App app{"Train an MLP or a CNN on Fashion-MNIST"};
    std::string data_dir, out_dir = "xgrad-output", rule = "momentum", model_name = "mlp";
    std::size_t epochs = 10, batch_size = 64, train_examples = 0, test_examples = 0;
    double lr = 0.05;
    std::uint64_t seed = 0;
    bool resume = false, distributed = false;
    std::string onnx_path;
    app.add_option("--data-dir", data_dir,
                   std::string("Fashion-MNIST directory (default $") + data::kFashionMnistDirEnv +
                       " or " + data::kFashionMnistDefaultDir + ")");
    app.add_option("--model", model_name,
                   "network: mlp (784-256-128-10) or cnn (two conv-BN-ReLU-maxpool "
                   "blocks of 32 and 64 channels, linear 128, dropout, linear 10)")
        ->capture_default_str();
    app.add_option("--out", out_dir, "directory for the checkpoint, the CSV and the PNG");
    app.add_option("--epochs", epochs, "epochs in total (a resumed run counts the ones done)")
        ->capture_default_str();
    app.add_option("--batch-size", batch_size, "examples per mini-batch")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--rule", rule,
                   "update rule: sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam, adamw, "
                   "adamax, nadam")
        ->capture_default_str();
    app.add_option("--lr", lr, "initial learning rate (decays along a cosine to 0 over the epochs)")
        ->capture_default_str();
    app.add_option("--train-examples", train_examples,
                   "train on the first n examples only (0: all 60000)");
    app.add_option("--test-examples", test_examples,
                   "test on the first n examples only (0: all 10000)");
    app.add_option("--seed", seed, "seed of the initial weights and of the shuffles");
    app.add_flag("--resume", resume, "continue from the checkpoint in --out");
    app.add_flag("--distributed", distributed,
                 "data-parallel across the ranks of mpirun (automatic when mpirun "
                 "starts several); --batch-size is then the global batch");
#if XGRAD_HAS_ONNX
    app.add_option("--export", onnx_path,
                   "after training, write the model to this file as ONNX (docs/interop.md)");
#endif
    CLI11_PARSE(app, argc, argv);
    examples::DataParallel ranks(distributed || examples::launched_by_mpirun());
    const bool leader = ranks.leader();
    std::filesystem::create_directories(out_dir);
    const std::string checkpoint_path = out_dir + "/fashion_mnist.ckpt";
    const std::string csv_path = out_dir + "/fashion_mnist.csv";

    std::shared_ptr<const data::Dataset> train =
        data::fashion_mnist(data::Split::Train, data::fashion_mnist_options(), data_dir);
    std::shared_ptr<const data::Dataset> test =
        data::fashion_mnist(data::Split::Test, data::fashion_mnist_options(), data_dir);
    if (train_examples) train = data::Subset::first(train, train_examples);
    if (test_examples) test = data::Subset::first(test, test_examples);

    manual_seed(seed);
    nn::Sequential model = make_model(model_name);
    const bool cnn = model_name == "cnn";
    auto optimizer = examples::make_optimizer(rule, model.parameters(), lr);
    optim::CosineAnnealingLR schedule(*optimizer, static_cast<int>(epochs));
    const std::vector<io::Component> parts{io::component("model", model),
                                           io::component("optimizer", *optimizer),
                                           io::component("schedule", schedule)};
    std::size_t first_epoch = 0, step = 0;
    if (resume) {
        const io::Checkpoint checkpoint = io::load_checkpoint(checkpoint_path);
        io::restore(checkpoint, parts);
        first_epoch = checkpoint.epoch;
        step = checkpoint.step;
        if (leader)
            std::printf("resumed from %s after epoch %zu\n", checkpoint_path.c_str(), first_epoch);
    }
    ranks.start(model);  // rank 0's weights everywhere
    if (leader) {
        std::ostringstream tree;  // the module tree, as print(model) shows it in PyTorch
        tree << model;
        std::size_t count = 0;
        for (const Tensor& p : model.parameters()) count += p.numel();
        std::printf("%s\n%zu parameters\n", tree.str().c_str(), count);
        std::printf("training on %zu examples, testing on %zu; %s, batch %zu, lr %g; BLAS: %s\n",
                    train->size(), test->size(), rule.c_str(), batch_size, lr,
                    blas_info().kernel.c_str());
    }
    if (leader && ranks.active())
        std::printf(
            "data-parallel on %d processes: %zu examples of each batch per process, %d BLAS "
            "thread(s) each\n",
            ranks.size(), (batch_size + ranks.size() - 1) / ranks.size(), blas_info().threads);

    // The shuffle of every epoch follows from (seed, epoch), so a resumed run sees the same
    // batches. Under mpirun each rank walks its share of every one of these batches.
    data::DataLoader loader =
        ranks.loader(train, data::BatchSampler::mini_batch(train->size(), batch_size, false, seed));
    std::optional<examples::CsvLog> log;
    if (leader)
        log.emplace(
            csv_path + (resume ? ".resumed" : ""),
            std::vector<std::string>{"epoch", "train_loss", "test_accuracy", "lr", "seconds"});
    for (std::size_t epoch = first_epoch; epoch < epochs; ++epoch) {
        const auto start = std::chrono::steady_clock::now();
        const double epoch_lr = optimizer->lr();
        std::optional<examples::ProgressBar> progress;
        if (leader)
            progress.emplace(loader.size(),
                             "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(epochs));
        const auto [allreduce_before, mpi_before] = ranks.allreduce_seconds();
        std::vector<double> totals{0, 0};  // loss summed over the examples, examples
        std::size_t batches = 0;
        for (const auto& batch : loader.epoch(epoch)) {
            optimizer->zero_grad();
            if (batch.size() > 0) {  // a rank's share of the last batch can be empty
                const Tensor loss =
                    nn::cross_entropy(model(model_input(batch.inputs, cnn)), batch.labels());
                loss.backward();
                totals[0] += loss.item() * static_cast<double>(batch.size());
                totals[1] += static_cast<double>(batch.size());
            }
            ranks.average_gradients(batch.size());
            optimizer->step();
            ++step;
            ++batches;
            if (progress) progress->update(batches, totals[0] / std::max(totals[1], 1.0));
        }
        schedule.step();
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        ranks.sum(totals);
        const double train_loss = totals[0] / totals[1];
        if (!leader) continue;
        std::string summary;
        if (ranks.active()) {
            const auto [allreduce_after, mpi_after] = ranks.allreduce_seconds();
            summary = examples::format(
                "throughput %.0f examples/s on %d processes, gradient allreduce %.1f%% of the time "
                "(%.1f%% inside MPI_Allreduce)\n",
                totals[1] / seconds, ranks.size(),
                100 * (allreduce_after - allreduce_before) / seconds,
                100 * (mpi_after - mpi_before) / seconds);
        }
        const double test_accuracy = accuracy(model, test, cnn);
        summary +=
            examples::format("epoch %2zu: train loss %.4f, test accuracy %.2f%%, lr %.4g, %.1f s",
                             epoch + 1, train_loss, 100 * test_accuracy, epoch_lr, seconds);
        progress->finish(summary);
        log->row(epoch + 1, train_loss, test_accuracy, epoch_lr, seconds);
        io::save_checkpoint(checkpoint_path, io::capture(parts, epoch + 1, step));
    }

#if XGRAD_HAS_ONNX
    if (leader && !onnx_path.empty()) {  // traced on one test image; the batch axis stays free
        data::DataLoader loader(test, data::BatchSampler::mini_batch(test->size(), 1));
        for (const auto& batch : loader.epoch(0)) {
            io::export_onnx(model, {model_input(batch.inputs, cnn)}, onnx_path);
            break;
        }
        std::printf(
            "exported the model to %s (ONNX, input \"input\" %s, output \"output\" "
            "(batch, 10) logits)\n",
            onnx_path.c_str(), cnn ? "(batch, 1, 28, 28)" : "(batch, 784)");
    }
#endif
    if (leader)
        examples::plot_png(
            "set datafile separator ','\nset xlabel 'epoch'\nset ylabel 'training loss'\n"
            "set y2label 'test accuracy (%)'\nset y2tics\nset key center right\nset grid\n"
            "set title '" +
                std::string(model_name == "cnn" ? "CNN" : "MLP 784-256-128-10") +
                " on Fashion-MNIST'\nplot '" + csv_path +
                "' using 1:2 every ::1 with linespoints pt 7 title 'training loss', '' using "
                "1:(100*$3) "
                "every ::1 axes x1y2 with linespoints pt 5 title 'test accuracy'\n",
            out_dir + "/fashion_mnist.png");
}
