#pragma once
/// \file optim.hpp
/// Everything of xgrad::optim: the optimizer base, every update rule, the learning-rate
/// schedules and train_step(). The gradient-descent variants (batch, stochastic, mini-batch) are
/// data::BatchSampler (xgrad/data/batch_sampler.hpp).

#include "xgrad/optim/adadelta.hpp"
#include "xgrad/optim/adagrad.hpp"
#include "xgrad/optim/adam.hpp"
#include "xgrad/optim/adamax.hpp"
#include "xgrad/optim/asgd.hpp"
#include "xgrad/optim/lbfgs.hpp"
#include "xgrad/optim/lr_scheduler.hpp"
#include "xgrad/optim/nadam.hpp"
#include "xgrad/optim/optimizer.hpp"
#include "xgrad/optim/radam.hpp"
#include "xgrad/optim/reduce_lr_on_plateau.hpp"
#include "xgrad/optim/rmsprop.hpp"
#include "xgrad/optim/rprop.hpp"
#include "xgrad/optim/sgd.hpp"
#include "xgrad/optim/swalr.hpp"
#include "xgrad/optim/train_step.hpp"
// The deprecated optim:: spellings of the samplers (now data::BatchSampler, ...), so that code
// written against them still compiles; it is the only include of data/ in optim.
#include "xgrad/optim/descent.hpp"
