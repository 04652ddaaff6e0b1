// Builds against the installed package and checks one gradient: d/dx sum(x^2) = 2x. The tensor
// is made from an xt::xarray, whose type (its xsimd allocator's alignment) must be the library's
// for this to link when the consumer is compiled for another instruction set than the library.
#include <iostream>
#include <xgrad/xgrad.hpp>

int main() {
    const xgrad::Tensor x(xt::xarray<double>{1.0, -2.0, 3.0}, true);
    xgrad::sum(x * x).backward();
    const auto g = x.grad().to_vector();
    const bool ok = g == std::vector<double>{2.0, -4.0, 6.0};
    std::cout << (ok ? "consumer: gradient ok\n" : "consumer: wrong gradient\n");
    return ok ? 0 : 1;
}
