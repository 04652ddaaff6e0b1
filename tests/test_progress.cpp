// progress: the examples' progress bar (examples/support/progress.hpp) redraws in place on a
// terminal and writes one line per epoch anywhere else.
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <string>

#include "../examples/support/progress.hpp"

namespace {

/// Everything written to a temporary file (not a terminal) by `draw`.
template <typename Draw>
std::string written(Draw draw) {
    std::FILE* file = std::tmpfile();
    BOOST_REQUIRE(file);
    draw(file);
    std::rewind(file);
    std::string text;
    for (int c = std::fgetc(file); c != EOF; c = std::fgetc(file))
        text.push_back(static_cast<char>(c));
    std::fclose(file);
    return text;
}

std::size_t count(const std::string& text, char c) {
    std::size_t n = 0;
    for (char x : text) n += x == c;
    return n;
}

/// Two epochs of 100 updates each, the way examples/fashion_mnist.cpp drives the bar.
template <typename MakeBar>
void two_epochs(std::FILE* out, MakeBar make_bar) {
    for (int epoch = 1; epoch <= 2; ++epoch) {
        auto bar = make_bar(out, epoch);
        for (std::size_t done = 1; done <= 100; ++done) bar.update(done, 1.0 / done);
        bar.finish("epoch " + std::to_string(epoch) + ": summary");
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(progress)

BOOST_AUTO_TEST_CASE(a_file_gets_one_line_per_epoch) {
    // The constructor asks isatty() of the stream: a temporary file is not a terminal.
    const std::string text = written([](std::FILE* out) {
        two_epochs(out, [](std::FILE* f, int epoch) {
            return examples::ProgressBar(100, "epoch " + std::to_string(epoch) + "/2", f);
        });
    });
    BOOST_TEST(text == "epoch 1: summary\nepoch 2: summary\n");
}

BOOST_AUTO_TEST_CASE(a_terminal_redraws_in_place) {
    const std::string text = written([](std::FILE* out) {
        two_epochs(out, [](std::FILE* f, int epoch) {
            return examples::ProgressBar(100, "epoch " + std::to_string(epoch) + "/2", f, true);
        });
    });
    // Each update returns to the start of the line; each epoch ends its bar, then its summary.
    BOOST_TEST(count(text, '\r') == 200u);
    BOOST_TEST(count(text, '\n') == 4u);
    BOOST_TEST(text.find("epoch 1/2 [##############################] 100% loss 0.0100") !=
               std::string::npos);
    BOOST_TEST(text.find("ETA   0.0s\nepoch 1: summary\n\r") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(format_prints_into_a_string) {
    BOOST_TEST(examples::format("epoch %2zu: loss %.4f", std::size_t{3}, 0.25) ==
               "epoch  3: loss 0.2500");
    BOOST_TEST(examples::format("no arguments") == "no arguments");
}

BOOST_AUTO_TEST_SUITE_END()
