#include "translator/translation_scores.h"

#include "text/detokenize.h"
#include "train/host_to_device.h"
#include "translator/decoding.h"

namespace parlance {

void TranslationScores::sum_over(Communicator& comm) {
  std::vector<double> v = bleu.as_vector();
  v.push_back(loss_sum);
  v.push_back(tokens);
  v.push_back(correct);
  v = sum_over_ranks(comm, v);
  correct = v.back(), tokens = v[v.size() - 2], loss_sum = v[v.size() - 3];
  v.resize(v.size() - 3);
  bleu = BleuStats::from_vector(v);
}

std::string readable_text(const std::vector<int64_t>& ids, const std::vector<std::string>& itos) {
  std::vector<std::string> tokens;
  for (int64_t id : ids) tokens.push_back(itos[static_cast<size_t>(id)]);
  return detokenize(tokens);
}

void add_to_bleu(BleuStats& bleu, const std::vector<int64_t>& hypothesis, const std::vector<int64_t>& reference,
                 const std::vector<std::string>& itos) {
  bleu.add(bleu_tokenize(readable_text(hypothesis, itos)), bleu_tokenize(readable_text(reference, itos)));
}

namespace {

// Row `j` of a (L, B) token tensor up to its first `eos` (excluded) or `pad`.
std::vector<int64_t> row_until(const torch::Tensor& tokens, int64_t j, int64_t eos, int64_t pad) {
  std::vector<int64_t> out;
  const auto a = tokens.accessor<int64_t, 2>();
  for (int64_t t = 0; t < tokens.size(0); ++t) {
    const int64_t id = a[t][j];
    if (id == eos || id == pad) break;
    out.push_back(id);
  }
  return out;
}

}  // namespace

TranslationScores score_greedy(Seq2SeqModel& model, const SentencePairs& pairs,
                               const std::vector<std::vector<int64_t>>& batches,
                               const TargetSide& target, torch::Device device) {
  torch::NoGradGuard no_grad;
  TranslationScores s;
  const SpecialIds& t = target.ids;
  for (size_t b = 0; b < batches.size(); ++b) {
    if (batches[b].empty()) continue;
    const PairBatch pb = pairs.batch(batches[b]);
    const torch::Tensor tgt = to_device(pb.tgt, device);
    const GreedyResult g = greedy_decode(model, model.encode(pb.src), t.bos, t.eos, t.pad, target.max_out);
    const Seq2SeqLossSum loss = seq2seq_loss(g.logits, tgt, t.pad);
    s.loss_sum += loss.sum.item<double>();
    s.tokens += static_cast<double>(loss.count);
    s.correct += static_cast<double>(seq2seq_correct(g.tokens, tgt, t.pad));
    const torch::Tensor hyp = g.tokens.cpu(), ref = pb.tgt;
    for (int64_t j = 0; j < hyp.size(1); ++j) {
      std::vector<int64_t> out = row_until(hyp, j, t.eos, t.pad);
      add_to_bleu(s.bleu, out, row_until(ref, j, t.eos, t.pad), target.itos);
      if (s.samples.size() < 8)
        s.samples.push_back({batches[b][static_cast<size_t>(j)], std::move(out),
                             g.attention.defined() ? g.attention.select(1, j).cpu() : torch::Tensor()});
    }
  }
  return s;
}

}  // namespace parlance
