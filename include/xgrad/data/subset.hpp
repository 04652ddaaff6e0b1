#pragma once
/// \file subset.hpp
/// A view of some examples of another dataset (PyTorch's torch.utils.data.Subset).

#include <memory>
#include <vector>

#include "xgrad/data/dataset.hpp"

namespace xgrad::data {

/// Examples `indices[0]`, `indices[1]`, ... of `source`, renumbered 0, 1, ...; nothing is copied.
class Subset : public Dataset {
public:
    /// IndexError naming the index when one is >= source->size().
    Subset(std::shared_ptr<const Dataset> source, std::vector<std::size_t> indices);
    /// The first `count` examples of `source` (all of them if it has fewer).
    static std::shared_ptr<Subset> first(std::shared_ptr<const Dataset> source, std::size_t count);

    std::size_t size() const override { return indices_.size(); }
    Shape input_shape() const override { return source_->input_shape(); }
    Shape target_shape() const override { return source_->target_shape(); }
    DType dtype() const override { return source_->dtype(); }
    void read_rows(const std::size_t* indices, std::size_t count, void* inputs,
                   void* targets) const override;

private:
    std::shared_ptr<const Dataset> source_;
    std::vector<std::size_t> indices_;
};

}  // namespace xgrad::data
