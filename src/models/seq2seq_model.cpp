#include "models/seq2seq_model.h"

#include "models/seq2seq_attn.h"
#include "models/seq2seq_rnn.h"
#include "util/registry.h"

namespace parlance {

void Seq2SeqModel::select(DecoderState& state, const torch::Tensor& index) const {
  auto keep = [&](torch::Tensor& t) {
    if (t.defined()) t = t.index_select(1, index);
  };
  keep(state.hidden);
  keep(state.source.outputs);
  keep(state.source.mask);
  keep(state.source.keys);
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
