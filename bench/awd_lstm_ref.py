#!/usr/bin/python3
"""PyTorch reference for bench/train: the same AWD-LSTM training step as
bench_train_step (embedding dropout, locked dropouts, DropConnect on the
hidden-to-hidden weights with the fused LSTM kernel, tied decoder, AR/TAR,
clipping, AdamW), written for this project. Run with Debian's python3-torch
(LibTorch 1.13, the same library the C++ side links).
usage: awd_lstm_ref.py VOCAB EMB HIDDEN LAYERS BS BPTT STEPS THREADS"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def locked_dropout(x, p, training):
    if not training or p == 0:
        return x
    mask = x.new_empty(1, x.size(1), x.size(2)).bernoulli_(1 - p).div_(1 - p)
    return x * mask


class AwdLstm(torch.nn.Module):
    def __init__(self, vocab, emb, hidden, layers, drop_mult):
        super().__init__()
        self.emb = torch.nn.Parameter(torch.empty(vocab, emb).uniform_(-0.1, 0.1))
        self.layers = []
        for l in range(layers):
            inp = emb if l == 0 else hidden
            out = emb if l == layers - 1 else hidden
            k = 1 / out ** 0.5
            ps = [torch.nn.Parameter(torch.empty(*shape).uniform_(-k, k))
                  for shape in ((4 * out, inp), (4 * out, out), (4 * out,), (4 * out,))]
            for i, p in enumerate(ps):
                self.register_parameter(f'l{l}_{i}', p)
            self.layers.append((ps, out))
        self.dec_bias = torch.nn.Parameter(torch.zeros(vocab))
        m = drop_mult
        self.ps = dict(i=0.25 * m, o=0.1 * m, w=0.2 * m, e=0.02 * m, h=0.15 * m)

    def init_state(self, bs):
        return [(torch.zeros(1, bs, out), torch.zeros(1, bs, out)) for _, out in self.layers]

    def forward(self, tokens, state):
        t = self.training
        w = self.emb
        if t:
            w = w * w.new_empty(w.size(0), 1).bernoulli_(1 - self.ps['e']).div_(1 - self.ps['e'])
        x = locked_dropout(F.embedding(tokens, w, 1), self.ps['i'], t)
        new_state = []
        for l, ((w_ih, w_hh, b_ih, b_hh), _) in enumerate(self.layers):
            w_hh = F.dropout(w_hh, self.ps['w'], t)
            out, h, c = torch._VF.lstm(x, state[l], [w_ih, w_hh, b_ih, b_hh], True, 1, 0.0, t, False, False)
            new_state.append((h, c))
            raw = out
            x = locked_dropout(out, self.ps['h'], t) if l + 1 < len(self.layers) else out
        dropped = locked_dropout(raw, self.ps['o'], t)
        return F.linear(dropped, self.emb, self.dec_bias), raw, dropped, new_state


def main():
    vocab, emb, hidden, layers, bs, bptt, steps, threads = map(int, sys.argv[1:9])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = AwdLstm(vocab, emb, hidden, layers, 0.5)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.8, 0.99), weight_decay=0.01)
    tokens = torch.randint(0, vocab, (bptt + 1, bs))
    state = model.init_state(bs)

    def step(state):
        state = [(h.detach(), c.detach()) for h, c in state]
        logits, raw, dropped, state = model(tokens[:-1], state)
        loss = F.cross_entropy(logits.reshape(-1, vocab), tokens[1:].reshape(-1))
        loss = loss + 2.0 * dropped.pow(2).mean() + 1.0 * (raw[1:] - raw[:-1]).pow(2).mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.12)
        opt.step()
        opt.zero_grad()
        return state

    for _ in range(3):
        state = step(state)
    t0 = time.perf_counter()
    for _ in range(steps):
        state = step(state)
    secs = time.perf_counter() - t0
    print(json.dumps({'impl': 'pytorch-python', 'ranks': 1, 'tokens_per_s_per_rank': steps * bptt * bs / secs,
                      'tokens_per_s': steps * bptt * bs / secs, 'seconds': secs}))


if __name__ == '__main__':
    main()
