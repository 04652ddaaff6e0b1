#pragma once
/// \file random.hpp
/// Seedable random numbers: the Generator behind randn()/rand(), weight init and Dropout, and its
/// state as text so that a checkpoint can restore the exact stream.

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

namespace xgrad {

/// A random engine (std::mt19937_64) with a seed and a saveable state. Samplers draw through
/// fresh distribution objects on every call, so the engine state alone determines what comes next
/// (no cached values hide in a distribution) and saving state() is enough to resume exactly.
/// Not thread-safe: give each thread its own Generator.
class Generator {
public:
    /// The seed used when none is given (the same on every run).
    static constexpr std::uint64_t default_seed = 5489u;

    explicit Generator(std::uint64_t seed = default_seed);

    /// Restarts the stream from `seed`.
    void manual_seed(std::uint64_t seed);
    /// The seed last set (by the constructor or manual_seed()).
    std::uint64_t initial_seed() const { return seed_; }

    /// The underlying engine, for use with standard distributions.
    std::mt19937_64& engine() { return engine_; }

    /// The full engine state as text (the seed followed by the engine's own text form).
    std::string state() const;
    /// Restores a state produced by state(); throws ValueError on malformed text and leaves the
    /// generator unchanged.
    void set_state(const std::string& state);

    /// One sample from N(mean, std^2).
    double normal(double mean = 0.0, double std = 1.0);
    /// One sample from U[low, high).
    double uniform(double low = 0.0, double high = 1.0);
    /// A uniformly drawn integer in [0, n); n > 0.
    std::uint64_t index(std::uint64_t n);

    /// Fills `out[0..n)` with samples from N(mean, std^2), drawn in double and rounded to the
    /// element type, so a float32 and a float64 tensor filled from one state agree to rounding.
    void fill_normal(float* out, std::size_t n, double mean = 0.0, double std = 1.0);
    void fill_normal(double* out, std::size_t n, double mean = 0.0, double std = 1.0);
    /// Fills `out[0..n)` with samples from U[low, high).
    void fill_uniform(float* out, std::size_t n, double low = 0.0, double high = 1.0);
    void fill_uniform(double* out, std::size_t n, double low = 0.0, double high = 1.0);

private:
    std::uint64_t seed_;
    std::mt19937_64 engine_;
};

/// The process-wide generator used when no Generator is passed (randn, rand, init, Dropout).
Generator& default_generator();

/// Reseeds the default generator: everything drawn from it afterwards is reproducible.
void manual_seed(std::uint64_t seed);

}  // namespace xgrad
