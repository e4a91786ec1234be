#include "models/seq2seq_model.h"

#include "models/seq2seq_attn.h"
#include "models/seq2seq_rnn.h"
#include "util/registry.h"

namespace parlance {

namespace {

// Every tensor of a state that has the batch at dim 1.
template <class F>
void each_batch_tensor(DecoderState& s, F&& f) {
  for (torch::Tensor* t : {&s.hidden, &s.source.outputs, &s.source.mask, &s.source.keys, &s.source.score_bias})
    if (t->defined()) f(*t);
}

}  // namespace

void Seq2SeqModel::select(DecoderState& state, const torch::Tensor& index) const {
  each_batch_tensor(state, [&](torch::Tensor& t) { t = t.index_select(1, index); });
}

void Seq2SeqModel::keep_first(DecoderState& state, int64_t rows) const {
  each_batch_tensor(state, [&](torch::Tensor& t) { t = t.narrow(1, 0, rows); });
  state.hidden = state.hidden.contiguous();  // the recurrent layers' state input
}

const std::map<std::string, Seq2SeqFactory>& seq2seq_registry() {
  static const std::map<std::string, Seq2SeqFactory> registry = {
      {"seq2seq_rnn", [](const Seq2SeqSpec& s) { return std::make_shared<Seq2SeqRnn>(s); }},
      {"seq2seq_attn", [](const Seq2SeqSpec& s) { return std::make_shared<Seq2SeqAttn>(s); }},
  };
  return registry;
}

std::shared_ptr<Seq2SeqModel> make_seq2seq_model(const Seq2SeqSpec& spec) {
  return registry_find(seq2seq_registry(), spec.arch, "model arch")(spec);
}

}  // namespace parlance
