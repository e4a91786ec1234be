"""fastai_weights_interop.py WORK PARLANCE LM_LOGITS: a fastai v1-named
AWD-LSTM in PyTorch (Debian's python3-torch) and Parlance exchange weights.

Python saves its state dict (torch.save) and a pickled itos; `parlance
import-weights` reads them and Parlance's eval-mode logits equal Python's;
`parlance export-weights` writes them back and Python's model, loaded strictly
from that file, gives Parlance's logits again. Tied and untied decoders."""
import os, pickle, subprocess, sys

try:
    import torch
    import torch.nn as nn
except ImportError:
    print("SKIP: python3-torch not installed")
    sys.exit(77)

work, parlance, lm_logits = sys.argv[1:4]
os.makedirs(work, exist_ok=True)


class WeightDropout(nn.Module):
    """fastai v1's WeightDropout(LSTM) as its state dict shows it: the LSTM under
    `module`, and the raw hidden-to-hidden weight DropConnect masks in training."""
    def __init__(self, n_in, n_out):
        super().__init__()
        self.module = nn.LSTM(n_in, n_out)
        self.weight_hh_l0_raw = nn.Parameter(self.module.weight_hh_l0.data.clone())

    def forward(self, x, h, c):  # eval mode: the raw weight, PyTorch's LSTM equations
        m = self.module
        out = []
        for t in range(x.size(0)):
            gates = x[t] @ m.weight_ih_l0.t() + m.bias_ih_l0 + h @ self.weight_hh_l0_raw.t() + m.bias_hh_l0
            i, f, g, o = gates.chunk(4, 1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            out.append(h)
        return torch.stack(out)


class EmbeddingDropout(nn.Module):
    def __init__(self, emb):
        super().__init__()
        self.emb = emb


class AWD_LSTM(nn.Module):
    def __init__(self, vocab, emb, hidden, layers, tied):
        super().__init__()
        self.encoder = nn.Embedding(vocab, emb, padding_idx=1)
        self.encoder_dp = EmbeddingDropout(self.encoder)
        self.sizes = [emb] + [hidden] * (layers - 1) + [emb if tied else hidden]
        self.rnns = nn.ModuleList(WeightDropout(self.sizes[l], self.sizes[l + 1]) for l in range(layers))

    def forward(self, ids):
        x = self.encoder.weight[ids]
        for l, rnn in enumerate(self.rnns):
            z = torch.zeros(1, self.sizes[l + 1])
            x = rnn(x, z, z.clone())
        return x


class LinearDecoder(nn.Module):
    def __init__(self, n_in, vocab, tie):
        super().__init__()
        self.decoder = nn.Linear(n_in, vocab)
        if tie is not None:
            self.decoder.weight = tie


def build(vocab, tied, seed):
    torch.manual_seed(seed)
    enc = AWD_LSTM(vocab, 8, 12, 3, tied)
    dec = LinearDecoder(enc.sizes[-1], vocab, enc.encoder.weight if tied else None)
    nn.init.uniform_(dec.decoder.bias, -0.5, 0.5)
    return nn.Sequential(enc, dec).eval()


def logits(model, ids):
    with torch.no_grad():
        return model[1].decoder(model[0](torch.tensor(ids)[:, None]))[:, 0]


def parlance_logits(run, ids):
    out = subprocess.run([lm_logits, run] + [str(i) for i in ids], check=True, capture_output=True, text=True).stdout
    return torch.tensor([[float(v) for v in line.split()] for line in out.strip().splitlines()])


def rel(a, b):
    return ((a - b).norm() / b.norm()).item()


itos = ["xxunk", "xxpad", "xxbos", "xxeos", "xxfld", "xxmaj", "xxup", "xxrep", "xxwrep"] + [f"w{i}" for i in range(21)]
ids = [2, 9, 14, 5, 29, 1, 0, 17, 17, 3, 22]
for tied in (True, False):
    tag = "tied" if tied else "untied"
    model = build(len(itos), tied, seed=1)
    want = logits(model, ids)
    torch.save(model.state_dict(), f"{work}/{tag}.pth")  # an OrderedDict with _metadata, as fastai saves it
    with open(f"{work}/{tag}_itos.pkl", "wb") as f:
        pickle.dump(itos, f, protocol=4)  # what pickle.dump writes by default on Python >= 3.8
    subprocess.run([parlance, "import-weights", f"{work}/{tag}.pth", "--vocab", f"{work}/{tag}_itos.pkl",
                    "--out", f"{work}/{tag}_run"], check=True)
    got = parlance_logits(f"{work}/{tag}_run", ids)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert rel(got, want) < 1e-5, f"{tag}: imported logits differ by {rel(got, want):.2e}"

    subprocess.run([parlance, "export-weights", f"{work}/{tag}_run", "--out", f"{work}/{tag}_export"], check=True)
    back = build(len(itos), tied, seed=2)
    back.load_state_dict(torch.load(f"{work}/{tag}_export/lm.pth"), strict=True)
    again = logits(back, ids)
    assert rel(again, got) < 1e-5, f"{tag}: exported logits differ by {rel(again, got):.2e}"
    with open(f"{work}/{tag}_export/itos.pkl", "rb") as f:
        assert pickle.load(f) == itos
    assert open(f"{work}/{tag}_export/itos.txt").read().splitlines() == itos
    print(f"{tag}: import {rel(got, want):.1e}, export {rel(again, got):.1e} relative difference")
print("fastai weights interop ok")
