#pragma once
/// \file nn.hpp
/// Everything of xgrad::nn in one include: Module, the layers, initialisation, the losses and the
/// metrics.

#include "xgrad/nn/activation.hpp"
#include "xgrad/nn/attention.hpp"
#include "xgrad/nn/averaged_model.hpp"
#include "xgrad/nn/conv.hpp"
#include "xgrad/nn/dropout.hpp"
#include "xgrad/nn/embedding.hpp"
#include "xgrad/nn/flatten.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/nn/linear.hpp"
#include "xgrad/nn/loss.hpp"
#include "xgrad/nn/metrics.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/nn/normalization.hpp"
#include "xgrad/nn/pooling.hpp"
#include "xgrad/nn/rnn.hpp"
#include "xgrad/nn/rnn_cell.hpp"
#include "xgrad/nn/sequential.hpp"
#include "xgrad/nn/transformer.hpp"
#include "xgrad/nn/update_bn.hpp"
#include "xgrad/nn/utils.hpp"
#include "xgrad/random.hpp"
