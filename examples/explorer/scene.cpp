// Reading a scene from its query string.
#include "scene.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "surfaces.hpp"

namespace explorer {
namespace {

using xgrad::ValueError;

/// Undoes the browser's percent-encoding (%2C, %3A, ...) and '+' for space.
std::string decode(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            out += static_cast<char>(std::strtol(text.substr(i + 1, 2).c_str(), nullptr, 16));
            i += 2;
        } else {
            out += text[i] == '+' ? ' ' : text[i];
        }
    }
    return out;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t begin = 0;
    while (begin <= text.size()) {
        const std::size_t end = std::min(text.find(separator, begin), text.size());
        if (end > begin) parts.push_back(text.substr(begin, end - begin));
        begin = end + 1;
    }
    return parts;
}

double number(const std::string& key, const std::string& text) {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(value))
        throw ValueError("explorer: " + key + "=" + text + " is not a finite number");
    return value;
}

std::size_t count(const std::string& key, const std::string& text, double low, double high) {
    const double value = number(key, text);
    if (value != std::floor(value) || value < low || value > high)
        throw ValueError("explorer: " + key + "=" + text + " (expected a whole number in [" +
                         std::to_string(static_cast<long>(low)) + ", " +
                         std::to_string(static_cast<long>(high)) + "])");
    return static_cast<std::size_t>(value);
}

/// "momentum,lr:0.668,momentum:0.4026" -> the rule with those settings over its defaults.
Racer racer(const std::string& text) {
    const auto parts = split(text, ',');
    if (parts.empty()) throw ValueError("explorer: empty racer");
    Racer r{parts[0], rule(parts[0]).defaults};
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const auto colon = parts[i].find(':');
        const std::string key = parts[i].substr(0, colon);
        const double value =
            number("racer " + key, colon == std::string::npos ? "" : parts[i].substr(colon + 1));
        if (key == "lr")
            r.settings.lr = value;
        else if (key == "momentum")
            r.settings.momentum = value;
        else if (key == "beta1")
            r.settings.beta1 = value;
        else if (key == "beta2")
            r.settings.beta2 = value;
        else if (key == "eps")
            r.settings.eps = value;
        else
            throw ValueError("explorer: racer " + parts[0] + " has no setting '" + key +
                             "' (expected lr, momentum, beta1, beta2 or eps)");
    }
    return r;
}

}  // namespace

Scene parse_scene(const std::string& query) {
    Scene scene;
    bool start_given = false;
    for (const std::string& pair : split(query.substr(query.rfind('?') + 1), '&')) {
        const auto equals = pair.find('=');
        const std::string key = pair.substr(0, equals);
        const std::string value =
            equals == std::string::npos ? "" : decode(pair.substr(equals + 1));
        if (key == "surface")
            scene.surface = surface(value).name;
        else if (key == "kappa")
            scene.kappa = number(key, value);
        else if (key == "x" || key == "y") {
            (key == "x" ? scene.x : scene.y) = number(key, value);
            start_given = true;
        } else if (key == "steps")
            scene.steps = count(key, value, 1, 10000);
        else if (key == "schedule")
            scene.schedule = value;
        else if (key == "decay")
            scene.decay = number(key, value);
        else if (key == "batch")
            scene.batch = value;
        else if (key == "batch_size")
            scene.batch_size = count(key, value, 1, logistic_data().size());
        else if (key == "seed")
            scene.seed = count(key, value, 0, 1e9);
        else if (key == "racer")
            scene.racers.push_back(racer(value));
        else
            throw ValueError("explorer: unknown key '" + key + "' in the scene");
    }
    if (scene.kappa < 1 || scene.kappa > 1e4)
        throw ValueError("explorer: kappa must be in [1, 10000], got " +
                         std::to_string(scene.kappa));
    if (scene.schedule != "constant" && scene.schedule != "exponential" &&
        scene.schedule != "inverse_time")
        throw ValueError("explorer: schedule '" + scene.schedule +
                         "' (expected constant, exponential or inverse_time)");
    if (scene.decay < 0 || scene.decay >= 1)
        throw ValueError("explorer: decay must be in [0, 1), got " + std::to_string(scene.decay));
    if (scene.batch != "full" && scene.batch != "sgd" && scene.batch != "minibatch")
        throw ValueError("explorer: batch '" + scene.batch + "' (expected full, sgd or minibatch)");
    if (scene.racers.size() > 16) throw ValueError("explorer: at most 16 racers");
    if (!start_given) {
        scene.x = surface(scene.surface).start[0];
        scene.y = surface(scene.surface).start[1];
    }
    return scene;
}

RavineOptimum ravine_optimum(double kappa) {
    const auto [lmin, lmax] = ravine_curvatures(kappa);
    const double root = (std::sqrt(kappa) - 1) / (std::sqrt(kappa) + 1);
    return {2 / (lmin + lmax), std::pow(2 / (std::sqrt(lmax) + std::sqrt(lmin)), 2), root * root};
}

std::string opening_query() {
    const RavineOptimum best = ravine_optimum(20);
    char text[256];
    std::snprintf(text, sizeof text,
                  "surface=ravine&kappa=20&x=-5&y=-2&steps=100&racer=sgd,lr:%.4g"
                  "&racer=momentum,lr:%.4g,momentum:%.4g",
                  best.gd_lr, best.heavy_ball_lr, best.heavy_ball_momentum);
    return text;
}

}  // namespace explorer
