#pragma once
// A small training run with every kind of state a checkpoint must carry: parameters (Linear),
// randomness during training (Dropout on the default generator), optimizer moments (Adam), a
// learning-rate schedule (StepLR) and the data order (a shuffling DataLoader). Shared by
// test_checkpoint.cpp (in-process resume) and resume_helper.cpp (resume in a fresh process).

#include <memory>
#include <string>
#include <vector>

#include "xgrad/data.hpp"
#include "xgrad/io.hpp"
#include "xgrad/nn.hpp"
#include "xgrad/optim/adam.hpp"
#include "xgrad/optim/lr_scheduler.hpp"

namespace xgrad::testing {

struct TrainingRun {
    std::shared_ptr<nn::Sequential> model;
    std::unique_ptr<optim::Adam> optimizer;
    std::unique_ptr<optim::StepLR> scheduler;
    std::unique_ptr<data::DataLoader> loader;
    std::uint64_t epoch = 0;
    std::uint64_t step = 0;

    /// Everything built from `seed` (a resumed run is built from another seed on purpose: its
    /// state must come from the checkpoint alone).
    explicit TrainingRun(std::uint64_t seed) {
        manual_seed(seed);
        model = std::make_shared<nn::Sequential>(
            std::make_shared<nn::Linear>(6, 16), std::make_shared<nn::ReLU>(),
            std::make_shared<nn::Dropout>(0.3), std::make_shared<nn::Linear>(16, 3));
        const auto options = optim::AdamOptions(0.01);
        optimizer = std::make_unique<optim::Adam>(model->parameters(), options);
        scheduler = std::make_unique<optim::StepLR>(*optimizer, 1, 0.5);
        loader = std::make_unique<data::DataLoader>(
            dataset(), data::DataLoaderOptions(8).shuffle(true).seed(17));
    }

    /// 90 examples of 6 features; the label is the argmax of a fixed linear map.
    static std::shared_ptr<data::TensorDataset> dataset() {
        Generator generator(1234);
        auto inputs = xt::xarray<float>::from_shape({90, 6});
        generator.fill_normal(inputs.data(), inputs.size());
        auto labels = xt::xarray<float>::from_shape({90});
        for (std::size_t i = 0; i < 90; ++i) {
            const float a = inputs(i, 0) + inputs(i, 1), b = inputs(i, 2) - inputs(i, 3),
                        c = inputs(i, 4) * inputs(i, 5);
            labels(i) = a > b && a > c ? 0.0f : (b > c ? 1.0f : 2.0f);
        }
        return std::make_shared<data::TensorDataset>(Tensor(inputs), Tensor(labels));
    }

    void train_step(const data::Batch& batch) {
        optimizer->zero_grad();
        const Tensor loss = nn::cross_entropy((*model)(batch.inputs), batch.labels());
        loss.backward();
        optimizer->step();
        ++step;
    }

    void train_epoch() {
        model->train();
        for (const data::Batch& batch : *loader) train_step(batch);
        scheduler->step();
        ++epoch;
    }

    std::vector<io::Component> parts() {
        return {io::component("model", *model), io::component("optimizer", *optimizer),
                io::component("scheduler", *scheduler), io::component("loader", *loader)};
    }

    void save(const std::string& path) {
        io::save_checkpoint(path, io::capture(parts(), epoch, step));
    }

    void load(const std::string& path) {
        const io::Checkpoint checkpoint = io::load_checkpoint(path);
        io::restore(checkpoint, parts());
        epoch = checkpoint.epoch;
        step = checkpoint.step;
    }
};

}  // namespace xgrad::testing
