#pragma once
// What the translator needs from a sequence-to-sequence model (lesson 11):
// encode a batch of source sentences once, then decode one target token at a
// time from a state. Everything that loops over target positions — teacher
// forcing, greedy and beam search — lives outside the model
// (translator/decoding.h), so a new model (a Transformer encoder-decoder) is a
// new file implementing these calls plus one line in seq2seq_registry().
//
// Layout: time-major, as the rest of the project: sources (S, B), encoder
// outputs (S, B, E), one decoder step's logits (B, V). Sources are padded at
// the end (fastai's pre_pad=False); `mask` marks the real tokens.
#include <torch/torch.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/model.h"

namespace parlance {

struct Seq2SeqSpec {
  std::string arch = "seq2seq_rnn";
  int64_t src_vocab = 0, tgt_vocab = 0;
  int64_t src_emb = 300, tgt_emb = 300;  // the decoder's GRU runs at tgt_emb, as in the lesson
  int64_t hidden = 256, layers = 2;      // the encoder GRU (nh, nl)
  bool bidirectional = false;
  // The lesson's dropouts: encoder embedding, between encoder GRU layers, on
  // the encoder's final state before the bridge, between decoder GRU layers,
  // before the output layer.
  double enc_embed_p = 0.15, enc_hidden_p = 0.25, bridge_p = 0.0, dec_hidden_p = 0.1, dec_output_p = 0.35;
  bool tie_weights = true;  // output layer shares the decoder embedding (sizes always match here)
  int64_t src_pad_idx = 1, tgt_pad_idx = 1;  // xxpad in each vocabulary
};

// A batch of encoded sources, what every decoder step may look at. A model's
// encode() keeps here only what its step() reads: beam search reorders every
// defined tensor of the state at every step (select()).
struct EncodedSource {
  torch::Tensor outputs;  // (S, B, E): zeros at padded positions
  torch::Tensor mask;     // (S, B) bool: true at real tokens
  torch::Tensor keys;     // (S, B, K): the outputs projected once for attention (undefined without attention)
  torch::Tensor score_bias;  // (S, B): 0 at real tokens, -inf at padding, added to attention scores (ditto)
};

// The decoder's state between steps. Every tensor has the batch at dim 1 so
// beam search can reorder it (Seq2SeqModel::select).
struct DecoderState {
  torch::Tensor hidden;  // (layers, B, H)
  EncodedSource source;
};

struct DecoderStep {
  torch::Tensor logits;     // (B, V)
  torch::Tensor attention;  // (B, S) weights over source positions, or undefined for models without attention
};

class Seq2SeqModel : public Model {
 public:
  // src: (S, B) int64 padded with src_pad_idx at the end, on the host (the
  // batch as built: the model copies it without a wait, train/host_to_device.h)
  // or already on the model's device; the state is on the model's device.
  virtual DecoderState encode(const torch::Tensor& src) = 0;
  // One target position for every row: `prev` (B) is the previous target
  // token (xxbos at the first step); updates `state`.
  virtual DecoderStep step(DecoderState& state, const torch::Tensor& prev) = 0;
  // Keeps rows `index` (B') of the state, in that order (beam search).
  virtual void select(DecoderState& state, const torch::Tensor& index) const;
  // Keeps the first `rows` rows of the state, as views (teacher forcing drops
  // rows whose target has ended; decoding.h).
  virtual void keep_first(DecoderState& state, int64_t rows) const;

  // The embeddings pretrained vectors go into.
  virtual torch::nn::Embedding& source_embedding() = 0;
  virtual torch::nn::Embedding& target_embedding() = 0;
};

using Seq2SeqFactory = std::function<std::shared_ptr<Seq2SeqModel>(const Seq2SeqSpec&)>;
// Architectures by name (seq2seq_model.cpp lists them).
const std::map<std::string, Seq2SeqFactory>& seq2seq_registry();
std::shared_ptr<Seq2SeqModel> make_seq2seq_model(const Seq2SeqSpec& spec);  // throws UserError for unknown arch

}  // namespace parlance
