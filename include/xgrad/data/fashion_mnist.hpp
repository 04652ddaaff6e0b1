#pragma once
/// \file fashion_mnist.hpp
/// Fashion-MNIST (Zalando's 28x28 grey images of clothes, 10 classes; 60000 training and 10000
/// test examples) as shipped by Debian's `dataset-fashion-mnist` package: gzipped IDX files in
/// /usr/share/datasets/fashion-mnist (`dpkg -L dataset-fashion-mnist`).

#include <array>
#include <memory>
#include <string>

#include "xgrad/data/idx.hpp"

namespace xgrad::data {

/// Where Debian's dataset-fashion-mnist package installs the files.
inline constexpr const char* kFashionMnistDefaultDir = "/usr/share/datasets/fashion-mnist";
/// Environment variable that overrides the default directory.
inline constexpr const char* kFashionMnistDirEnv = "XGRAD_FASHION_MNIST_DIR";

/// The two parts of the dataset.
enum class Split { Train, Test };

/// The directory to read: `override_dir` if not empty (e.g. from a --data-dir flag), else
/// $XGRAD_FASHION_MNIST_DIR if set, else kFashionMnistDefaultDir.
std::string fashion_mnist_dir(const std::string& override_dir = "");

/// The names of the 10 classes, by label: "T-shirt/top", "Trouser", ..., "Ankle boot".
const std::array<const char*, 10>& fashion_mnist_classes();

/// Options that map pixels to [0, 1] (scale 1/255), in memory, float32.
IdxOptions fashion_mnist_options();

/// The images (n, 28, 28) and labels of `split` from fashion_mnist_dir(dir). Files are looked up
/// as "<prefix>-images-idx3-ubyte.gz" or without ".gz" (prefix "train" or "t10k"). IOError naming
/// the directory, the env variable and the Debian package when they are not there.
std::shared_ptr<IdxDataset> fashion_mnist(Split split,
                                          const IdxOptions& options = fashion_mnist_options(),
                                          const std::string& dir = "");

}  // namespace xgrad::data
