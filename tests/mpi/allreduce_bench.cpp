// Cost of one gradient allreduce of fashion_mnist's MLP (784-256-128-10, 235 146 float32 values)
// without waiting for a slower rank: a barrier before every timed call. Run with
//   mpirun -np 2 build/tests/xgrad_mpi_allreduce_bench [calls]
// Prints the median and fastest wall time per call, and the part inside MPI_Allreduce.
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <xgrad/distributed.hpp>
#include <xgrad/nn.hpp>
#include <xgrad/xgrad.hpp>

using namespace xgrad;

int main(int argc, char** argv) {
    distributed::Environment mpi(argc, argv);
    const int calls = argc > 1 ? std::atoi(argv[1]) : 300;
    nn::Sequential model{std::make_shared<nn::Linear>(784, 256), std::make_shared<nn::ReLU>(),
                         std::make_shared<nn::Linear>(256, 128), std::make_shared<nn::ReLU>(),
                         std::make_shared<nn::Linear>(128, 10)};
    distributed::GradientReducer reducer(model.parameters());
    std::vector<double> seconds, mpi_seconds;
    for (int i = 0; i < calls; ++i) {
        for (const Tensor& p : model.parameters()) p.set_grad(ones(p.shape()));
        MPI_Barrier(MPI_COMM_WORLD);
        const double inside = reducer.stats().mpi_seconds;
        const double start = MPI_Wtime();
        reducer.allreduce(32);
        seconds.push_back(MPI_Wtime() - start);
        mpi_seconds.push_back(reducer.stats().mpi_seconds - inside);
    }
    std::sort(seconds.begin(), seconds.end());
    std::sort(mpi_seconds.begin(), mpi_seconds.end());
    if (mpi.rank() == 0)
        std::printf(
            "%d ranks, %zu MPI_Allreduce per call, %d calls: median %.3f ms (%.3f ms in "
            "MPI_Allreduce), fastest %.3f ms\n",
            mpi.world_size(), reducer.buckets_per_step(), calls, 1e3 * seconds[seconds.size() / 2],
            1e3 * mpi_seconds[mpi_seconds.size() / 2], 1e3 * seconds.front());
}
