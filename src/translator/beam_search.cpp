#include "translator/beam_search.h"

#include <algorithm>
#include <limits>

namespace parlance {
namespace {

// A partial translation: its tokens, summed log-probability and attention rows.
struct Hypothesis {
  std::vector<int64_t> tokens;
  double logp = 0;
  std::vector<torch::Tensor> attention;  // (S) per token
};

Translation finish(const Hypothesis& h, bool ended_by_eos) {
  Translation t;
  t.tokens = h.tokens;
  const double n = static_cast<double>(h.tokens.size()) + (ended_by_eos ? 1.0 : 0.0);
  t.score = h.logp / std::max(n, 1.0);
  if (!h.attention.empty()) t.attention = torch::stack(h.attention);
  return t;
}

}  // namespace

std::vector<Translation> beam_search(Seq2SeqModel& model, DecoderState state, int64_t beam, int64_t bos, int64_t eos,
                                     int64_t max_len) {
  torch::NoGradGuard no_grad;
  const int64_t B = state.hidden.size(1), K = beam;
  // Row b·K + k of the state is beam k of sentence b; only beam 0 is live at the start.
  model.select(state, torch::arange(B, torch::kInt64).repeat_interleave(K).to(state.hidden.device()));
  std::vector<std::vector<Hypothesis>> live(static_cast<size_t>(B), std::vector<Hypothesis>(1));
  std::vector<std::vector<Translation>> done(static_cast<size_t>(B));
  torch::Tensor prev = torch::full({B * K}, bos, torch::TensorOptions().dtype(torch::kInt64).device(state.hidden.device()));
  for (int64_t t = 0; t < max_len; ++t) {
    DecoderStep s = model.step(state, prev);
    const torch::Tensor logp = torch::log_softmax(s.logits.to(torch::kFloat64), 1).cpu();  // (B·K, V)
    const torch::Tensor attn = s.attention.defined() ? s.attention.to(torch::kFloat32).cpu() : torch::Tensor();
    const int64_t V = logp.size(1);
    std::vector<int64_t> rows(static_cast<size_t>(B * K), 0), next(static_cast<size_t>(B * K), eos);
    bool any_live = false;
    for (int64_t b = 0; b < B; ++b) {
      auto& beams = live[static_cast<size_t>(b)];
      if (beams.empty()) continue;
      // Candidates: every live beam extended by every token, best first.
      torch::Tensor cand = torch::full({K, V}, -std::numeric_limits<double>::infinity(), torch::kFloat64);
      for (size_t k = 0; k < beams.size(); ++k)
        cand[static_cast<int64_t>(k)] = logp[b * K + static_cast<int64_t>(k)] + beams[k].logp;
      const auto [vals, idx] = cand.view({-1}).topk(std::min<int64_t>(2 * K, K * V));
      std::vector<Hypothesis> kept;
      for (int64_t r = 0; r < idx.size(0) && static_cast<int64_t>(kept.size()) < K; ++r) {
        const double v = vals[r].item<double>();
        if (!std::isfinite(v)) break;
        const int64_t from = idx[r].item<int64_t>() / V, token = idx[r].item<int64_t>() % V;
        Hypothesis h = beams[static_cast<size_t>(from)];
        h.logp = v;
        if (attn.defined()) h.attention.push_back(attn[b * K + from]);
        if (token == eos) {
          if (r < K) done[static_cast<size_t>(b)].push_back(finish(h, true));
          continue;
        }
        h.tokens.push_back(token);
        rows[static_cast<size_t>(b * K) + kept.size()] = b * K + from;
        next[static_cast<size_t>(b * K) + kept.size()] = token;
        kept.push_back(std::move(h));
      }
      if (t + 1 == max_len)  // out of steps: the live beams end here
        for (const auto& h : kept) done[static_cast<size_t>(b)].push_back(finish(h, false));
      const bool finished = static_cast<int64_t>(done[static_cast<size_t>(b)].size()) >= K || t + 1 == max_len;
      beams = finished ? std::vector<Hypothesis>() : std::move(kept);
      for (size_t k = beams.size(); k < static_cast<size_t>(K); ++k) rows[static_cast<size_t>(b * K) + k] = b * K;
      any_live = any_live || !beams.empty();
    }
    if (!any_live) break;
    model.select(state, torch::tensor(rows, torch::kInt64).to(state.hidden.device()));
    prev = torch::tensor(next, torch::kInt64).to(state.hidden.device());
  }
  std::vector<Translation> out;
  for (auto& d : done) {
    auto best = std::max_element(d.begin(), d.end(), [](const Translation& a, const Translation& b) { return a.score < b.score; });
    out.push_back(best == d.end() ? Translation{} : *best);
  }
  return out;
}

}  // namespace parlance
