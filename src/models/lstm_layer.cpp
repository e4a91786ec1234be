#include "models/lstm_layer.h"

#include "train/mixed_precision.h"

namespace parlance {
namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Everything the backward pass needs from the forward, per time step:
// `gates` holds the activated gates (i, f, g, o) along the last dimension.
struct LstmTape {
  Tensor gates;  // (seq, bs, 4h)
  Tensor cells;  // (seq, bs, h)  c_t
  Tensor tanh_cells;  // (seq, bs, h)  tanh(c_t)
  Tensor out;    // (seq, bs, h)  h_t
};

LstmTape lstm_forward(const Tensor& x, const Tensor& h0, const Tensor& c0, const Tensor& w_ih, const Tensor& w_hh,
                      const Tensor& b_ih, const Tensor& b_hh) {
  const int64_t T = x.size(0), B = x.size(1), H = w_hh.size(1);
  LstmTape tape;
  tape.gates = torch::empty({T, B, 4 * H}, x.options());
  tape.cells = torch::empty({T, B, H}, x.options());
  tape.tanh_cells = torch::empty({T, B, H}, x.options());
  tape.out = torch::empty({T, B, H}, x.options());
  // The input half of every gate for all steps at once: one large product.
  Tensor all_gates = tape.gates.view({T * B, 4 * H});
  torch::addmm_out(all_gates, b_ih + b_hh, x.reshape({T * B, x.size(2)}), w_ih.t());
  const Tensor w_hh_t = w_hh.t();
  Tensor h = h0.reshape({B, H}), c = c0.reshape({B, H}).contiguous();
  for (int64_t t = 0; t < T; ++t) {
    Tensor g = tape.gates[t];
    g.addmm_(h, w_hh_t);
    g.narrow(1, 0, 2 * H).sigmoid_();
    g.narrow(1, 2 * H, H).tanh_();
    g.narrow(1, 3 * H, H).sigmoid_();
    Tensor c_t = tape.cells[t], h_t = tape.out[t], tc_t = tape.tanh_cells[t];
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "lstm_cell_forward", [&] {
      const scalar_t* gp = g.data_ptr<scalar_t>();
      const scalar_t* cp = c.data_ptr<scalar_t>();
      scalar_t* cn = c_t.data_ptr<scalar_t>();
      for (int64_t b = 0; b < B; ++b) {
        const scalar_t *i = gp + b * 4 * H, *f = i + H, *gg = i + 2 * H;
        const scalar_t* cprev = cp + b * H;
        scalar_t* cnew = cn + b * H;
        for (int64_t j = 0; j < H; ++j) cnew[j] = f[j] * cprev[j] + i[j] * gg[j];
      }
    });
    torch::tanh_out(tc_t, c_t);
    torch::mul_out(h_t, g.narrow(1, 3 * H, H), tc_t);
    h = h_t;
    c = c_t;
  }
  return tape;
}

class CpuLstmFunction : public torch::autograd::Function<CpuLstmFunction> {
 public:
  static variable_list forward(AutogradContext* ctx, Tensor x, Tensor h0, Tensor c0, Tensor w_ih, Tensor w_hh,
                               Tensor b_ih, Tensor b_hh) {
    x = x.contiguous(), w_ih = w_ih.contiguous(), w_hh = w_hh.contiguous();
    h0 = h0.contiguous(), c0 = c0.contiguous();
    LstmTape tape = lstm_forward(x, h0, c0, w_ih, w_hh, b_ih, b_hh);
    const int64_t T = x.size(0);
    Tensor h_n = tape.out[T - 1].unsqueeze(0).clone(), c_n = tape.cells[T - 1].unsqueeze(0).clone();
    ctx->save_for_backward({x, h0, c0, w_ih, w_hh, tape.gates, tape.cells, tape.tanh_cells, tape.out});
    return {tape.out, h_n, c_n};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const Tensor &x = saved[0], &h0 = saved[1], &c0 = saved[2], &w_ih = saved[3], &w_hh = saved[4];
    const Tensor &gates = saved[5], &cells = saved[6], &tanh_cells = saved[7], &out = saved[8];
    const int64_t T = x.size(0), B = x.size(1), H = w_hh.size(1), I = x.size(2);
    const Tensor& d_out = grads[0];
    // The running gradients w.r.t. h_t and c_t, flowing back through time.
    Tensor dh = grads[1].defined() ? grads[1].reshape({B, H}).clone() : torch::zeros({B, H}, x.options());
    Tensor dc = grads[2].defined() ? grads[2].reshape({B, H}).clone() : torch::zeros({B, H}, x.options());
    Tensor d_gates = torch::empty({T, B, 4 * H}, x.options());
    Tensor d_out_c = d_out.defined() ? d_out.contiguous() : Tensor();
    for (int64_t t = T - 1; t >= 0; --t) {
      const Tensor c_prev = t > 0 ? cells[t - 1] : c0.reshape({B, H});
      AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "lstm_cell_backward", [&] {
        const scalar_t* gp = gates[t].data_ptr<scalar_t>();
        const scalar_t* tcp = tanh_cells[t].data_ptr<scalar_t>();
        const scalar_t* cpp = c_prev.data_ptr<scalar_t>();
        const scalar_t* dop = d_out_c.defined() ? d_out_c[t].data_ptr<scalar_t>() : nullptr;
        scalar_t* dhp = dh.data_ptr<scalar_t>();
        scalar_t* dcp = dc.data_ptr<scalar_t>();
        scalar_t* dgp = d_gates[t].data_ptr<scalar_t>();
        for (int64_t b = 0; b < B; ++b) {
          const scalar_t *i = gp + b * 4 * H, *f = i + H, *g = i + 2 * H, *o = i + 3 * H;
          const scalar_t *tc = tcp + b * H, *cp = cpp + b * H, *dob = dop ? dop + b * H : nullptr;
          scalar_t *dhb = dhp + b * H, *dcb = dcp + b * H;
          scalar_t *di = dgp + b * 4 * H, *df = di + H, *dg = di + 2 * H, *dO = di + 3 * H;
          for (int64_t j = 0; j < H; ++j) {
            const scalar_t dh_j = dhb[j] + (dob ? dob[j] : scalar_t(0));
            const scalar_t dc_j = dcb[j] + dh_j * o[j] * (scalar_t(1) - tc[j] * tc[j]);
            dO[j] = dh_j * tc[j] * o[j] * (scalar_t(1) - o[j]);
            di[j] = dc_j * g[j] * i[j] * (scalar_t(1) - i[j]);
            df[j] = dc_j * cp[j] * f[j] * (scalar_t(1) - f[j]);
            dg[j] = dc_j * i[j] * (scalar_t(1) - g[j] * g[j]);
            dcb[j] = dc_j * f[j];
          }
        }
      });
      torch::mm_out(dh, d_gates[t], w_hh);  // gradient w.r.t. h_{t-1}
    }
    // Weight and input gradients for all steps at once.
    const Tensor dg2 = d_gates.view({T * B, 4 * H});
    Tensor d_x, d_w_ih, d_w_hh, d_b;
    if (ctx->needs_input_grad(0)) d_x = dg2.mm(w_ih).view({T, B, I});
    if (ctx->needs_input_grad(3)) d_w_ih = dg2.t().mm(x.view({T * B, I}));
    if (ctx->needs_input_grad(4)) {
      d_w_hh = d_gates[0].t().mm(h0.reshape({B, H}));
      if (T > 1) d_w_hh.addmm_(dg2.narrow(0, B, (T - 1) * B).t(), out.narrow(0, 0, T - 1).reshape({(T - 1) * B, H}));
    }
    if (ctx->needs_input_grad(5) || ctx->needs_input_grad(6)) d_b = dg2.sum(0);
    return {d_x,
            ctx->needs_input_grad(1) ? dh.view_as(h0) : Tensor(),
            ctx->needs_input_grad(2) ? dc.view_as(c0) : Tensor(),
            d_w_ih,
            d_w_hh,
            ctx->needs_input_grad(5) ? d_b : Tensor(),
            ctx->needs_input_grad(6) ? d_b.clone() : Tensor()};
  }
};

}  // namespace

std::tuple<Tensor, Tensor, Tensor> cpu_lstm_layer(const Tensor& x, const Tensor& h0, const Tensor& c0,
                                                  const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                                                  const Tensor& b_hh) {
  TORCH_CHECK(x.dim() == 3 && x.size(0) > 0, "lstm_layer: x must be (seq >= 1, bs, in)");
  TORCH_CHECK(w_hh.size(0) == 4 * w_hh.size(1) && w_ih.size(0) == w_hh.size(0) && w_ih.size(1) == x.size(2),
              "lstm_layer: weight shapes do not match (4h x in, 4h x h)");
  auto r = CpuLstmFunction::apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh);
  return {r[0], r[1], r[2]};
}

std::tuple<Tensor, Tensor, Tensor> lstm_layer(const Tensor& x, const Tensor& h0, const Tensor& c0, const Tensor& w_ih,
                                              const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh) {
  // Autocast (mixed precision) and CUDA go to LibTorch's kernel: cuDNN's
  // fused LSTM, with autocast's casts (fp16), or in fp32 under bf16.
  if (x.is_cpu() && (x.scalar_type() == torch::kFloat32 || x.scalar_type() == torch::kFloat64))
    return cpu_lstm_layer(x, h0, c0, w_ih, w_hh, b_ih, b_hh);
  RecurrenceInFp32 fp32(x.device().type());
  auto up = [&](const Tensor& t) { return fp32.active() ? t.to(torch::kFloat32) : t; };
  // cuDNN keeps its backward workspace only in training mode.
  const bool train = torch::GradMode::is_enabled();
  auto [out, h, c] = torch::lstm(up(x), {up(h0), up(c0)}, {w_ih, w_hh, b_ih, b_hh}, /*has_biases=*/true,
                                 /*num_layers=*/1, /*dropout=*/0.0, train, /*bidirectional=*/false, /*batch_first=*/false);
  return {out, h, c};
}

}  // namespace parlance
