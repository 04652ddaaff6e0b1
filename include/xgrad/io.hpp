#pragma once
/// \file io.hpp
/// Everything of xgrad::io in one include: safetensors files, training checkpoints and PyTorch
/// state_dict files.

#include "xgrad/io/checkpoint.hpp"
#include "xgrad/io/safetensors.hpp"
#include "xgrad/io/torch_state_dict.hpp"
