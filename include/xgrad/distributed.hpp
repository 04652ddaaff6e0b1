#pragma once
/// \file distributed.hpp
/// Data-parallel training across processes and machines with MPI: the process group
/// (Environment, rank, world size, abort_all), the collectives (broadcast_parameters,
/// GradientReducer / allreduce_gradients) and the DistributedSampler that shards each epoch.
/// Present when xgrad was built with XGRAD_MPI and MPI was found (XGRAD_HAS_MPI is then 1).
/// See docs/distributed.md.

#include "xgrad/data/distributed_sampler.hpp"
#include "xgrad/distributed/collectives.hpp"
#include "xgrad/distributed/environment.hpp"
