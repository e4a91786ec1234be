#!/usr/bin/python3
"""Reference implementation of fastai v1's text rules in plain Python (`re`,
`html`, `collections.Counter`), written for this project from fastai's
documented semantics. Two uses:

  * test oracle: `fastai_rules_ref.py prerules FILE` prints the pre-ruled text
    of each document (one JSON string per line) so ctest can compare it with
    the C++ rules byte for byte;
  * benchmark baseline: `fastai_rules_ref.py bench [--kind KIND] PATH...`
    tokenizes the way fastai does in one process (rules, split, post-rules,
    Counter) and prints MB/s. KIND says what a document is: `wikitext` (an
    article, the default), `lines` (a line), `files` (a file; PATH is a folder
    searched recursively) or `tsv` (each side of a tab-separated pair). spaCy
    is not available offline, so the word split here is a plain space split:
    the baseline is, if anything, faster than real fastai.
"""
import collections
import html
import json
import os
import re
import sys
import time

UNK, BOS, FLD, MAJ, UP, REP, WREP = 'xxunk', 'xxbos', 'xxfld', 'xxmaj', 'xxup', 'xxrep', 'xxwrep'

_re_spaces = re.compile(r'  +')
_re_rep = re.compile(r'(\S)(\1{3,})')
_re_wrep = re.compile(r'(\b\w+\W+)(\1{3,})')
_re_spec = re.compile(r'([/#\n])')
_re_useless = re.compile(' {2,}')


def fix_html(x):
    x = (x.replace('#39;', "'").replace('amp;', '&').replace('#146;', "'").replace('nbsp;', ' ')
          .replace('#36;', '$').replace('\\n', '\n').replace('quot;', "'").replace('<br />', '\n')
          .replace('\\"', '"').replace('<unk>', UNK).replace(' @.@ ', '.').replace(' @-@ ', '-')
          .replace(' @,@ ', ',').replace('\\', ' \\ '))
    return _re_spaces.sub(' ', html.unescape(x))


def replace_rep(t):
    return _re_rep.sub(lambda m: f' {REP} {len(m.group(2)) + 1} {m.group(1)} ', t)


def replace_wrep(t):
    return _re_wrep.sub(lambda m: f' {WREP} {len(m.group(2).split()) + 1} {m.group(1)} ', t)


def spec_add_spaces(t):
    return _re_spec.sub(r' \1 ', t)


def rm_useless_spaces(t):
    return _re_useless.sub(' ', t)


PRE_RULES = [fix_html, replace_rep, replace_wrep, spec_add_spaces, rm_useless_spaces]


def replace_all_caps(x):
    res = []
    for t in x:
        if t.isupper() and len(t) > 1:
            res.append(UP)
            res.append(t.lower())
        else:
            res.append(t)
    return res


def deal_caps(x):
    res = []
    for t in x:
        if t == '':
            continue
        if t[0].isupper() and len(t) > 1 and t[1:].islower():
            res.append(MAJ)
        res.append(t.lower())
    return res


def pre_rules(t):
    for rule in PRE_RULES:
        t = rule(t)
    return t


def wikitext_articles(path):
    """Articles of a WikiText file: a new one at each ' = Title = ' line."""
    doc = []
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            # Blank lines before a file's first heading belong to the first article.
            if re.match(r'^ = [^=].* = \n$', line) and ''.join(doc).strip():
                yield ''.join(doc)
                doc = []
            doc.append(line)
    if ''.join(doc).strip():
        yield ''.join(doc)


def documents(kind, path):
    """(document texts, bytes read) of one input, for the benchmark."""
    if kind == 'wikitext':
        with open(path, 'rb') as f:
            nbytes = len(f.read())
        return wikitext_articles(path), nbytes
    if kind == 'files':
        files = sorted(os.path.join(d, n) for d, _, names in os.walk(path) for n in names)
        texts = [open(f, encoding='utf-8', errors='replace').read() for f in files]
        return texts, sum(os.path.getsize(f) for f in files)
    with open(path, encoding='utf-8', errors='replace') as f:
        lines = f.read().split('\n')
    nbytes = os.path.getsize(path)
    if kind == 'lines':
        return [line for line in lines if line.strip()], nbytes
    if kind == 'tsv':
        return [side for line in lines if '\t' in line for side in line.split('\t')[:2]], nbytes
    sys.exit(f'unknown kind {kind}')


def main():
    cmd, paths = sys.argv[1], sys.argv[2:]
    kind = 'wikitext'
    if paths[:1] == ['--kind']:
        kind, paths = paths[1], paths[2:]
    if cmd == 'prerules':
        for path in paths:
            for doc in wikitext_articles(path):
                print(json.dumps(pre_rules(f'{BOS} ' + doc)))
    elif cmd == 'rule':
        rule = {f.__name__: f for f in PRE_RULES + [pre_rules]}[paths[0]]
        for line in sys.stdin:
            print(json.dumps(rule(json.loads(line))))
    elif cmd == 'bench':
        counts = collections.Counter()
        nbytes = 0
        start = time.perf_counter()
        for path in paths:
            docs, size = documents(kind, path)
            nbytes += size
            for doc in docs:
                toks = pre_rules(f'{BOS} ' + doc).split(' ')
                counts.update(deal_caps(replace_all_caps(toks)))
        secs = time.perf_counter() - start
        print(json.dumps({'bytes': nbytes, 'seconds': secs, 'mb_per_s': nbytes / 1e6 / secs,
                          'tokens': sum(counts.values()), 'distinct': len(counts)}))
    else:
        sys.exit(f'unknown command {cmd}')


if __name__ == '__main__':
    main()
