// char_lm — a character-level language model of English words: an LSTM or a small causal
// transformer (--model) reads each word of Debian's word list (/usr/share/dict/words, package
// wamerican) one letter at a time and predicts the next, '.' marking the start and the end of a
// word. Per epoch: a progress bar, the training and validation loss in nats per character
// against a unigram model's, a checkpoint (--resume continues from it), CSV and a PNG plot; at
// the end, new words sampled with each --temperature.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <xgrad/io.hpp>
#include <xgrad/nn.hpp>
#include <xgrad/optim.hpp>
#include <xgrad/xgrad.hpp>

#include "support/csv_log.hpp"
#include "support/optimizers.hpp"
#include "support/plot.hpp"
#include "support/progress.hpp"

using namespace xgrad;

namespace {

/// Token 0 is the word boundary '.', tokens 1-26 the letters a-z.
constexpr std::size_t kVocabulary = 27;
char letter(std::size_t token) { return token == 0 ? '.' : static_cast<char>('a' + token - 1); }
std::int64_t token(char c) { return c == '.' ? 0 : c - 'a' + 1; }

/// The lowercase words of a-z only (no names, no possessives), in file order.
std::vector<std::string> read_words(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw IOError("char_lm: cannot read " + path + " (apt install wamerican)");
    std::vector<std::string> words;
    for (std::string w; std::getline(in, w);)
        if (!w.empty() &&
            std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
            words.push_back(w);
    return words;
}

/// A batch of words of one length n: inputs ".word" and targets "word." as tokens, (count, n+1).
struct Batch {
    Tensor inputs;
    std::vector<std::int64_t> targets;
};

/// The words in batches of at most `size`, each of words of one length, so that nothing is
/// padded; the order of words and batches follows `seed`.
std::vector<Batch> batches(std::vector<std::string> words, std::size_t size, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    std::shuffle(words.begin(), words.end(), engine);
    std::map<std::size_t, std::vector<const std::string*>> by_length;
    for (const auto& w : words) by_length[w.size()].push_back(&w);
    std::vector<Batch> out;
    for (const auto& [length, group] : by_length)
        for (std::size_t first = 0; first < group.size(); first += size) {
            const std::size_t count = std::min(size, group.size() - first), steps = length + 1;
            std::vector<double> inputs;
            Batch b;
            for (std::size_t i = first; i < first + count; ++i) {
                const std::string text = "." + *group[i] + ".";
                for (std::size_t t = 0; t < steps; ++t) {
                    inputs.push_back(static_cast<double>(token(text[t])));
                    b.targets.push_back(token(text[t + 1]));
                }
            }
            b.inputs = from_vector(inputs, {count, steps});
            out.push_back(std::move(b));
        }
    std::shuffle(out.begin(), out.end(), engine);
    return out;
}

/// Embedding, then a 2-layer LSTM or two pre-norm causal transformer layers, then the logits.
class CharModel : public nn::Module {
public:
    CharModel(const std::string& kind, std::size_t width) : transformer_(kind == "transformer") {
        if (kind != "lstm" && !transformer_)
            throw ValueError("--model must be lstm or transformer, got " + kind);
        embed_ = register_module("embed", nn::Embedding(kVocabulary, width));
        if (transformer_) {
            for (const char* name : {"block0", "block1"})
                blocks_.push_back(register_module(
                    name, nn::TransformerEncoderLayer(nn::TransformerEncoderLayerOptions(width, 4)
                                                          .dim_feedforward(2 * width)
                                                          .batch_first(true)
                                                          .norm_first(true))));
            norm_ = register_module("norm", nn::LayerNorm(Shape{width}));
        } else {
            lstm_ = register_module(
                "lstm", nn::LSTM(nn::LSTMOptions(width, width).num_layers(2).batch_first(true)));
        }
        head_ = register_module("head", nn::Linear(width, kVocabulary));
    }

    /// Tokens (N, L) to next-token logits (N, L, 27); position t sees tokens 0..t only.
    Tensor forward(const Tensor& tokens) override {
        Tensor x = embed_(tokens);
        if (!transformer_) return head_(lstm_(x));
        const std::size_t length = tokens.shape()[1], width = x.shape()[2];
        x = x + nn::sinusoidal_positions(length, width);
        const Tensor mask = causal_mask(length);
        for (const auto& block : blocks_) x = block(x, mask);
        return head_(norm_(x));
    }

private:
    bool transformer_;
    nn::ModuleHolder<nn::Embedding> embed_;
    nn::ModuleHolder<nn::LSTM> lstm_;  // empty for the transformer
    std::vector<nn::ModuleHolder<nn::TransformerEncoderLayer>> blocks_;
    nn::ModuleHolder<nn::LayerNorm> norm_;
    nn::ModuleHolder<nn::Linear> head_;
};

/// Mean cross-entropy of the model's predictions of every target, in nats per character.
Tensor batch_loss(CharModel& model, const Batch& b) {
    const Tensor logits = model(b.inputs);
    return nn::cross_entropy(reshape(logits, {b.targets.size(), kVocabulary}), b.targets);
}

double validation_loss(CharModel& model, const std::vector<Batch>& data) {
    NoGradGuard no_grad;
    model.eval();
    double total = 0.0, count = 0.0;
    for (const auto& b : data) {
        const double n = static_cast<double>(b.targets.size());
        total += batch_loss(model, b).item() * n;
        count += n;
    }
    model.train();
    return total / count;
}

/// The cross-entropy on `validation` of the letter frequencies of `train` (every target, '.'
/// included): what a model that ignores the context achieves.
double unigram_loss(const std::vector<Batch>& train, const std::vector<Batch>& validation) {
    std::vector<double> counts(kVocabulary, 1.0);  // add-one, so that no letter is impossible
    double total = kVocabulary;
    for (const auto& b : train)
        for (auto t : b.targets) counts[static_cast<std::size_t>(t)] += 1, total += 1;
    double loss = 0.0, n = 0.0;
    for (const auto& b : validation)
        for (auto t : b.targets)
            loss -= std::log(counts[static_cast<std::size_t>(t)] / total), n += 1;
    return loss / n;
}

/// A new word: letters drawn from softmax(logits / temperature) until '.' (at most 24).
std::string sample(CharModel& model, double temperature, std::mt19937_64& engine) {
    NoGradGuard no_grad;
    std::vector<double> tokens{0.0};
    std::string word;
    while (word.size() < 24) {
        const Tensor logits = model(from_vector(tokens, {1, tokens.size()}));
        const std::vector<double> all = logits.to_vector();
        std::vector<double> weights(all.end() - kVocabulary, all.end());
        const double top = *std::max_element(weights.begin(), weights.end());
        for (double& w : weights) w = std::exp((w - top) / temperature);
        const auto next =
            std::discrete_distribution<std::size_t>(weights.begin(), weights.end())(engine);
        if (next == 0) break;
        word += letter(next);
        tokens.push_back(static_cast<double>(next));
    }
    return word;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Train a character-level language model on English words and sample new ones"};
    std::string words_path = "/usr/share/dict/words", out_dir = "xgrad-output", kind = "lstm";
    std::size_t epochs = 4, batch_size = 64, width = 64, max_words = 0;
    double lr = 0.003;
    std::uint64_t seed = 0;
    std::vector<double> temperatures{0.5, 1.0};
    bool resume = false;
    app.add_option("--model", kind, "lstm (2 layers) or transformer (2 causal pre-norm layers)")
        ->capture_default_str();
    app.add_option("--words", words_path, "word list, one word a line")->capture_default_str();
    app.add_option("--out", out_dir, "directory for the checkpoint, the CSV and the PNG");
    app.add_option("--epochs", epochs, "epochs in total (a resumed run counts the ones done)")
        ->capture_default_str();
    app.add_option("--batch-size", batch_size, "words per batch (of one length)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--width", width, "embedding and hidden size")->capture_default_str();
    app.add_option("--lr", lr, "Adam's learning rate")->capture_default_str();
    app.add_option("--max-words", max_words, "use the first n words only (0: all)");
    app.add_option("--temperature", temperatures, "sampling temperatures")->capture_default_str();
    app.add_option("--seed", seed, "seed of the weights, the split and the shuffles");
    app.add_flag("--resume", resume, "continue from the checkpoint in --out");
    CLI11_PARSE(app, argc, argv);
    std::filesystem::create_directories(out_dir);
    const std::string checkpoint_path = out_dir + "/char_lm_" + kind + ".ckpt";
    const std::string csv_path = out_dir + "/char_lm_" + kind + ".csv";

    std::vector<std::string> words = read_words(words_path);
    std::mt19937_64 split_engine(seed);
    std::shuffle(words.begin(), words.end(), split_engine);
    if (max_words && max_words < words.size()) words.resize(max_words);
    const std::size_t held_out = std::max<std::size_t>(words.size() / 10, 1);
    const std::vector<std::string> train_words(words.begin() + held_out, words.end());
    const std::vector<Batch> validation =
        batches({words.begin(), words.begin() + held_out}, 256, seed);
    std::printf("%zu words (%zu for validation), model %s, width %zu\n", words.size(), held_out,
                kind.c_str(), width);

    manual_seed(seed);
    CharModel model(kind, width);
    std::size_t parameters = 0;
    for (const auto& p : model.parameters()) parameters += p.numel();
    std::printf("%zu parameters\n", parameters);
    auto optimizer = examples::make_optimizer("adam", model.parameters(), lr);
    const std::vector<io::Component> parts{io::component("model", model),
                                           io::component("optimizer", *optimizer)};
    std::size_t first_epoch = 0, step = 0;
    if (resume) {
        const io::Checkpoint checkpoint = io::load_checkpoint(checkpoint_path);
        io::restore(checkpoint, parts);
        first_epoch = checkpoint.epoch;
        step = checkpoint.step;
        std::printf("resumed from %s after epoch %zu\n", checkpoint_path.c_str(), first_epoch);
    }
    const double unigram = unigram_loss(batches(train_words, 256, seed), validation);
    std::printf("unigram model: validation loss %.4f nats/char\n", unigram);

    examples::CsvLog log(csv_path, {"epoch", "train_loss", "validation_loss", "seconds"});
    for (std::size_t epoch = first_epoch; epoch < epochs; ++epoch) {
        // Each epoch's order follows from (seed, epoch), so a resumed run sees the same batches.
        const std::vector<Batch> train = batches(train_words, batch_size, seed + 1 + epoch);
        examples::ProgressBar progress(train.size(),
                                       examples::format("epoch %zu/%zu", epoch + 1, epochs));
        const auto start = std::chrono::steady_clock::now();
        double total = 0.0, count = 0.0;
        for (std::size_t i = 0; i < train.size(); ++i) {
            optimizer->zero_grad();
            const Tensor loss = batch_loss(model, train[i]);
            loss.backward();
            nn::clip_grad_norm_(model.parameters(), 1.0);
            optimizer->step();
            ++step;
            const double n = static_cast<double>(train[i].targets.size());
            total += loss.item() * n;
            count += n;
            progress.update(i + 1, total / count);
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const double val = validation_loss(model, validation);
        progress.finish(examples::format(
            "epoch %2zu: train loss %.4f, validation loss %.4f nats/char (unigram %.4f), %.1f s",
            epoch + 1, total / count, val, unigram, seconds));
        log.row(epoch + 1, total / count, val, seconds);
        io::save_checkpoint(checkpoint_path, io::capture(parts, epoch + 1, step));
    }

    model.eval();
    std::mt19937_64 engine(seed);
    for (double t : temperatures) {
        std::printf("samples at temperature %.2f:", t);
        for (int i = 0; i < 10; ++i) std::printf(" %s", sample(model, t, engine).c_str());
        std::printf("\n");
    }
    examples::plot_png(
        "set datafile separator ','\nset xlabel 'epoch'\n"
        "set ylabel 'loss (nats per character)'\nset grid\n"
        "set title 'character-level " +
            kind +
            " on /usr/share/dict/words'\n"
            "plot '" +
            csv_path +
            "' using 1:2 every ::1 with linespoints pt 7 title "
            "'training', '' using 1:3 every ::1 with linespoints pt 5 title "
            "'validation', " +
            examples::format("%.6f", unigram) + " title 'unigram model' dt 2\n",
        out_dir + "/char_lm_" + kind + ".png");
}
