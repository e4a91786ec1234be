#!/usr/bin/python3
"""parlance's corpus BLEU equals nltk.translate.bleu_score.corpus_bleu (its
defaults: 4-grams, uniform weights, no smoothing) to 1e-6 on fixed sets:
hand-made edge cases and seeded random corpora.
usage: bleu_vs_nltk.py BLEU_TOOL OUT_DIR"""
import os
import random
import subprocess
import sys

try:
    from nltk.translate.bleu_score import corpus_bleu
except ImportError:
    print("python3-nltk is not installed (apt-get install python3-nltk)")
    sys.exit(77)

tool, out_dir = sys.argv[1], sys.argv[2]
os.makedirs(out_dir, exist_ok=True)

sets = [
    [("the cat sat on the mat", "the cat sat on the mat")],
    [("the the the the the the the", "the cat is on the mat")],
    [("a cat on the mat", "the cat is on the mat"), ("there is a dog", "a dog is there")],
    [("what is this ?", "what is that ?"), ("where are you going ?", "where do you go ?"),
     ("why", "why not ?")],
    [("a b", "a b c d e f")],                 # short hypothesis: fewer n-grams than n
    [("a b c d e f g", "a b x d e y g")],      # no matching 3- and 4-grams: ~0
    [("x y z", "a b c")],                      # no unigram match: 0
]
rng = random.Random(1234)
vocab = ["w%d" % i for i in range(40)]
for _ in range(6):
    pairs = []
    for _ in range(rng.randint(20, 80)):
        ref = [rng.choice(vocab) for _ in range(rng.randint(3, 15))]
        hyp = [t if rng.random() < 0.7 else rng.choice(vocab) for t in ref]
        if rng.random() < 0.3:
            hyp = hyp[: rng.randint(1, len(hyp))]
        if rng.random() < 0.2:
            hyp = hyp + [rng.choice(vocab) for _ in range(rng.randint(1, 4))]
        pairs.append((" ".join(hyp), " ".join(ref)))
    sets.append(pairs)

path = os.path.join(out_dir, "bleu_sets.tsv")
with open(path, "w") as f:
    for s in sets:
        for h, r in s:
            f.write(h + "\t" + r + "\n")
        f.write("\n")
got = [float(x) for x in subprocess.check_output([tool, path]).split()]
assert len(got) == len(sets), (len(got), len(sets))
worst = 0.0
for i, s in enumerate(sets):
    want = corpus_bleu([[r.split()] for _, r in s], [h.split() for h, _ in s])
    worst = max(worst, abs(got[i] - want))
    print("set %2d: %3d pairs  nltk %.10f  parlance %.10f" % (i, len(s), want, got[i]))
    assert abs(got[i] - want) <= 1e-6, "set %d differs" % i
print("all %d sets within %.2g of nltk" % (len(sets), worst))
