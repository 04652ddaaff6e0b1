#pragma once
/// \file data.hpp
/// Everything of xgrad::data in one include: datasets, the DataLoader and the IDX, CSV and
/// Fashion-MNIST readers, and the batch / stochastic / mini-batch samplers.

#include "xgrad/data/batch_sampler.hpp"
#include "xgrad/data/csv.hpp"
#include "xgrad/data/dataloader.hpp"
#include "xgrad/data/dataset.hpp"
#include "xgrad/data/distributed_sampler.hpp"
#include "xgrad/data/fashion_mnist.hpp"
#include "xgrad/data/idx.hpp"
#include "xgrad/data/subset.hpp"
