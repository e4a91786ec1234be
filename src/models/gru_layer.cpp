#include "models/gru_layer.h"

#include <vector>

namespace parlance {
namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// live[t]: how many rows (a prefix, lengths being sorted) are still running at step t.
std::vector<int64_t> live_rows(const Tensor& lengths, int64_t S) {
  const int64_t* len = lengths.data_ptr<int64_t>();
  int64_t n = lengths.numel();
  std::vector<int64_t> live(static_cast<size_t>(S));
  for (int64_t t = 0; t < S; ++t) {
    while (n > 0 && len[n - 1] <= t) --n;
    live[static_cast<size_t>(t)] = n;
  }
  return live;
}

// The order steps run in, and the step whose output is a step's previous state.
int64_t step_at(int64_t k, int64_t S, bool reverse) { return reverse ? S - 1 - k : k; }
int64_t previous_step(int64_t t, bool reverse) { return reverse ? t + 1 : t - 1; }

// What backward needs from forward: `gates` (S, B, 3h) holds the activated
// r, z, n of the live rows (the other rows keep unused input projections),
// `gh_n` (S, B, h) the recurrent half of n before r scales it, `out` (S, B, h)
// the states (zeros past each length).
struct GruTape {
  Tensor gates, gh_n, out;
};

GruTape gru_forward(const Tensor& x, const std::vector<int64_t>& live, const Tensor& w_ih, const Tensor& w_hh,
                    const Tensor& b_ih, const Tensor& b_hh, bool reverse) {
  const int64_t S = x.size(0), B = x.size(1), H = w_hh.size(1);
  GruTape tape;
  // The input half of every gate for all steps at once: one large product.
  tape.gates = torch::addmm(b_ih, x.reshape({S * B, x.size(2)}), w_ih.t()).view({S, B, 3 * H});
  tape.gh_n = torch::empty({S, B, H}, x.options());
  tape.out = torch::zeros({S, B, H}, x.options());
  Tensor h = torch::zeros({B, H}, x.options()), gh = torch::empty({B, 3 * H}, x.options());
  const Tensor w_hh_t = w_hh.t();
  for (int64_t k = 0; k < S; ++k) {
    const int64_t t = step_at(k, S, reverse), n = live[static_cast<size_t>(t)];
    if (n == 0) continue;
    Tensor hp = h.narrow(0, 0, n), ghp = gh.narrow(0, 0, n), g = tape.gates[t].narrow(0, 0, n);
    torch::addmm_out(ghp, b_hh, hp, w_hh_t);
    Tensor rz = g.narrow(1, 0, 2 * H);
    rz.add_(ghp.narrow(1, 0, 2 * H)).sigmoid_();
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "gru_candidate", [&] {
      scalar_t* gp = g.data_ptr<scalar_t>();
      const scalar_t* ghb = ghp.data_ptr<scalar_t>();
      scalar_t* ghn = tape.gh_n[t].data_ptr<scalar_t>();
      for (int64_t b = 0; b < n; ++b) {
        scalar_t *r = gp + b * 3 * H, *cand = r + 2 * H, *keep = ghn + b * H;
        const scalar_t* hn = ghb + b * 3 * H + 2 * H;
        for (int64_t j = 0; j < H; ++j) {
          keep[j] = hn[j];
          cand[j] += r[j] * hn[j];
        }
      }
    });
    g.narrow(1, 2 * H, H).tanh_();
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "gru_state", [&] {
      const scalar_t* gp = g.data_ptr<scalar_t>();
      scalar_t* hb = h.data_ptr<scalar_t>();
      scalar_t* ob = tape.out[t].data_ptr<scalar_t>();
      for (int64_t b = 0; b < n; ++b) {
        const scalar_t *z = gp + b * 3 * H + H, *cand = z + H;
        scalar_t *hr = hb + b * H, *o = ob + b * H;
        for (int64_t j = 0; j < H; ++j) o[j] = hr[j] = cand[j] + z[j] * (hr[j] - cand[j]);
      }
    });
  }
  return tape;
}

class CpuGruFunction : public torch::autograd::Function<CpuGruFunction> {
 public:
  static variable_list forward(AutogradContext* ctx, Tensor x, const Tensor& lengths, Tensor w_ih, Tensor w_hh,
                               const Tensor& b_ih, const Tensor& b_hh, bool reverse) {
    x = x.contiguous(), w_ih = w_ih.contiguous(), w_hh = w_hh.contiguous();
    const GruTape tape = gru_forward(x, live_rows(lengths, x.size(0)), w_ih, w_hh, b_ih, b_hh, reverse);
    // Each row's final state: its output at its last step in the direction run.
    const Tensor last = reverse ? torch::zeros_like(lengths) : lengths - 1;
    const Tensor h_n = tape.out.gather(0, last.view({1, -1, 1}).expand({1, x.size(1), w_hh.size(1)})).squeeze(0);
    ctx->saved_data["reverse"] = reverse;
    ctx->save_for_backward({x, lengths, w_ih, w_hh, tape.gates, tape.gh_n, tape.out});
    return {tape.out, h_n};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const Tensor &x = saved[0], &lengths = saved[1], &w_ih = saved[2], &w_hh = saved[3];
    const Tensor &gates = saved[4], &gh_n = saved[5], &out = saved[6];
    const bool reverse = ctx->saved_data["reverse"].toBool();
    const int64_t S = x.size(0), B = x.size(1), H = w_hh.size(1), I = x.size(2);
    const std::vector<int64_t> live = live_rows(lengths, S);
    const Tensor d_out = grads[0].defined() ? grads[0].contiguous() : Tensor();
    // The running gradient w.r.t. each row's state, flowing back through the
    // steps; a row's final-state gradient waits until its last step comes up.
    Tensor dh = grads[1].defined() ? grads[1].contiguous().clone() : torch::zeros({B, H}, x.options());
    Tensor d_gi = torch::zeros({S, B, 3 * H}, x.options()), d_gh = torch::zeros({S, B, 3 * H}, x.options());
    const Tensor zero_state = torch::zeros({B, H}, x.options());
    for (int64_t k = S - 1; k >= 0; --k) {
      const int64_t t = step_at(k, S, reverse), n = live[static_cast<size_t>(t)];
      if (n == 0) continue;
      const int64_t p = previous_step(t, reverse);
      const Tensor h_prev = p >= 0 && p < S ? out[p] : zero_state;  // zeros where a row starts
      AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "gru_cell_backward", [&] {
        const scalar_t* gp = gates[t].data_ptr<scalar_t>();
        const scalar_t* hnp = gh_n[t].data_ptr<scalar_t>();
        const scalar_t* hpp = h_prev.data_ptr<scalar_t>();
        const scalar_t* dop = d_out.defined() ? d_out[t].data_ptr<scalar_t>() : nullptr;
        scalar_t* dhp = dh.data_ptr<scalar_t>();
        scalar_t* dgi = d_gi[t].data_ptr<scalar_t>();
        scalar_t* dgh = d_gh[t].data_ptr<scalar_t>();
        for (int64_t b = 0; b < n; ++b) {
          const scalar_t *r = gp + b * 3 * H, *z = r + H, *cand = r + 2 * H;
          const scalar_t *hn = hnp + b * H, *hp = hpp + b * H, *dob = dop ? dop + b * H : nullptr;
          scalar_t* dhb = dhp + b * H;
          scalar_t *di_r = dgi + b * 3 * H, *di_z = di_r + H, *di_n = di_r + 2 * H;
          scalar_t *dh_r = dgh + b * 3 * H, *dh_z = dh_r + H, *dh_n = dh_r + 2 * H;
          for (int64_t j = 0; j < H; ++j) {
            const scalar_t d = dhb[j] + (dob ? dob[j] : scalar_t(0));
            const scalar_t d_cand = d * (scalar_t(1) - z[j]) * (scalar_t(1) - cand[j] * cand[j]);
            const scalar_t d_r = d_cand * hn[j] * r[j] * (scalar_t(1) - r[j]);
            const scalar_t d_z = d * (hp[j] - cand[j]) * z[j] * (scalar_t(1) - z[j]);
            di_r[j] = dh_r[j] = d_r;
            di_z[j] = dh_z[j] = d_z;
            di_n[j] = d_cand;
            dh_n[j] = d_cand * r[j];
            dhb[j] = d * z[j];
          }
        }
      });
      dh.narrow(0, 0, n).addmm_(d_gh[t].narrow(0, 0, n), w_hh);  // through the recurrent product
    }
    // Input and weight gradients for all steps at once (rows past a length hold zeros).
    const Tensor dgi2 = d_gi.view({S * B, 3 * H}), dgh2 = d_gh.view({S * B, 3 * H});
    Tensor d_x, d_w_ih, d_w_hh;
    if (ctx->needs_input_grad(0)) d_x = dgi2.mm(w_ih).view({S, B, I});
    if (ctx->needs_input_grad(2)) d_w_ih = dgi2.t().mm(x.view({S * B, I}));
    if (ctx->needs_input_grad(3)) {
      // Step t's previous state is the output of step t-1 (t+1 in reverse); zero at a row's first step.
      d_w_hh = torch::zeros({3 * H, H}, x.options());
      if (S > 1) {
        const Tensor dg = d_gh.narrow(0, reverse ? 0 : 1, S - 1).reshape({(S - 1) * B, 3 * H});
        const Tensor hp = out.narrow(0, reverse ? 1 : 0, S - 1).reshape({(S - 1) * B, H});
        d_w_hh.addmm_(dg.t(), hp);
      }
    }
    return {d_x,
            Tensor(),
            d_w_ih,
            d_w_hh,
            ctx->needs_input_grad(4) ? dgi2.sum(0) : Tensor(),
            ctx->needs_input_grad(5) ? dgh2.sum(0) : Tensor(),
            Tensor()};
  }
};

}  // namespace

std::tuple<Tensor, Tensor> cpu_gru_layer(const Tensor& x, const Tensor& lengths, const Tensor& w_ih, const Tensor& w_hh,
                                         const Tensor& b_ih, const Tensor& b_hh, bool reverse) {
  TORCH_CHECK(x.dim() == 3 && x.size(0) > 0 && x.is_cpu(), "gru_layer: x must be a CPU (seq >= 1, bs, in) tensor");
  TORCH_CHECK(lengths.dim() == 1 && lengths.size(0) == x.size(1) && lengths.scalar_type() == torch::kInt64 &&
                  lengths.is_cpu(),
              "gru_layer: lengths must be a CPU int64 (bs) tensor");
  TORCH_CHECK(w_hh.size(0) == 3 * w_hh.size(1) && w_ih.size(0) == w_hh.size(0) && w_ih.size(1) == x.size(2),
              "gru_layer: weight shapes do not match (3h x in, 3h x h)");
  auto r = CpuGruFunction::apply(x, lengths.contiguous(), w_ih, w_hh, b_ih, b_hh, reverse);
  return {r[0], r[1]};
}

}  // namespace parlance
