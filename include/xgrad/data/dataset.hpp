#pragma once
/// \file dataset.hpp
/// Datasets: numbered examples, each an input row and a target row, that a DataLoader copies
/// into batches. TensorDataset keeps them in memory; IdxDataset (idx.hpp) reads them from disk.

#include <cstddef>
#include <vector>

#include "xgrad/ops/shape.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::data {

/// One example: an input of the dataset's input_shape() and a target of its target_shape()
/// (shape () for a class label).
struct Example {
    Tensor input;
    Tensor target;
};

/// Examples stacked along a new first axis: inputs (n, *input_shape) and targets
/// (n, *target_shape).
struct Batch {
    Tensor inputs;
    Tensor targets;

    /// Number of examples.
    std::size_t size() const { return inputs.defined() ? inputs.shape()[0] : 0; }
    /// The targets as integer class labels for cross_entropy / nll_loss. ValueError unless the
    /// targets are one whole number per example.
    IndexArray labels() const;
};

/// A collection of examples addressed by index 0..size()-1. Implementations provide the sizes
/// and read_rows(); everything else is built on them.
class Dataset {
public:
    virtual ~Dataset() = default;

    /// Number of examples.
    virtual std::size_t size() const = 0;
    /// Shape of one example's input, e.g. (28, 28).
    virtual Shape input_shape() const = 0;
    /// Shape of one example's target: () for a class label or a scalar.
    virtual Shape target_shape() const = 0;
    /// Element type of inputs and targets.
    virtual DType dtype() const = 0;

    /// Copies examples `indices[0..count)` (each < size(), checked by the caller) into rows
    /// 0..count-1 of `inputs` and `targets`: contiguous arrays of `count` rows of the dataset's
    /// dtype, each row the product of input_shape() (or target_shape()) values long.
    virtual void read_rows(const std::size_t* indices, std::size_t count, void* inputs,
                           void* targets) const = 0;

    /// The examples `indices` as a newly allocated batch. IndexError for an index >= size().
    Batch get_batch(const std::vector<std::size_t>& indices) const;
    /// Example `index`. IndexError when out of range.
    Example get(std::size_t index) const;
};

/// A dataset over two tensors whose first axis numbers the examples: inputs (n, ...) and targets
/// (n, ...) or (n,). The tensors are shared, not copied: the dataset reads their current values.
class TensorDataset : public Dataset {
public:
    /// ShapeError unless both have at least one axis and the same first size; DTypeError unless
    /// they share one dtype.
    TensorDataset(Tensor inputs, Tensor targets);

    std::size_t size() const override { return inputs_.shape()[0]; }
    Shape input_shape() const override;
    Shape target_shape() const override;
    DType dtype() const override { return inputs_.dtype(); }
    void read_rows(const std::size_t* indices, std::size_t count, void* inputs,
                   void* targets) const override;

    const Tensor& inputs() const { return inputs_; }
    const Tensor& targets() const { return targets_; }

private:
    Tensor inputs_;
    Tensor targets_;
};

}  // namespace xgrad::data
