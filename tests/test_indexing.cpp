// indexing: x.index({...}), x[i] and index_put against torch 1.13 (shapes and values printed by
// Python's x[...] on x = arange(24).reshape(2, 3, 4), so every value is its flat offset),
// gradients scattered back (repeats add up), gradcheck to second order, and the errors.
#include "helpers.hpp"

using namespace xgrad;
using namespace xgrad::indexing;
using xgrad::testing::uniform;
using V = std::vector<Tensor>;

namespace {

Tensor arange24() { return reshape(arange(0, 24, 1, DType::Float64), {2, 3, 4}); }

IndexArray column(IndexArray values) {
    values.reshape({values.size(), 1});
    return values;
}

const xt::xarray<bool> mask23{{true, false, true}, {false, true, true}};

struct Case {
    std::vector<TensorIndex> index;
    Shape shape;
    std::vector<double> values;
};

// Python: x[0:2, 1], x[-1], x[:, None, 1:3, ::2], ... in the order of the entries.
std::vector<Case> torch_cases() {
    return {
        {{Slice(0, 2), 1}, {2, 4}, {4, 5, 6, 7, 16, 17, 18, 19}},
        {{-1}, {3, 4}, {12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}},
        {{Slice(), None, Slice(1, 3), Slice(None, None, 2)},
         {2, 1, 2, 2},
         {4, 6, 8, 10, 16, 18, 20, 22}},
        {{Ellipsis, -1}, {2, 3}, {3, 7, 11, 15, 19, 23}},
        {{None, Ellipsis, 0}, {1, 2, 3}, {0, 4, 8, 12, 16, 20}},
        {{Slice(), IndexArray{0, 2}, IndexArray{1, 3}}, {2, 2}, {1, 11, 13, 23}},
        {{IndexArray{0, 1}, Slice(), IndexArray{1, 3}}, {2, 3}, {1, 5, 9, 15, 19, 23}},
        {{Slice(), column({0, 2}), Slice(1, 3)}, {2, 2, 1, 2}, {1, 2, 9, 10, 13, 14, 21, 22}},
        {{0, IndexArray{0, 2}, None, IndexArray{1, 3}}, {2, 1}, {1, 11}},
        {{IndexArray{1, 1, 0}}, {3, 3, 4}, {12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
                                            12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
                                            0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11}},
        {{mask23}, {4, 4}, {0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23}},
        {{Slice(), Slice(), xt::xarray<bool>{true, false, true, false}},
         {2, 3, 2},
         {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22}},
        {{true}, {1, 2, 3, 4}, {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}},
        {{false}, {0, 2, 3, 4}, {}},
        {{Slice(1), xt::xarray<bool>{true, false, true}},
         {1, 2, 4},
         {12, 13, 14, 15, 20, 21, 22, 23}},
        {{Slice(-5, 10, 2), Slice(-2)}, {1, 2, 4}, {4, 5, 6, 7, 8, 9, 10, 11}},
        {{Ellipsis, 0, Ellipsis}, {2, 3}, {0, 4, 8, 12, 16, 20}},
        {{IndexArray(1), Slice(), IndexArray{0, 3}}, {3, 2}, {12, 15, 16, 19, 20, 23}},
        {{IndexArray{0, 1}, None, IndexArray{0, 1}}, {2, 1, 4}, {0, 1, 2, 3, 16, 17, 18, 19}},
        {{Slice(), IndexArray{2, -1}, Slice(None, None, 3)},
         {2, 2, 2},
         {8, 11, 8, 11, 20, 23, 20, 23}},
        {{None, IndexArray{0, 1}, None, IndexArray{0, 1}},
         {2, 1, 1, 4},
         {0, 1, 2, 3, 16, 17, 18, 19}},
        {{Slice(), IndexArray(xt::xarray<std::int64_t>::from_shape({0})), 0}, {2, 0}, {}},
        {{Slice(3, 1)}, {0, 3, 4}, {}},
        {{1, 2, 3}, {}, {23}},
        {{"..."}, {2, 3, 4}, {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                              12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}},
    };
}

void check_case(const Tensor& result, const Case& c, std::size_t k) {
    BOOST_TEST_CONTEXT("case " << k) {
        BOOST_TEST(result.shape() == c.shape);
        BOOST_TEST(result.to_vector() == c.values, boost::test_tools::per_element());
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(indexing)

BOOST_AUTO_TEST_CASE(index_matches_torch) {
    const Tensor x = arange24();
    const auto cases = torch_cases();
    for (std::size_t k = 0; k < cases.size(); ++k) check_case(x.index(cases[k].index), cases[k], k);
    // float32 picks the same entries.
    check_case(x.to(DType::Float32).index(cases[7].index), cases[7], 7);
}

BOOST_AUTO_TEST_CASE(operator_brackets_and_tensor_items) {
    const Tensor x = arange24();
    BOOST_TEST(x[1].shape() == (Shape{3, 4}));
    BOOST_TEST(x[1][-1].to_vector() == (std::vector<double>{20, 21, 22, 23}),
               boost::test_tools::per_element());
    BOOST_TEST(x[0][1][2].item() == 6.0);
    // Indices(t) reads integer values from a tensor (argmax's output), Mask(t) 0/1 values (a
    // comparison's output): the same as the IndexArray and bool array items.
    const Tensor rows = argmax(Tensor({{5.0, 0.0, 1.0}, {0.0, 7.0, 0.0}}), 1);  // (0, 1)
    check_case(x.index({Indices(rows), Slice(), IndexArray{1, 3}}), torch_cases()[6], 6);
    const Tensor m = gt(Tensor({{1.0, -1.0, 1.0}, {-1.0, 1.0, 1.0}}), zeros({2, 3}));
    check_case(x.index({Mask(m)}), torch_cases()[10], 10);
    check_case(x.index({Indices(Tensor(1.0)), Slice(), IndexArray{0, 3}}), torch_cases()[17], 17);
    // A 0-d tensor indexes like a number.
    const Tensor scalar(3.0, DType::Float64);
    BOOST_TEST(scalar.index({None}).shape() == (Shape{1}));
    BOOST_TEST(scalar.index({Ellipsis}).shape() == (Shape{}));
    BOOST_TEST(scalar.index({None, None}).shape() == (Shape{1, 1}));
}

BOOST_AUTO_TEST_CASE(the_getting_started_examples) {
    const Tensor x = reshape(arange(0, 24), {2, 3, 4});
    BOOST_TEST(x.index({Slice(), None, Slice(1, 3), Slice(None, None, 2)}).shape() ==
               (Shape{2, 1, 2, 2}));
    const Tensor big = x.index({Mask(gt(x, full({2, 3, 4}, 10.0)))});
    BOOST_TEST(big.shape() == (Shape{13}));
    BOOST_TEST(big.index({0}).item() == 11.0);
    const Tensor y = index_put(x, {Slice(), 0}, 0.0);
    BOOST_TEST(sum(y).item() == 276.0 - (0 + 1 + 2 + 3) - (12 + 13 + 14 + 15));
}

BOOST_AUTO_TEST_CASE(gradient_scatters_back_and_accumulates) {
    // torch: y[[1, 1, 0], :, [0, 0, 3]] * arange(9).reshape(3, 3), summed, backward: the entries
    // picked twice receive both gradients.
    const Tensor y = arange24().requires_grad_();
    const Tensor w = reshape(arange(0, 9, 1, DType::Float64), {3, 3});
    sum(y.index({IndexArray{1, 1, 0}, Slice(), IndexArray{0, 0, 3}}) * w).backward();
    const std::vector<double> expected{0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 8,
                                       3, 0, 0, 0, 5, 0, 0, 0, 7, 0, 0, 0};
    BOOST_TEST(y.grad().to_vector() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(gradcheck_first_and_second_order) {
    const Tensor x = uniform({2, 3, 4}, 41);
    for (const auto& c : torch_cases()) {
        if (c.values.empty()) continue;
        const Tensor w = uniform(c.shape, 42, -1.0, 1.0, false);
        // Cubed so that the gradient depends on x and its own gradient is not zero.
        const auto f = [&](const V& v) {
            const Tensor y = v[0].index(c.index);
            return sum(y * y * y * w);
        };
        XGRAD_CHECK_GRAD(f, {x});
        const Tensor u = uniform({2, 3, 4}, 43, -1.0, 1.0, false);
        XGRAD_CHECK_GRAD(([&](const V& v) { return sum(grad({f(v)}, {v[0]}, {}, true)[0] * u); }),
                         {x});
    }
}

BOOST_AUTO_TEST_CASE(index_put_matches_torch) {
    const Tensor x = arange24();
    // torch: x.index_put((tensor([1, 0, 1]), tensor([2, 0, 2])), [[1], [2], [3]],
    // accumulate=True)[:, :, 0]: entry (1, 2) receives both 1 and 3.
    const Tensor acc = index_put(x, {IndexArray{1, 0, 1}, IndexArray{2, 0, 2}},
                                 Tensor({{1.0}, {2.0}, {3.0}}, DType::Float64), true);
    BOOST_TEST(acc.index({Ellipsis, 0}).to_vector() == (std::vector<double>{2, 4, 8, 12, 16, 24}),
               boost::test_tools::per_element());
    // torch: x[:, [0, 2], 1:3] = tensor([-1., -2.])
    const Tensor put = index_put(x, {Slice(), IndexArray{0, 2}, Slice(1, 3)},
                                 Tensor({-1.0, -2.0}, DType::Float64));
    const std::vector<double> expected{0,  -1, -2, 3,  4,  5,  6,  7,  8,  -1, -2, 11,
                                       12, -1, -2, 15, 16, 17, 18, 19, 20, -1, -2, 23};
    BOOST_TEST(put.to_vector() == expected, boost::test_tools::per_element());
    BOOST_TEST(index_put(x, {1}, 0.5).index({1}).to_vector() == std::vector<double>(12, 0.5),
               boost::test_tools::per_element());
    // Written twice without accumulate: the last value stays.
    BOOST_TEST(index_put(x, {IndexArray{0, 0}, 0, 0}, Tensor({7.0, 9.0}, DType::Float64))
                   .index({0, 0, 0})
                   .item() == 9.0);

    const Tensor xs = uniform({2, 3, 4}, 44), vs = uniform({2, 1}, 45);
    for (bool accumulate : {false, true}) {
        XGRAD_CHECK_GRAD(([&](const V& v) {
                             const Tensor y = index_put(v[0], {IndexArray{1, 0}, Slice(1, 3), 2},
                                                        v[1], accumulate);
                             return sum(y * y * y);
                         }),
                         {xs, vs});
    }
    XGRAD_CHECK_THROWS(index_put(x, {0}, Tensor({1.0, 2.0}, DType::Float64)), ShapeError,
                       "do not broadcast");
}

BOOST_AUTO_TEST_CASE(errors_name_the_item_axis_and_size) {
    const Tensor x = arange24();
    XGRAD_CHECK_THROWS(x.index({5}), IndexError,
                       "index 5 is out of bounds (item 0 of the index, "
                       "axis 0 of size 2");
    XGRAD_CHECK_THROWS(x[-3], IndexError, "index -3 is out of bounds");
    XGRAD_CHECK_THROWS(x.index({Slice(), IndexArray{0, 5}}), IndexError, "axis 1 of size 3");
    XGRAD_CHECK_THROWS(x.index({0, 0, 0, 0}), IndexError, "too many indices");
    XGRAD_CHECK_THROWS(Tensor(1.0)[0], IndexError, "dimension 0");
    XGRAD_CHECK_THROWS(x.index({xt::xarray<bool>{{true, false}}}), IndexError,
                       "mask of shape (1, 2) does not match");
    XGRAD_CHECK_THROWS(x.index({IndexArray{0, 1}, IndexArray{0, 1, 2}}), IndexError,
                       "do not broadcast");
    XGRAD_CHECK_THROWS(x.index({Slice(None, None, -1)}), ValueError, "step must be positive");
    XGRAD_CHECK_THROWS(x.index({Slice(None, None, 0)}), ValueError, "step must be positive");
    XGRAD_CHECK_THROWS(x.index({Mask(Tensor({2.0, 0.0}))}), ValueError, "0 or 1");
    XGRAD_CHECK_THROWS(x.index({Indices(Tensor({0.5}))}), IndexError, "integer values");
    XGRAD_CHECK_THROWS(x.index({"..x"}), ValueError, "\"...\"");
}

BOOST_AUTO_TEST_SUITE_END()
