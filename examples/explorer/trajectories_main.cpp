// explorer_trajectories "<scene query>": the trajectories the explorer page shows for that scene,
// computed by the native library, as the same JSON the WebAssembly module returns (the browser
// and WebAssembly tests compare the two). --catalogue prints the rules and surfaces instead.
#include <cstdio>
#include <cstring>
#include <exception>

#include "scene.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s '<scene query>' | --catalogue | --opening\n", argv[0]);
        return 2;
    }
    try {
        if (std::strcmp(argv[1], "--catalogue") == 0) {
            std::puts(explorer::catalogue_json().c_str());
        } else {
            const std::string query =
                std::strcmp(argv[1], "--opening") == 0 ? explorer::opening_query() : argv[1];
            const explorer::Scene scene = explorer::parse_scene(query);
            std::puts(explorer::trajectories_json(scene, explorer::run(scene)).c_str());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "explorer_trajectories: %s\n", e.what());
        return 1;
    }
}
