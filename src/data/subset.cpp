#include "xgrad/data/subset.hpp"

#include <algorithm>
#include <numeric>

#include "xgrad/error.hpp"

namespace xgrad::data {

Subset::Subset(std::shared_ptr<const Dataset> source, std::vector<std::size_t> indices)
    : source_(std::move(source)), indices_(std::move(indices)) {
    for (auto index : indices_)
        if (index >= source_->size())
            throw IndexError("Subset: index " + std::to_string(index) +
                             " is out of range for a dataset of " +
                             std::to_string(source_->size()) + " examples");
}

std::shared_ptr<Subset> Subset::first(std::shared_ptr<const Dataset> source, std::size_t count) {
    std::vector<std::size_t> indices(std::min(count, source->size()));
    std::iota(indices.begin(), indices.end(), std::size_t{0});
    return std::make_shared<Subset>(std::move(source), std::move(indices));
}

void Subset::read_rows(const std::size_t* indices, std::size_t count, void* inputs,
                       void* targets) const {
    std::vector<std::size_t> mapped(count);
    for (std::size_t i = 0; i < count; ++i) mapped[i] = indices_[indices[i]];
    source_->read_rows(mapped.data(), count, inputs, targets);
}

}  // namespace xgrad::data
