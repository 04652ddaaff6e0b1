// Construction, dtype, shapes, value access and factories.
#include "helpers.hpp"

using namespace xgrad;

BOOST_AUTO_TEST_SUITE(tensor)

BOOST_AUTO_TEST_CASE(construction_from_nested_lists) {
    const Tensor s(2.5);
    BOOST_TEST(s.dim() == 0u);
    BOOST_TEST(s.item() == 2.5);
    const Tensor v({1, 2, 3});
    BOOST_TEST(v.shape() == Shape({3}));
    BOOST_TEST(v.dtype() == DType::Float32);
    const Tensor m({{1, 2, 3}, {4, 5, 6}}, TensorOptions(DType::Float64).requires_grad(true));
    BOOST_TEST(m.shape() == Shape({2, 3}));
    BOOST_TEST(m.dtype() == DType::Float64);
    BOOST_TEST(m.requires_grad());
    BOOST_TEST(m.to_vector() == std::vector<double>({1, 2, 3, 4, 5, 6}));
    const Tensor column({{1}, {2}, {3}});
    BOOST_TEST(column.shape() == Shape({3, 1}));
    const Tensor c({{{1, 2}, {3, 4}}});
    BOOST_TEST(c.shape() == Shape({1, 2, 2}));
    // One value in braces is a 1-D tensor with every compiler; scalars of any arithmetic type.
    BOOST_TEST(Tensor({0.5}).shape() == Shape({1}));
    BOOST_TEST(Tensor(3).dim() == 0u);
    BOOST_TEST(Tensor(0.25f, DType::Float64).item() == 0.25);
}

BOOST_AUTO_TEST_CASE(value_access_without_copy) {
    xt::xarray<float> values = {{1.f, 2.f}, {3.f, 4.f}};
    Tensor t(values);
    t.value<float>()(1, 1) = 40.f;
    BOOST_TEST(t.to_vector()[3] == 40.0);
    const float* before = t.value<float>().data();
    BOOST_TEST(before == t.value<float>().data());
    BOOST_TEST(t.numel() == 4u);
    BOOST_TEST(t.size(-1) == 2u);
}

BOOST_AUTO_TEST_CASE(handles_share_the_node) {
    Tensor a({1.0, 2.0});
    Tensor b = a;
    b.value<float>()(0) = 7.f;
    BOOST_TEST(a.to_vector()[0] == 7.0);
    BOOST_TEST(a.same(b));
    const Tensor c = a.clone();
    c.node()->value = Array(xt::xarray<float>{0.f, 0.f});
    BOOST_TEST(a.to_vector()[0] == 7.0);
}

BOOST_AUTO_TEST_CASE(factories) {
    BOOST_TEST(zeros({2, 2}).to_vector() == std::vector<double>(4, 0.0));
    BOOST_TEST(ones({3}, DType::Float64).to_vector() == std::vector<double>(3, 1.0));
    BOOST_TEST(full({2}, 1.5).to_vector() == std::vector<double>(2, 1.5));
    BOOST_TEST(arange(0, 5).to_vector() == std::vector<double>({0, 1, 2, 3, 4}));
    BOOST_TEST(arange(1, 0, -0.25, DType::Float64).to_vector() ==
               std::vector<double>({1, 0.75, 0.5, 0.25}));
    BOOST_TEST(arange(3, 3).numel() == 0u);
    BOOST_CHECK_THROW(arange(0, 1, 0), ValueError);
}

BOOST_AUTO_TEST_CASE(dtype_conversion) {
    const Tensor a({1.5, 2.5}, DType::Float64);
    const Tensor b = a.to(DType::Float32);
    BOOST_TEST(b.dtype() == DType::Float32);
    BOOST_TEST(b.to_vector() == a.to_vector());
    BOOST_TEST(a.to(DType::Float64).same(a));
    BOOST_TEST(std::string(dtype_name(DType::Float64)) == "float64");
}

BOOST_AUTO_TEST_CASE(printing) {
    std::ostringstream out;
    out << Tensor({1, 2});
    BOOST_TEST(out.str().find("shape=(2,)") != std::string::npos);
    BOOST_TEST(out.str().find("float32") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
