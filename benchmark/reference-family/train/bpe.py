"""Byte-level BPE tokenizer (GPT-2 style), trained on the train split.

* GPT-2 byte-to-unicode mapping: bytes 33-126, 161-172 and 174-255 map to the same code
  point; the remaining 68 bytes map, in increasing byte order, to 256, 257, ...
* GPT-2 pre-tokenisation regex (the `regex` module).
* Merges learned by pair frequency over pre-token counts, with incremental pair-count updates;
  ties broken deterministically: highest count first, then the lexicographically smallest
  pair (compared as a tuple of the two byte-level symbol strings, by code point).
* Vocabulary: 256 byte symbols (ids 0-255, in bytes_to_unicode order like GPT-2), then one
  token per merge in rank order, then `<|endoftext|>` with the last id (VOCAB_SIZE - 1).

Usage: bpe.py            train on work/corpus/train.jsonl, write tokenizer/, encode the corpus to
                          work/tokens/*.npy and write the tokenizer fixture.
"""
import heapq
import json
import os
import sys
import time
from collections import Counter

import numpy as np
import regex

from common import CORPUS_DIR, EOT, TOKENIZER_DIR, VALIDATION_DIR, WORK_DIR, read_jsonl

VOCAB_SIZE = 4096
PAT = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
PRETOKEN_RE = regex.compile(PAT)


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs])), bs


BYTE_ENCODER, BYTE_ORDER = bytes_to_unicode()


def pretokens(text):
    return PRETOKEN_RE.findall(text)


def to_symbols(pretoken):
    return "".join(BYTE_ENCODER[b] for b in pretoken.encode("utf-8"))


def train_bpe(texts, vocab_size=VOCAB_SIZE, log=print):
    t0 = time.time()
    counts = Counter()
    for t in texts:
        counts.update(pretokens(t))
    log("pre-tokens: %d total, %d unique (%.1fs)" % (sum(counts.values()), len(counts), time.time() - t0))
    items = sorted(counts.items())  # deterministic word order
    words = [list(to_symbols(w)) for w, _ in items]
    freqs = [c for _, c in items]

    pair_counts = {}
    where = {}
    for wi, (sym, f) in enumerate(zip(words, freqs)):
        for a, b in zip(sym, sym[1:]):
            p = (a, b)
            pair_counts[p] = pair_counts.get(p, 0) + f
            where.setdefault(p, set()).add(wi)
    heap = [(-c, p) for p, c in pair_counts.items()]
    heapq.heapify(heap)

    n_merges = vocab_size - 256 - 1
    merges = []
    while len(merges) < n_merges and heap:
        negc, pair = heapq.heappop(heap)
        cur = pair_counts.get(pair, 0)
        if cur <= 0 or cur != -negc:
            continue  # stale heap entry
        merges.append(pair)
        a, b = pair
        new_sym = a + b
        changed = set()
        for wi in sorted(where.pop(pair, ())):
            sym = words[wi]
            f = freqs[wi]
            if len(sym) < 2:
                continue
            # remove old pairs of this word
            for x, y in zip(sym, sym[1:]):
                q = (x, y)
                pair_counts[q] -= f
                changed.add(q)
            out = []
            i = 0
            n = len(sym)
            while i < n:
                if i < n - 1 and sym[i] == a and sym[i + 1] == b:
                    out.append(new_sym)
                    i += 2
                else:
                    out.append(sym[i])
                    i += 1
            words[wi] = out
            for x, y in zip(out, out[1:]):
                q = (x, y)
                pair_counts[q] = pair_counts.get(q, 0) + f
                changed.add(q)
                where.setdefault(q, set()).add(wi)
        pair_counts.pop(pair, None)
        changed.discard(pair)
        for q in changed:
            c = pair_counts.get(q, 0)
            if c > 0:
                heapq.heappush(heap, (-c, q))
            else:
                pair_counts.pop(q, None)
    log("learned %d merges (%.1fs)" % (len(merges), time.time() - t0))
    return merges


def build_vocab(merges):
    vocab = {}
    for b in BYTE_ORDER:
        vocab[BYTE_ENCODER[b]] = len(vocab)
    for a, b in merges:
        tok = a + b
        assert tok not in vocab, tok
        vocab[tok] = len(vocab)
    vocab[EOT] = len(vocab)
    return vocab


def save_tokenizer(merges, out_dir=TOKENIZER_DIR):
    os.makedirs(out_dir, exist_ok=True)
    vocab = build_vocab(merges)
    assert len(vocab) == VOCAB_SIZE and vocab[EOT] == VOCAB_SIZE - 1
    with open(os.path.join(out_dir, "vocab.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(vocab, ensure_ascii=False, separators=(",", ":")))
    with open(os.path.join(out_dir, "merges.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write("%s %s\n" % (a, b))


class Tokenizer:
    def __init__(self, vocab, merges):
        self.encoder = vocab
        self.decoder = {v: k for k, v in vocab.items()}
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.byte_decoder = {v: k for k, v in BYTE_ENCODER.items()}
        self.cache = {}
        self.eot_id = vocab[EOT]

    @classmethod
    def load(cls, d=TOKENIZER_DIR):
        with open(os.path.join(d, "vocab.json"), encoding="utf-8") as f:
            vocab = json.load(f)
        merges = []
        with open(os.path.join(d, "merges.txt"), encoding="utf-8") as f:
            lines = f.read().split("\n")
        assert lines[0] == "#version: 0.2"
        for line in lines[1:]:
            if line:
                a, b = line.split(" ")
                merges.append((a, b))
        return cls(vocab, merges)

    def bpe(self, symbols):
        word = list(symbols)
        while len(word) > 1:
            best, best_rank = None, None
            for p in zip(word, word[1:]):
                r = self.ranks.get(p)
                if r is not None and (best_rank is None or r < best_rank):
                    best, best_rank = p, r
            if best is None:
                break
            a, b = best
            out, i, n = [], 0, len(word)
            while i < n:
                if i < n - 1 and word[i] == a and word[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            word = out
        return word

    def encode(self, text):
        ids = []
        cache = self.cache
        for pt in pretokens(text):
            r = cache.get(pt)
            if r is None:
                r = [self.encoder[s] for s in self.bpe(to_symbols(pt))]
                cache[pt] = r
            ids.extend(r)
        return ids

    def decode(self, ids):
        s = "".join(self.decoder[i] for i in ids)
        return bytearray(self.byte_decoder[c] for c in s).decode("utf-8", errors="replace")


AWKWARD = (
    "\n\nAwkward text follows.\n"
    "Several   spaces    in a row, and trailing spaces   \n"
    "\tTabs\tin\tthe\tmiddle\t\tand double tabs.\n"
    "\n\n\nThree blank lines above. Digits: 0 1 12 123 1234 3.14159 2,048 1e9 007.\n"
    "Accents: café, naïve, über, façade, São Paulo, Ærøskøbing, déjà vu.\n"
    "Emoji: 🙂 and 👍🏽 and a family 👨‍👩‍👧.\n"
    "CJK: 日本語のテキスト、中文文本，한국어 텍스트.\n"
    "Punctuation: \"quoted\" 'single' — em dash … ellipsis «guillemets» ¿qué? ¡sí!\n"
    "Contractions: it's we're they've I'm we'll he'd DON'T.\n"
    "Mixed: abc123def  x\u00a0y (no-break space)  end\n"
    "   leading spaces and a final newline\n"
)


def write_tokenizer_fixture(tok, valid_docs):
    os.makedirs(VALIDATION_DIR, exist_ok=True)
    parts, size = [], 0
    for d in valid_docs:
        parts.append(d)
        size += len(d.encode("utf-8")) + 2
        if size >= 110_000:
            break
    text = "\n\n".join(parts) + AWKWARD
    assert len(text.encode("utf-8")) >= 100_000
    with open(os.path.join(VALIDATION_DIR, "tokenizer-sample.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    ids = tok.encode(text)
    assert tok.decode(ids) == text
    assert tok.eot_id not in ids
    with open(os.path.join(VALIDATION_DIR, "tokenizer-sample.ids.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps({"ids": ids}, separators=(",", ":")))
        f.write("\n")
    return len(text.encode("utf-8")), len(ids)


def encode_docs(tok, docs):
    out = []
    for d in docs:
        out.extend(tok.encode(d))
        out.append(tok.eot_id)
    return np.array(out, dtype=np.uint16)


def main():
    t0 = time.time()
    train_docs = read_jsonl(os.path.join(CORPUS_DIR, "train.jsonl"))
    valid_docs = read_jsonl(os.path.join(CORPUS_DIR, "valid.jsonl"))
    merges = train_bpe(train_docs)
    save_tokenizer(merges)
    t_train = time.time() - t0
    tok = Tokenizer.load()
    nbytes, nids = write_tokenizer_fixture(tok, valid_docs)
    print("fixture: %d bytes -> %d ids" % (nbytes, nids))
    tok_dir = os.path.join(WORK_DIR, "tokens")
    os.makedirs(tok_dir, exist_ok=True)
    stats = {"tokenizerTrainSeconds": round(t_train, 1)}
    for name, docs in (("train", train_docs), ("valid", valid_docs)):
        arr = encode_docs(tok, docs)
        np.save(os.path.join(tok_dir, name + ".npy"), arr)
        nb = sum(len(d.encode("utf-8")) for d in docs)
        stats[name] = {"tokens": int(arr.size), "bytes": nb, "bytesPerToken": round(nb / arr.size, 3)}
    stats["wallSeconds"] = round(time.time() - t0, 1)
    with open(os.path.join(tok_dir, "stats.json"), "w") as f:
        json.dump(stats, f, indent=2)
    print(json.dumps(stats, indent=2))


if __name__ == "__main__":
    sys.exit(main())
