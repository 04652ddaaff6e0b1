// The README's first example: the lecture's logistic loss and its gradient.
#include <iostream>
#include <xgrad/xgrad.hpp>

int main() {
    using namespace xgrad;
    const Tensor x({{1.0, 2.0}, {-1.0, 0.5}, {0.3, -2.0}});     // 3 examples, 2 features
    const Tensor y({{1.0}, {-1.0}, {1.0}});                     // labels in {-1, +1}
    const Tensor w = Tensor({{0.1}, {-0.2}}).requires_grad_();  // parameters: gradients wanted
    const Tensor b = Tensor(0.0).requires_grad_();

    const Tensor loss = -sum(log_sigmoid(y * (matmul(x, w) + b)));
    loss.backward();

    std::cout << "L = " << loss.item() << "\n"
              << "dL/dw = " << w.grad() << "\n"
              << "dL/db = " << b.grad().item() << "\n";
}
