#pragma once
/// \file optim.hpp
/// Everything of xgrad::optim: the optimizer base, every update rule, the learning-rate
/// schedules and the gradient-descent variants.

#include "xgrad/optim/adadelta.hpp"
#include "xgrad/optim/adagrad.hpp"
#include "xgrad/optim/adam.hpp"
#include "xgrad/optim/adamax.hpp"
#include "xgrad/optim/descent.hpp"
#include "xgrad/optim/lr_scheduler.hpp"
#include "xgrad/optim/nadam.hpp"
#include "xgrad/optim/optimizer.hpp"
#include "xgrad/optim/reduce_lr_on_plateau.hpp"
#include "xgrad/optim/rmsprop.hpp"
#include "xgrad/optim/sgd.hpp"
