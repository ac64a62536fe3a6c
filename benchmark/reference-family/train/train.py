"""Train one checkpoint of the reference family.

Usage: train.py <name> [out_dir]   (name from model.family(), e.g. ref-13k; out_dir defaults
                                    to work/ckpt)

Every checkpoint sees the same token windows in the same (seeded) order, with the same
schedule: AdamW (betas 0.9/0.95, weight decay 0.1 on matrices and embeddings), linear warmup
then cosine decay to 10% of the peak LR, gradient clipping at 1.0; the first half of the steps
uses 256-token sequences cut from the 1024-token windows, the second half full 1024-token
windows.
Writes work/ckpt/<name>.pt (weights + metadata) and logs to stdout.
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import (TORCH_THREADS, BATCH_SIZE, SHORT_SEQ_LEN, SHORT_STEPS, BETAS, CKPT_WORK_DIR, GRAD_CLIP, MIN_LR_FRACTION, SEED, SEQ_LEN,
                    TRAIN_STEPS, VALID_WINDOWS, WARMUP_STEPS, WEIGHT_DECAY, WORK_DIR)
from model import GPT, count_params, family


def windows(tokens, seq_len):
    """Non-overlapping windows of seq_len + 1 tokens (inputs and shifted targets)."""
    n = (len(tokens) - 1) // seq_len
    idx = np.arange(n)[:, None] * seq_len + np.arange(seq_len + 1)[None, :]
    return tokens[idx].astype(np.int64)


def train_batches():
    toks = np.load(os.path.join(WORK_DIR, "tokens", "train.npy"))
    w = windows(toks, SEQ_LEN)
    need = TRAIN_STEPS * BATCH_SIZE
    assert len(w) >= need, (len(w), need)
    order = np.random.default_rng(SEED).permutation(len(w))[:need]
    return w[order].reshape(TRAIN_STEPS, BATCH_SIZE, SEQ_LEN + 1)


def valid_windows():
    toks = np.load(os.path.join(WORK_DIR, "tokens", "valid.npy"))
    return windows(toks, SEQ_LEN)[:VALID_WINDOWS]


def lr_at(step, peak):
    if step < WARMUP_STEPS:
        return peak * (step + 1) / WARMUP_STEPS
    p = (step - WARMUP_STEPS) / max(1, TRAIN_STEPS - WARMUP_STEPS)
    return peak * (MIN_LR_FRACTION + (1 - MIN_LR_FRACTION) * 0.5 * (1 + math.cos(math.pi * p)))


@torch.no_grad()
def evaluate(model, vw, batch=4):
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(vw), batch):
        x = torch.from_numpy(vw[i:i + batch])
        logits = model(x[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)).double(), x[:, 1:].reshape(-1),
                               reduction="sum")
        total += loss.item()
        count += x[:, 1:].numel()
    model.train()
    return total / count, count


def main():
    name = sys.argv[1]
    spec = {f["name"]: f for f in family()}[name]
    torch.set_num_threads(TORCH_THREADS)
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    cfg, peak = spec["cfg"], spec["lr"]
    model = GPT(cfg)
    total_params, non_emb = count_params(model)
    print("%s: d=%d L=%d H=%d params=%d non-embedding=%d peak_lr=%g" %
          (name, cfg.d_model, cfg.n_layer, cfg.n_head, total_params, non_emb, peak), flush=True)

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WEIGHT_DECAY},
                             {"params": no_decay, "weight_decay": 0.0}], lr=peak, betas=BETAS, eps=1e-8)
    batches = train_batches()
    vw = valid_windows()

    t0 = time.time()
    curve = []
    for step in range(TRAIN_STEPS):
        lr = lr_at(step, peak)
        for g in opt.param_groups:
            g["lr"] = lr
        x = torch.from_numpy(batches[step])
        inp, tgt = x[:, :-1], x[:, 1:]
        if step < SHORT_STEPS:  # phase 1: the same tokens as shorter sequences
            inp = inp.reshape(-1, SHORT_SEQ_LEN)
            tgt = tgt.reshape(-1, SHORT_SEQ_LEN)
        logits = model(inp)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), GRAD_CLIP)
        opt.step()
        if step % 16 == 0 or step == TRAIN_STEPS - 1:
            el = time.time() - t0
            tokens = (step + 1) * BATCH_SIZE * SEQ_LEN
            curve.append([step, round(loss.item(), 4)])
            print("step %4d lr %.2e loss %.4f  %.0f tok/s  %.0fs" % (step, lr, loss.item(), tokens / el, el),
                  flush=True)
    train_seconds = time.time() - t0
    t1 = time.time()
    vloss, vcount = evaluate(model, vw)
    eval_seconds = time.time() - t1
    print("%s: validation loss %.4f nats/token over %d tokens; train %.1fs, eval %.1fs" %
          (name, vloss, vcount, train_seconds, eval_seconds), flush=True)
    meta = dict(name=name, config=cfg.to_dict(), peakLr=peak, parameters=total_params,
                nonEmbeddingParameters=non_emb, trainingTokens=TRAIN_STEPS * BATCH_SIZE * SEQ_LEN,
                shortSeqLen=SHORT_SEQ_LEN, shortSteps=SHORT_STEPS, seqLen=SEQ_LEN, steps=TRAIN_STEPS,
                batchWindows=BATCH_SIZE,
                validationLoss=vloss, validationTokens=vcount, trainSeconds=train_seconds,
                evalSeconds=eval_seconds, curve=curve, seed=SEED, threads=torch.get_num_threads())
    out_dir = sys.argv[2] if len(sys.argv) > 2 else CKPT_WORK_DIR
    os.makedirs(out_dir, exist_ok=True)
    torch.save({"meta": meta, "state_dict": model.state_dict()}, os.path.join(out_dir, name + ".pt"))
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump(meta, f, indent=2)


if __name__ == "__main__":
    sys.exit(main())
