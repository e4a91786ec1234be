#include "text/sentencepiece_model.h"

#include <sentencepiece_trainer.h>

#include <unordered_map>

#include "text/fastai_rules.h"
#include "util/error.h"

namespace parlance {
namespace {

class VectorIterator : public sentencepiece::SentenceIterator {
 public:
  explicit VectorIterator(const std::vector<std::string>& v) : v_(v) {}
  bool done() const override { return i_ >= v_.size(); }
  void Next() override { ++i_; }
  const std::string& value() const override { return v_[i_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  const std::vector<std::string>& v_;
  size_t i_ = 0;
};

}  // namespace

std::string train_sentencepiece(const std::vector<std::string>& texts, const SentencePieceSpec& spec) {
  std::string specials;
  for (const auto& s : tok::kSpecials)
    if (s != tok::UNK && s != tok::PAD) specials += (specials.empty() ? "" : ",") + s;
  std::unordered_map<std::string, std::string> args = {
      {"vocab_size", std::to_string(spec.vocab_size)},
      {"model_type", spec.model_type},
      {"character_coverage", "0.99999"},
      {"user_defined_symbols", specials},
      {"unk_piece", tok::UNK},
      {"pad_piece", tok::PAD},
      {"pad_id", "1"},
      {"unk_id", "0"},
      {"bos_id", "-1"},
      {"eos_id", "-1"},
      {"num_threads", std::to_string(spec.threads)},
      {"hard_vocab_limit", "false"},
      {"max_sentence_length", "1000000"},
      {"minloglevel", "2"},
      {"shuffle_input_sentence", "false"},
  };
  VectorIterator it(texts);
  std::string proto;
  auto status = sentencepiece::SentencePieceTrainer::Train(args, &it, &proto);
  if (!status.ok()) throw UserError("SentencePiece training failed: " + status.ToString());
  return proto;
}

}  // namespace parlance
