#pragma once
/// \file grad_mode.hpp
/// Whether ops record the graph (grad mode) and check their values for NaN and Inf (anomaly
/// mode), per thread, with guards that set a mode for a scope.

namespace xgrad {

/// Whether ops record the graph in this thread (true by default).
bool is_grad_enabled();
void set_grad_enabled(bool enabled);

/// Sets graph recording in this thread for its lifetime, then restores it (PyTorch's
/// torch.set_grad_enabled as a context manager).
class GradModeGuard {
public:
    explicit GradModeGuard(bool enabled);
    ~GradModeGuard();
    GradModeGuard(const GradModeGuard&) = delete;
    GradModeGuard& operator=(const GradModeGuard&) = delete;

private:
    bool previous_;
};

/// Turns graph recording off in this thread for its lifetime (evaluation, optimizer updates).
class NoGradGuard : public GradModeGuard {
public:
    NoGradGuard() : GradModeGuard(false) {}
};

/// Anomaly mode: every op checks its forward value and every backward function its gradients for
/// NaN and Inf, and raises a GraphError naming the op. Slow; for debugging. Thread-local.
bool is_anomaly_enabled();
void set_detect_anomaly(bool enabled);

/// Turns anomaly mode on (or off) for its lifetime.
class DetectAnomalyGuard {
public:
    explicit DetectAnomalyGuard(bool enabled = true);
    ~DetectAnomalyGuard();
    DetectAnomalyGuard(const DetectAnomalyGuard&) = delete;
    DetectAnomalyGuard& operator=(const DetectAnomalyGuard&) = delete;

private:
    bool previous_;
};

}  // namespace xgrad
