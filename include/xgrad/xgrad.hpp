#pragma once
/// \file xgrad.hpp
/// Everything of the engine in one include: Tensor, autograd and the ops.

#include "xgrad/autograd.hpp"
#include "xgrad/error.hpp"
#include "xgrad/factories.hpp"
#include "xgrad/function.hpp"
#include "xgrad/functional.hpp"
#include "xgrad/grad_mode.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/conv.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/embedding.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/norm.hpp"
#include "xgrad/ops/pad.hpp"
#include "xgrad/ops/pointwise.hpp"
#include "xgrad/ops/pool.hpp"
#include "xgrad/ops/reduce.hpp"
#include "xgrad/ops/shape.hpp"
#include "xgrad/ops/sort.hpp"
#include "xgrad/state_dict.hpp"
#include "xgrad/tensor.hpp"
