// The JSON the page reads: trajectories, the catalogue of rules and surfaces, contour grids.
#include <cmath>
#include <cstdio>

#include "scene.hpp"
#include "surfaces.hpp"

namespace explorer {
namespace {

/// 17 significant digits read back to the same double; JSON has no NaN or Inf.
std::string number(double value) {
    if (!std::isfinite(value)) return "null";
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

std::string array(const std::vector<double>& values) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + number(values[i]);
    return out + "]";
}

std::string settings(const Settings& s) {
    return "{\"lr\":" + number(s.lr) + ",\"momentum\":" + number(s.momentum) +
           ",\"beta1\":" + number(s.beta1) + ",\"beta2\":" + number(s.beta2) +
           ",\"eps\":" + number(s.eps) + "}";
}

}  // namespace

std::string trajectories_json(const Scene& scene, const std::vector<Trajectory>& paths) {
    std::string out = "{\"racers\":[";
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const Trajectory& p = paths[i];
        out += std::string(i ? "," : "") + "{\"rule\":" + quoted(scene.racers[i].rule) +
               ",\"settings\":" + settings(scene.racers[i].settings) + ",\"x\":" + array(p.x) +
               ",\"y\":" + array(p.y) + ",\"loss\":" + array(p.loss) + ",\"lr\":" + array(p.lr) +
               ",\"diverged\":" + (p.diverged ? "true" : "false") + "}";
    }
    return out + "]}";
}

std::string catalogue_json() {
    std::string out = "{\"rules\":[";
    for (std::size_t i = 0; i < rules().size(); ++i) {
        const Rule& r = rules()[i];
        out += std::string(i ? "," : "") + "{\"name\":" + quoted(r.name) +
               ",\"title\":" + quoted(r.title) + ",\"uses\":" + quoted(r.uses) +
               ",\"defaults\":" + settings(r.defaults) + "}";
    }
    out += "],\"surfaces\":[";
    for (std::size_t i = 0; i < surfaces().size(); ++i) {
        const Surface& s = surfaces()[i];
        out += std::string(i ? "," : "") + "{\"name\":" + quoted(s.name) +
               ",\"title\":" + quoted(s.title) +
               ",\"view\":" + array({s.view.begin(), s.view.end()}) +
               ",\"start\":" + array({s.start.begin(), s.start.end()}) +
               ",\"log_scale\":" + (s.log_scale ? "true" : "false") +
               ",\"has_data\":" + (s.has_data ? "true" : "false") + "}";
    }
    out += "],\"data\":[";
    const auto& data = logistic_data();
    for (std::size_t i = 0; i < data.size(); ++i)
        out += std::string(i ? "," : "") + array({data[i].a, data[i].b, data[i].label});
    return out + "],\"opening\":" + quoted(opening_query()) + "}";
}

std::string grid_json(const std::string& name, double kappa, std::size_t n) {
    const auto view = surface(name).view;
    xt::xarray<double> gx = xt::xarray<double>::from_shape({n * n}), gy = gx;
    for (std::size_t j = 0; j < n; ++j)
        for (std::size_t i = 0; i < n; ++i) {
            gx(j * n + i) = view[0] + (view[1] - view[0]) * static_cast<double>(i) / (n - 1);
            gy(j * n + i) = view[2] + (view[3] - view[2]) * static_cast<double>(j) / (n - 1);
        }
    xgrad::NoGradGuard no_grad;
    const auto values = loss(name, xgrad::Tensor(gx), xgrad::Tensor(gy), kappa).to_vector();
    return "{\"n\":" + std::to_string(n) + ",\"values\":" + array(values) + "}";
}

}  // namespace explorer
