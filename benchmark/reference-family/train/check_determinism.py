"""Determinism check: retrain the tokenizer and the smallest checkpoint from the committed
corpus pipeline into work/determinism/ and compare with the build outputs.

  * tokenizer: vocab.json and merges.txt must be byte-identical
  * smallest checkpoint: every weight tensor must be bitwise identical, and so must the
    validation loss
"""
import filecmp
import json
import os
import subprocess
import sys
import time

import torch

from bpe import save_tokenizer, train_bpe
from build_family import PY, child_env
from common import CKPT_WORK_DIR, CORPUS_DIR, TOKENIZER_DIR, WORK_DIR, read_jsonl
from model import family


def main():
    out = os.path.join(WORK_DIR, "determinism")
    os.makedirs(out, exist_ok=True)
    ok = True
    t0 = time.time()
    merges = train_bpe(read_jsonl(os.path.join(CORPUS_DIR, "train.jsonl")))
    tdir = os.path.join(out, "tokenizer")
    save_tokenizer(merges, tdir)
    for fn in ["vocab.json", "merges.txt"]:
        same = filecmp.cmp(os.path.join(TOKENIZER_DIR, fn), os.path.join(tdir, fn), shallow=False)
        print("tokenizer %s identical: %s" % (fn, same), flush=True)
        ok &= same
    print("tokenizer retrain %.1fs" % (time.time() - t0), flush=True)

    name = family()[0]["name"]
    cdir = os.path.join(out, "ckpt")
    t1 = time.time()
    subprocess.run([PY, "train.py", name, cdir], cwd=os.path.dirname(os.path.abspath(__file__)),
                   env=child_env(), check=True, stdout=subprocess.DEVNULL)
    a = torch.load(os.path.join(CKPT_WORK_DIR, name + ".pt"))
    b = torch.load(os.path.join(cdir, name + ".pt"))
    same_w = a["state_dict"].keys() == b["state_dict"].keys() and all(
        torch.equal(a["state_dict"][k], b["state_dict"][k]) for k in a["state_dict"])
    same_l = a["meta"]["validationLoss"] == b["meta"]["validationLoss"]
    print("%s retrain %.1fs: weights bitwise identical: %s; validation loss %r vs %r" %
          (name, time.time() - t1, same_w, a["meta"]["validationLoss"], b["meta"]["validationLoss"]), flush=True)
    ok &= same_w and same_l
    print(json.dumps({"deterministic": bool(ok)}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
