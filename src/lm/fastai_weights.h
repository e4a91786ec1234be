#pragma once
// fastai v1 / awd-lstm-lm weights in and out. A fastai v1 language model's
// state dict (torch.save of SequentialRNN(AWD_LSTM, LinearDecoder)) names its
// tensors
//   0.encoder.weight, 0.encoder_dp.emb.weight (the same matrix),
//   0.rnns.{l}.weight_hh_l0_raw, 0.rnns.{l}.module.weight_hh_l0 (its eval-mode copy),
//   0.rnns.{l}.module.{weight_ih_l0, bias_ih_l0, bias_hh_l0},
//   1.decoder.weight (tied: the embedding again), 1.decoder.bias;
// its vocabulary is a pickled `itos` list or one token per line. Import reads
// both into a run folder that train.init, eval and generate accept; export
// writes a state dict torch.load reads plus itos.pkl and itos.txt.
#include <map>
#include <string>
#include <vector>

#include "models/awd_lstm.h"

namespace parlance {

// A vocabulary file: a pickled list of str (pickle protocol 2 to 5, as
// pickle.dump writes it) or UTF-8 text with one token per line. Throws
// UserError naming the file and what was expected.
std::vector<std::string> read_itos_file(const std::string& path);
// `itos` as a protocol-2 pickle, which Python's pickle.load reads.
std::string pickle_itos(const std::vector<std::string>& itos);

// parlance parameter name → fastai v1 state-dict name, for an AWD-LSTM of `spec`.
std::map<std::string, std::string> fastai_names(const LmSpec& spec);

// Reads a torch.save'd state dict; `spec` gets the sizes it implies (vocab,
// emb, hidden, layers; tie_weights when the decoder weight is the embedding).
struct FastaiStateDict {
  LmSpec spec;
  std::map<std::string, torch::Tensor> tensors;
};
FastaiStateDict read_fastai_state_dict(const std::string& path);
// Copies an imported state dict into `model` (built from sd.spec).
void load_fastai_state_dict(const FastaiStateDict& sd, AwdLstm& model);
// The model's weights under fastai's names, as torch.save-compatible bytes.
std::string fastai_state_dict_bytes(AwdLstm& model);

}  // namespace parlance
