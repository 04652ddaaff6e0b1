// Built by a consumer that asked for find_package(xgrad COMPONENTS mpi): averages one gradient
// over the ranks of the job with xgrad::distributed (rank r holds r + 1; the mean is (n + 1) / 2).
#include <iostream>
#include <xgrad/distributed.hpp>
#include <xgrad/xgrad.hpp>

#if !XGRAD_HAS_MPI
#error "xgrad::distributed should define XGRAD_HAS_MPI=1"
#endif

int main(int argc, char** argv) {
    xgrad::distributed::Environment mpi(argc, argv);
    const xgrad::Tensor w(xt::xarray<double>{1.0}, true);
    xgrad::sum(w * static_cast<double>(mpi.rank() + 1)).backward();
    xgrad::distributed::GradientReducer reducer({w});
    reducer.allreduce();
    const double expected = (mpi.world_size() + 1) / 2.0;
    const bool ok = w.grad().to_vector() == std::vector<double>{expected};
    if (mpi.rank() == 0)
        std::cout << (ok ? "consumer_mpi: averaged gradient ok\n"
                         : "consumer_mpi: wrong gradient\n");
    return ok ? 0 : 1;
}
