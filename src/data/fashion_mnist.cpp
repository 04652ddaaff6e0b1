#include "xgrad/data/fashion_mnist.hpp"

#include <cstdlib>
#include <filesystem>

#include "xgrad/error.hpp"

namespace xgrad::data {

std::string fashion_mnist_dir(const std::string& override_dir) {
    if (!override_dir.empty()) return override_dir;
    if (const char* dir = std::getenv(kFashionMnistDirEnv); dir && *dir) return dir;
    return kFashionMnistDefaultDir;
}

const std::array<const char*, 10>& fashion_mnist_classes() {
    static const std::array<const char*, 10> names = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return names;
}

IdxOptions fashion_mnist_options() {
    const auto options = IdxOptions().input_scale(1.0 / 255.0);
    return options;
}

namespace {
std::string locate(const std::string& dir, const std::string& name) {
    for (const std::string& candidate : {dir + "/" + name + ".gz", dir + "/" + name})
        if (std::filesystem::exists(candidate)) return candidate;
    throw IOError("Fashion-MNIST: neither '" + dir + "/" + name + ".gz' nor '" + dir + "/" + name +
                  "' exists (install Debian's dataset-fashion-mnist, or point " +
                  kFashionMnistDirEnv + " or the data directory option at the files)");
}
}  // namespace

std::shared_ptr<IdxDataset> fashion_mnist(Split split, const IdxOptions& options,
                                          const std::string& dir) {
    const std::string root = fashion_mnist_dir(dir);
    const std::string prefix = split == Split::Train ? "train" : "t10k";
    const std::string images = locate(root, prefix + "-images-idx3-ubyte");
    const std::string labels = locate(root, prefix + "-labels-idx1-ubyte");
    return std::make_shared<IdxDataset>(images, labels, options);
}

}  // namespace xgrad::data
