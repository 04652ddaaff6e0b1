// Run under mpirun with 2 ranks: rank 1 fails at step 3 of a training-like loop of gradient
// allreduces while rank 0 goes on into the next collective. The way it fails is argv[1]:
//   none    no failure: both ranks finish and print "finished" (the control run)
//   throw   an exception escapes main()           (Environment's terminate handler: MPI_Abort)
//   caught  an exception leaves the Environment's scope, caught outside it (destructor: MPI_Abort)
//   exit    std::exit(3) without MPI_Finalize     (mpirun notices and stops the job)
//   abort   std::abort(), a crash                 (mpirun notices and stops the job)
// tests/mpi/expect_fault.cmake checks that the job ends non-zero, in bounded time, with a message.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <xgrad/distributed.hpp>
#include <xgrad/xgrad.hpp>

using namespace xgrad;

namespace {

void train(const std::string& fault) {
    const Tensor w = zeros({1000}, requires_grad());
    distributed::GradientReducer reducer({w});
    for (int step = 0; step < 20; ++step) {
        if (distributed::rank() == 1 && step == 3) {
            if (fault == "throw" || fault == "caught")
                throw std::runtime_error("injected fault on rank 1 at step 3");
            if (fault == "exit") std::exit(3);
            if (fault == "abort") std::abort();
        }
        w.set_grad(ones({1000}));
        reducer.allreduce();
    }
    std::printf("rank %d finished\n", distributed::rank());
}

}  // namespace

int main(int argc, char** argv) {
    const std::string fault = argc > 1 ? argv[1] : "none";
    if (fault == "caught") {
        try {
            distributed::Environment mpi(argc, argv);
            train(fault);
        } catch (const std::exception& e) {
            std::printf("caught outside the Environment: %s\n", e.what());  // not reached
        }
        return 0;
    }
    distributed::Environment mpi(argc, argv);
    train(fault);
    return 0;
}
