#pragma once
/// \file io.hpp
/// Everything of xgrad::io in one include: safetensors files and training checkpoints.

#include "xgrad/io/checkpoint.hpp"
#include "xgrad/io/safetensors.hpp"
