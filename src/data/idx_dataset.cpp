#include <string>

#include "xgrad/data/idx.hpp"
#include "xgrad/error.hpp"

namespace xgrad::data {

namespace {
void check_pair(const std::string& inputs_path, const IdxHeader& inputs,
                const std::string& labels_path, const IdxHeader& labels) {
    if (labels.dims.size() != 1)
        throw FormatError("IdxDataset: labels file '" + labels_path +
                          "' must have one dimension, it has dimensions " + shape_str(labels.dims) +
                          " (header bytes 4.." + std::to_string(labels.data_offset()) + ")");
    if (inputs.count() != labels.count())
        throw FormatError("IdxDataset: '" + inputs_path + "' holds " +
                          std::to_string(inputs.count()) + " items (dimension at byte 4) but '" +
                          labels_path + "' holds " + std::to_string(labels.count()) +
                          " labels (dimension at byte 4)");
}

IdxHeader header_of(const Tensor& tensor, IdxType type) {
    IdxHeader header;
    header.type = type;
    header.dims = tensor.shape();
    return header;
}
}  // namespace

IdxDataset::IdxDataset(const std::string& inputs_path, const std::string& labels_path,
                       IdxOptions options)
    : options_(std::move(options)) {
    if (options_.streaming()) {
        inputs_file_ = std::make_shared<IdxFile>(inputs_path, options_.cache_dir());
        labels_file_ = std::make_shared<IdxFile>(labels_path, options_.cache_dir());
        check_pair(inputs_path, inputs_file_->header(), labels_path, labels_file_->header());
    } else {
        Tensor inputs = read_idx(inputs_path, options_.dtype(), options_.input_scale());
        Tensor labels = read_idx(labels_path, options_.dtype());
        check_pair(inputs_path, header_of(inputs, IdxType::UInt8), labels_path,
                   header_of(labels, IdxType::UInt8));
        loaded_ = std::make_shared<TensorDataset>(inputs, labels);
    }
}

std::size_t IdxDataset::size() const {
    return loaded_ ? loaded_->size() : inputs_file_->header().count();
}

Shape IdxDataset::input_shape() const {
    return loaded_ ? loaded_->input_shape() : inputs_file_->header().item_shape();
}

void IdxDataset::read_rows(const std::size_t* indices, std::size_t count, void* inputs,
                           void* targets) const {
    if (loaded_) return loaded_->read_rows(indices, count, inputs, targets);
    if (options_.dtype() == DType::Float64) {
        inputs_file_->read_items(indices, count, static_cast<double*>(inputs),
                                 options_.input_scale());
        labels_file_->read_items(indices, count, static_cast<double*>(targets));
    } else {
        inputs_file_->read_items(indices, count, static_cast<float*>(inputs),
                                 options_.input_scale());
        labels_file_->read_items(indices, count, static_cast<float*>(targets));
    }
}

}  // namespace xgrad::data
