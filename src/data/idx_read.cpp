// read_idx: the whole file (decompressed if gzipped) into one tensor.

#include <algorithm>

#include "data/gzip.hpp"
#include "data/idx_format.hpp"
#include "xgrad/data/idx.hpp"
#include "xgrad/function.hpp"

namespace xgrad::data {

Tensor read_idx(const std::string& path, DType dtype, double scale) {
    const std::vector<unsigned char> content = detail::gunzip_all(path);
    const IdxHeader header = detail::parse_idx_header(
        path, content.data(), std::min(content.size(), detail::kMaxIdxHeader));
    detail::check_idx_size(path, header, content.size());
    Array values = dispatch(dtype, [&](auto tag) -> Array {
        using T = decltype(tag);
        auto array = xt::xarray<T>::from_shape(header.dims);
        detail::decode_idx(header.type, content.data() + header.data_offset(), array.size(),
                           array.data(), scale);
        return Array(std::move(array));
    });
    return make_leaf(std::move(values));
}

}  // namespace xgrad::data
