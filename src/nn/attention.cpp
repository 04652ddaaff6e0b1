#include "xgrad/nn/attention.hpp"

#include <cmath>

#include "nn/repr.hpp"
#include "xgrad/error.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/ops/attention.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/reduce.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad::nn {

MultiheadAttention::MultiheadAttention(const MultiheadAttentionOptions& options)
    : options_(options) {
    const std::size_t embed_dim = options.embed_dim(), num_heads = options.num_heads();
    const DType dtype = options.dtype();
    if (embed_dim == 0 || num_heads == 0 || embed_dim % num_heads != 0)
        throw ValueError("MultiheadAttention: embed_dim " + std::to_string(embed_dim) +
                         " must be a positive multiple of num_heads " + std::to_string(num_heads));
    in_proj_weight_ =
        register_parameter("in_proj_weight", zeros({3 * embed_dim, embed_dim}, dtype));
    init::xavier_uniform_(in_proj_weight_, 1.0, options.generator());
    if (options.bias())
        in_proj_bias_ = register_parameter("in_proj_bias", zeros({3 * embed_dim}, dtype));
    out_proj_ =
        register_module("out_proj", std::make_shared<Linear>(LinearOptions(embed_dim, embed_dim)
                                                                 .bias(options.bias())
                                                                 .dtype(dtype)
                                                                 .generator(options.generator())));
    if (options.bias()) init::zeros_(out_proj_->bias());
    // not a child: torch's is functional
    attention_dropout_ = std::make_shared<Dropout>(options.dropout());
}

namespace {
/// Rows [part E, (part + 1) E) of the packed in-projection: 0 query, 1 key, 2 value.
Tensor projected(const Tensor& x, const Tensor& weight, const Tensor& bias, std::size_t part,
                 std::size_t embed) {
    const auto from = static_cast<std::ptrdiff_t>(part * embed);
    const auto to = static_cast<std::ptrdiff_t>((part + 1) * embed);
    return linear(x, slice(weight, 0, from, to), bias.defined() ? slice(bias, 0, from, to) : bias);
}
}  // namespace

MultiheadAttention::Output MultiheadAttention::forward(const Tensor& query, const Tensor& key,
                                                       const Tensor& value,
                                                       const Tensor& key_padding_mask,
                                                       bool need_weights, const Tensor& attn_mask,
                                                       bool average_attn_weights) {
    const std::size_t rank = query.dim();
    const std::string layout = rank == 2                ? "(L, E)"
                               : options_.batch_first() ? "(N, L, E)"
                                                        : "(L, N, E)";
    const auto fits = [&](const Tensor& t) {
        return t.dim() == rank && t.shape().back() == options_.embed_dim() &&
               (rank == 2 || t.shape()[options_.batch_first() ? 0 : 1] ==
                                 query.shape()[options_.batch_first() ? 0 : 1]);
    };
    if ((rank != 2 && rank != 3) || !fits(query) || !fits(key) || !fits(value) ||
        key.shape()[rank == 3 && options_.batch_first() ? 1 : 0] !=
            value.shape()[rank == 3 && options_.batch_first() ? 1 : 0])
        throw ShapeError(describe() + ": expected query " + layout +
                         " and key, value of the same layout with one source length S and E = " +
                         std::to_string(options_.embed_dim()) + ", got query " +
                         shape_str(query.shape()) + ", key " + shape_str(key.shape()) + ", value " +
                         shape_str(value.shape()));
    // Internally batch first, (N, L, E); an unbatched input is a batch of one.
    const auto batched = [&](const Tensor& t) {
        return rank == 2 ? unsqueeze(t, 0) : options_.batch_first() ? t : transpose(t, 0, 1);
    };
    const Tensor q = batched(query), k = batched(key), v = batched(value);
    const std::size_t n = q.shape()[0], length = q.shape()[1], source = k.shape()[1];
    const std::size_t heads = options_.num_heads(),
                      head = options_.embed_dim() / options_.num_heads();
    // (N, L, E) -> (N, heads, L, head)
    const auto split = [&](const Tensor& t, std::size_t part, std::size_t len) {
        return permute(
            reshape(projected(t, in_proj_weight_, in_proj_bias_, part, options_.embed_dim()),
                    {n, len, heads, head}),
            {0, 2, 1, 3});
    };
    Tensor mask;
    if (attn_mask.defined()) {
        const bool per_head = attn_mask.dim() == 3 && attn_mask.shape()[0] == n * heads;
        if (!(attn_mask.dim() == 2 || per_head) ||
            attn_mask.shape()[attn_mask.dim() - 2] != length || attn_mask.shape().back() != source)
            throw ShapeError(describe() + ": expected attn_mask (" + std::to_string(length) + ", " +
                             std::to_string(source) + ") or (" + std::to_string(n * heads) + ", " +
                             std::to_string(length) + ", " + std::to_string(source) + "), got " +
                             shape_str(attn_mask.shape()));
        mask = per_head ? reshape(attn_mask, {n, heads, length, source}) : attn_mask;
    }
    if (key_padding_mask.defined()) {
        const Shape expected = rank == 2 ? Shape{source} : Shape{n, source};
        if (key_padding_mask.shape() != expected)
            throw ShapeError(describe() + ": expected key_padding_mask " + shape_str(expected) +
                             " (1 at the keys to ignore), got " +
                             shape_str(key_padding_mask.shape()));
        const Tensor ignore =
            reshape(additive_mask(1.0 - key_padding_mask.detach()), {n, 1, 1, source});
        mask = mask.defined() ? mask + ignore : ignore;
    }
    Tensor weights = attention_weights(split(q, 0, length), split(k, 1, source), mask);
    attention_dropout_->train(is_training());
    const Tensor heads_out = matmul((*attention_dropout_)(weights), split(v, 2, source));
    Tensor out =
        (*out_proj_)(reshape(permute(heads_out, {0, 2, 1, 3}), {n, length, options_.embed_dim()}));
    out = rank == 2 ? squeeze(out, 0) : options_.batch_first() ? out : transpose(out, 0, 1);
    if (!need_weights) return {out, Tensor()};
    if (average_attn_weights) weights = mean(weights, {1});
    return {out, rank == 2 ? squeeze(weights, 0) : weights};
}

Tensor MultiheadAttention::forward(const Tensor& x) {
    return forward(x, x, x, Tensor(), false).output;
}

std::string MultiheadAttention::describe() const { return "MultiheadAttention"; }

}  // namespace xgrad::nn
