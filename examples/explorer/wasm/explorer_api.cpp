// The WebAssembly module's entry points, called from the page with ccall: each takes and returns
// text (a query string in, JSON out), so the page needs nothing but strings.
#include <string>

#include "scene.hpp"

namespace {
/// The last answer, alive until the next call (ccall copies it into a JavaScript string).
std::string answer;

const char* reply(std::string text) {
    answer = std::move(text);
    return answer.c_str();
}

std::string error_json(const std::exception& e) {
    std::string message;
    for (const char c : std::string(e.what())) message += c == '"' || c == '\\' ? '\'' : c;
    return "{\"error\":\"" + message + "\"}";
}
}  // namespace

extern "C" {

/// The trajectories of the scene `query` (see scene.hpp), or {"error": "..."}.
const char* xgrad_explorer_run(const char* query) {
    try {
        const explorer::Scene scene = explorer::parse_scene(query);
        return reply(explorer::trajectories_json(scene, explorer::run(scene)));
    } catch (const std::exception& e) {
        return reply(error_json(e));
    }
}

/// The rules, surfaces, data set and opening scene.
const char* xgrad_explorer_catalogue() { return reply(explorer::catalogue_json()); }

/// The loss of `surface` on an n x n grid over its view.
const char* xgrad_explorer_grid(const char* surface, double kappa, int n) {
    try {
        return reply(explorer::grid_json(surface, kappa, static_cast<std::size_t>(n)));
    } catch (const std::exception& e) {
        return reply(error_json(e));
    }
}

/// {"gd_lr", "heavy_ball_lr", "heavy_ball_momentum"}: the ravine's best constant settings.
const char* xgrad_explorer_ravine_optimum(double kappa) {
    const auto best = explorer::ravine_optimum(kappa);
    return reply("{\"gd_lr\":" + std::to_string(best.gd_lr) +
                 ",\"heavy_ball_lr\":" + std::to_string(best.heavy_ball_lr) +
                 ",\"heavy_ball_momentum\":" + std::to_string(best.heavy_ball_momentum) + "}");
}
}
