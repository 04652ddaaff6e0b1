#pragma once
// Small dense symmetric linear algebra on row-major n x n matrices (a Hessian of a few
// parameters): solving H d = b by Cholesky, and the eigenvalues of H by Jacobi rotations.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <vector>

namespace examples {

/// The solution of H d = b for a symmetric positive definite H (n x n, row-major), by Cholesky
/// H = L Lᵀ; nothing when H is not positive definite.
inline std::optional<std::vector<double>> cholesky_solve(const std::vector<double>& h,
                                                         const std::vector<double>& b) {
    const std::size_t n = b.size();
    std::vector<double> l(n * n, 0.0);
    for (std::size_t j = 0; j < n; ++j) {
        double diagonal = h[j * n + j];
        for (std::size_t k = 0; k < j; ++k) diagonal -= l[j * n + k] * l[j * n + k];
        if (!(diagonal > 0.0)) return std::nullopt;
        l[j * n + j] = std::sqrt(diagonal);
        for (std::size_t i = j + 1; i < n; ++i) {
            double s = h[i * n + j];
            for (std::size_t k = 0; k < j; ++k) s -= l[i * n + k] * l[j * n + k];
            l[i * n + j] = s / l[j * n + j];
        }
    }
    std::vector<double> d = b;
    for (std::size_t i = 0; i < n; ++i) {  // L z = b
        for (std::size_t k = 0; k < i; ++k) d[i] -= l[i * n + k] * d[k];
        d[i] /= l[i * n + i];
    }
    for (std::size_t i = n; i-- > 0;) {  // Lᵀ d = z
        for (std::size_t k = i + 1; k < n; ++k) d[i] -= l[k * n + i] * d[k];
        d[i] /= l[i * n + i];
    }
    return d;
}

/// The eigenvalues of a symmetric matrix (n x n, row-major), ascending: cyclic Jacobi rotations,
/// each zeroing one off-diagonal pair, until the off-diagonal part vanishes.
inline std::vector<double> symmetric_eigenvalues(std::vector<double> a, std::size_t n) {
    for (int sweep = 0; sweep < 100; ++sweep) {
        double off = 0.0;
        for (std::size_t p = 0; p < n; ++p)
            for (std::size_t q = p + 1; q < n; ++q) off += a[p * n + q] * a[p * n + q];
        if (off < 1e-30) break;
        for (std::size_t p = 0; p < n; ++p)
            for (std::size_t q = p + 1; q < n; ++q) {
                if (a[p * n + q] == 0.0) continue;
                // The rotation by θ with tan 2θ = 2a_pq / (a_qq − a_pp), t = tan θ the smaller
                // root.
                const double tau = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q]);
                const double t =
                    (tau >= 0 ? 1.0 : -1.0) / (std::abs(tau) + std::sqrt(1 + tau * tau));
                const double c = 1 / std::sqrt(1 + t * t), s = t * c;
                for (std::size_t k = 0; k < n; ++k) {  // A ← A J
                    const double akp = a[k * n + p], akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for (std::size_t k = 0; k < n; ++k) {  // A ← Jᵀ A
                    const double apk = a[p * n + k], aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
            }
    }
    std::vector<double> eigenvalues(n);
    for (std::size_t i = 0; i < n; ++i) eigenvalues[i] = a[i * n + i];
    std::sort(eigenvalues.begin(), eigenvalues.end());
    return eigenvalues;
}

}  // namespace examples
