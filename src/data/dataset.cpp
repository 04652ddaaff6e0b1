#include "xgrad/data/dataset.hpp"

#include <cmath>
#include <cstring>
#include <string>

#include "xgrad/error.hpp"
#include "xgrad/function.hpp"

namespace xgrad::data {

namespace {
std::size_t numel(const Shape& shape) {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

Shape with_batch_axis(std::size_t n, const Shape& shape) {
    Shape result(shape.size() + 1);
    result[0] = n;
    std::copy(shape.begin(), shape.end(), result.begin() + 1);
    return result;
}

Shape tail(const Shape& shape) { return Shape(shape.begin() + 1, shape.end()); }

/// An uninitialised leaf of `shape` and `dtype` (every element is written by read_rows).
Tensor uninitialised(const Shape& shape, DType dtype) {
    return make_leaf(dispatch(dtype, [&](auto tag) -> Array {
        using T = decltype(tag);
        return Array(xt::xarray<T>::from_shape(shape));
    }));
}

void* data_of(Tensor& tensor) {
    return std::visit([](auto& a) -> void* { return a.data(); }, tensor.node()->value);
}
}  // namespace

IndexArray Batch::labels() const {
    if (!targets.defined() || targets.dim() != 1)
        throw ValueError(
            "Batch::labels: expected targets of shape (n,) holding class labels, got " +
            (targets.defined() ? shape_str(targets.shape()) : std::string("none")));
    const std::vector<double> values = targets.to_vector();
    IndexArray result = IndexArray::from_shape({values.size()});
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i] != std::floor(values[i]) || !std::isfinite(values[i]))
            throw ValueError("Batch::labels: target " + std::to_string(i) + " (" +
                             std::to_string(values[i]) + ") is not a whole number");
        result(i) = static_cast<std::int64_t>(values[i]);
    }
    return result;
}

Batch Dataset::get_batch(const std::vector<std::size_t>& indices) const {
    const std::size_t n = size();
    for (std::size_t index : indices)
        if (index >= n)
            throw IndexError("Dataset::get_batch: index " + std::to_string(index) +
                             " is out of range for a dataset of " + std::to_string(n) +
                             " examples");
    Batch batch{uninitialised(with_batch_axis(indices.size(), input_shape()), dtype()),
                uninitialised(with_batch_axis(indices.size(), target_shape()), dtype())};
    read_rows(indices.data(), indices.size(), data_of(batch.inputs), data_of(batch.targets));
    return batch;
}

Example Dataset::get(std::size_t index) const {
    Batch batch = get_batch({index});
    // Drop the batch axis of size 1: the row-major data is already the example's.
    const auto drop = [](Tensor& t) {
        std::visit([](auto& a) { a.reshape(Shape(a.shape().begin() + 1, a.shape().end())); },
                   t.node()->value);
    };
    drop(batch.inputs);
    drop(batch.targets);
    return {batch.inputs, batch.targets};
}

TensorDataset::TensorDataset(Tensor inputs, Tensor targets)
    : inputs_(std::move(inputs)), targets_(std::move(targets)) {
    if (!inputs_.defined() || !targets_.defined())
        throw ValueError("TensorDataset: inputs and targets must be defined");
    if (inputs_.dim() == 0 || targets_.dim() == 0 || inputs_.shape()[0] != targets_.shape()[0])
        throw ShapeError(
            "TensorDataset: expected inputs and targets with one first axis (the "
            "examples), got " +
            shape_str(inputs_.shape()) + " and " + shape_str(targets_.shape()));
    if (inputs_.dtype() != targets_.dtype())
        throw DTypeError(std::string("TensorDataset: inputs are ") + dtype_name(inputs_.dtype()) +
                         " but targets " + dtype_name(targets_.dtype()));
}

Shape TensorDataset::input_shape() const { return tail(inputs_.shape()); }

Shape TensorDataset::target_shape() const { return tail(targets_.shape()); }

void TensorDataset::read_rows(const std::size_t* indices, std::size_t count, void* inputs,
                              void* targets) const {
    const auto copy_rows = [&](const Tensor& source, void* destination) {
        std::visit(
            [&](const auto& a) {
                using T = typename std::decay_t<decltype(a)>::value_type;
                const std::size_t row = numel(tail(a.shape()));
                T* out = static_cast<T*>(destination);
                for (std::size_t k = 0; k < count; ++k)
                    std::memcpy(out + k * row, a.data() + indices[k] * row, row * sizeof(T));
            },
            array_of(source));
    };
    copy_rows(inputs_, inputs);
    copy_rows(targets_, targets);
}

}  // namespace xgrad::data
