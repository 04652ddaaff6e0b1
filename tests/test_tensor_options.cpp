// tensor_options: every tensor constructor and factory takes libtorch's TensorOptions (chained
// setters, the dtype() and requires_grad() shorthands, a bare DType), an unset dtype means the
// function's own default, and the deprecated positional (..., DType, bool) forms still build and
// mean the same.
#include <boost/test/unit_test.hpp>
#include <vector>

#include "xgrad/factories.hpp"
#include "xgrad/tensor.hpp"

using namespace xgrad;

namespace {
void check(const Tensor& t, DType dtype, bool requires_grad) {
    BOOST_TEST(t.dtype() == dtype);
    BOOST_TEST(t.requires_grad() == requires_grad);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(tensor_options)

BOOST_AUTO_TEST_CASE(constructors_take_the_options_by_name) {
    const auto grad64 = TensorOptions(DType::Float64).requires_grad(true);
    check(Tensor(0.5, requires_grad()), DType::Float32, true);
    check(Tensor(2, grad64), DType::Float64, true);
    check(Tensor({1, 2}, requires_grad()), DType::Float32, true);
    check(Tensor({{1, 2}, {3, 4}}, grad64), DType::Float64, true);
    check(Tensor({{{1, 2}}}, dtype(DType::Float64)), DType::Float64, false);
    check(Tensor({{{{1, 2}}}}, requires_grad()), DType::Float32, true);
    BOOST_TEST(Tensor({{{{1, 2}}}}, requires_grad()).dim() == 4);
    // An xarray keeps its element type unless the options name one.
    check(Tensor(xt::xarray<double>{1.0, 2.0}, requires_grad()), DType::Float64, true);
    check(Tensor(xt::xarray<float>{1.0f}, requires_grad()), DType::Float32, true);
    const Tensor converted(xt::xarray<double>{0.1, 2.5}, dtype(DType::Float32));
    check(converted, DType::Float32, false);
    BOOST_TEST(converted.to_vector() == (std::vector<double>{0.1f, 2.5f}));
    check(Tensor(xt::xarray<float>{1.0f}, dtype(DType::Float64)), DType::Float64, false);
    // The bare dtype form stays, and default options mean the defaults.
    check(Tensor({1, 2}, DType::Float64), DType::Float64, false);
    check(Tensor({1, 2}, TensorOptions()), DType::Float32, false);
}

BOOST_AUTO_TEST_CASE(setters_chain_and_shorthands_mean_the_same) {
    TensorOptions options;
    BOOST_TEST(!options.dtype().has_value());
    BOOST_TEST(!options.requires_grad());
    BOOST_TEST(&options.dtype(DType::Float64).requires_grad(true) == &options);
    BOOST_TEST(options.dtype_or(DType::Float32) == DType::Float64);
    BOOST_TEST(options.requires_grad());
    BOOST_TEST(dtype(DType::Float64).dtype().value() == DType::Float64);
    BOOST_TEST(requires_grad().requires_grad());
    BOOST_TEST(!requires_grad(false).requires_grad());
    const TensorOptions bare = DType::Float64;  // implicit, as libtorch's
    BOOST_TEST(bare.dtype_or(DType::Float32) == DType::Float64);
    BOOST_TEST(!bare.requires_grad());
}

BOOST_AUTO_TEST_CASE(factories_take_the_options_by_name) {
    const auto grad64 = TensorOptions(DType::Float64).requires_grad(true);
    check(zeros({2, 3}, requires_grad()), DType::Float32, true);
    check(ones({2}, grad64), DType::Float64, true);
    check(full({2}, 1.5, grad64), DType::Float64, true);
    BOOST_TEST(full({2}, 1.5, grad64).to_vector() == (std::vector<double>{1.5, 1.5}));
    check(randn({3}, requires_grad()), DType::Float32, true);
    check(rand({3}, grad64), DType::Float64, true);
    check(arange(0, 3, 1, grad64), DType::Float64, true);
    BOOST_TEST(arange(0, 3, 1, grad64).to_vector() == (std::vector<double>{0, 1, 2}));
    check(from_vector(std::vector<double>{1, 2, 3, 4}, {2, 2}, requires_grad()), DType::Float32,
          true);
    check(from_vector(std::vector<float>{1, 2}, {2}, grad64), DType::Float64, true);
    check(zeros({2}, {}), DType::Float32, false);
    check(zeros({2}, DType::Float64), DType::Float64, false);
    check(zeros({2}), DType::Float32, false);
}

// The positional requires_grad flag is deprecated, not removed: old code still builds (with a
// warning, silenced here) and makes the same tensors.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
BOOST_AUTO_TEST_CASE(deprecated_positional_forms_still_work) {
    check(Tensor(0.5, DType::Float64, true), DType::Float64, true);
    check(Tensor({1, 2}, DType::Float32, true), DType::Float32, true);
    check(Tensor({{1, 2}}, DType::Float64, true), DType::Float64, true);
    check(Tensor(xt::xarray<double>{1.0}, true), DType::Float64, true);
    check(zeros({2}, DType::Float64, true), DType::Float64, true);
    check(ones({2}, DType::Float32, true), DType::Float32, true);
    check(full({2}, 3.0, DType::Float64, true), DType::Float64, true);
    check(randn({2}, DType::Float32, true), DType::Float32, true);
    check(rand({2}, DType::Float64, false), DType::Float64, false);
    check(from_vector(std::vector<double>{1, 2}, {2}, DType::Float64, true), DType::Float64, true);
}
#pragma GCC diagnostic pop

BOOST_AUTO_TEST_SUITE_END()
