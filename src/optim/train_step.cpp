#include "xgrad/optim/train_step.hpp"

namespace xgrad::optim {

double train_step(Optimizer& optimizer, const std::function<Tensor()>& loss_fn) {
    return optimizer.step([&] {
        optimizer.zero_grad();
        Tensor loss = loss_fn();
        loss.backward();
        return loss;
    });
}

}  // namespace xgrad::optim
