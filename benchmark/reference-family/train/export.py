"""Export every trained checkpoint to ONNX and write validation/logprobs.json.

Layout (like Hugging Face optimum's GPT-2 decoder_model.onnx, without past key values):
  inputs  input_ids      int64 [batch_size, sequence_length]
          attention_mask int64 [batch_size, sequence_length]   (1 = token, 0 = padding)
  output  logits         float32 [batch_size, sequence_length, 4096]
opset 14, fp32. Exported without constant folding so the tied embedding matrix is stored
once (folding would add a transposed copy); runtimes fold the remaining weight transposes
at session creation.

Checks per checkpoint: onnx.checker; no float64 anywhere in the graph; the graph run by an
independent NumPy evaluator (onnx_ref.py) matches PyTorch on padded batches (left and right
padding) and on one full 1024-token window; left padding does not change the logits of the
real tokens in PyTorch.
"""
import json
import os
import sys
import time

import numpy as np
import onnx
import torch

from bpe import Tokenizer
from common import (CHECKPOINT_DIR, CKPT_WORK_DIR, CORPUS_DIR, SEED, TORCH_THREADS, VALIDATION_DIR,
                    WORK_DIR, read_jsonl)
from model import GPT, Config, family
import onnx_ref

OPSET = 14
ATOL = 2e-4


class Decoder(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model(input_ids, attention_mask)


def load_model(name):
    ck = torch.load(os.path.join(CKPT_WORK_DIR, name + ".pt"))
    cfg = Config(**ck["meta"]["config"])
    m = GPT(cfg)
    m.load_state_dict(ck["state_dict"])
    m.eval()
    return m, ck["meta"]


def export_one(name, model, path):
    ids = torch.randint(0, model.cfg.vocab_size, (2, 16), generator=torch.Generator().manual_seed(SEED))
    mask = torch.ones(2, 16, dtype=torch.int64)
    mask[1, :3] = 0
    axes = {0: "batch_size", 1: "sequence_length"}
    torch.onnx.export(Decoder(model), (ids, mask), path, opset_version=OPSET,
                      input_names=["input_ids", "attention_mask"], output_names=["logits"],
                      dynamic_axes={"input_ids": axes, "attention_mask": axes, "logits": axes},
                      do_constant_folding=False)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    # layout checks
    ins = {i.name: i for i in m.graph.input}
    assert list(ins) == ["input_ids", "attention_mask"], list(ins)
    for i in m.graph.input:
        assert i.type.tensor_type.elem_type == onnx.TensorProto.INT64
        assert [d.dim_param for d in i.type.tensor_type.shape.dim] == ["batch_size", "sequence_length"]
    (out,) = m.graph.output
    assert out.name == "logits" and out.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    dims = out.type.tensor_type.shape.dim
    assert dims[0].dim_param == "batch_size" and dims[1].dim_param == "sequence_length"
    assert dims[2].dim_value == model.cfg.vocab_size
    # no float64 anywhere
    for init in m.graph.initializer:
        assert init.data_type == onnx.TensorProto.FLOAT, (init.name, init.data_type)
    for node in m.graph.node:
        for a in node.attribute:
            if a.name == "to":
                assert a.i != onnx.TensorProto.DOUBLE, node
            if a.type == onnx.AttributeProto.TENSOR:
                assert a.t.data_type != onnx.TensorProto.DOUBLE, node
    return m


def check_against_torch(name, model, m, valid_tokens):
    g = torch.Generator().manual_seed(SEED + 1)
    worst = 0.0
    # padded batch: row 0 full, row 1 left-padded, row 2 right-padded
    T = 37
    ids = torch.randint(0, model.cfg.vocab_size, (3, T), generator=g)
    mask = torch.ones(3, T, dtype=torch.int64)
    mask[1, :9] = 0
    mask[2, 25:] = 0
    with torch.no_grad():
        ref = model(ids, mask).numpy()
    (got,), used = onnx_ref.run(m, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})
    worst = max(worst, float(np.abs(got - ref).max()))
    # left padding must not change the real tokens' logits
    with torch.no_grad():
        unpadded = model(ids[1:2, 9:], torch.ones(1, T - 9, dtype=torch.int64)).numpy()
    pad_diff = float(np.abs(unpadded[0] - ref[1, 9:]).max())
    assert pad_diff < 1e-4, ("left padding changes logits", name, pad_diff)
    # right padding must not change the real tokens' logits
    with torch.no_grad():
        rp = model(ids[2:3, :25], torch.ones(1, 25, dtype=torch.int64)).numpy()
    rpad_diff = float(np.abs(rp[0] - ref[2, :25]).max())
    assert rpad_diff < 1e-4, ("right padding changes logits", name, rpad_diff)
    # one full window of real text (all 1024 positions)
    ids = torch.from_numpy(valid_tokens[:1024].astype(np.int64)).view(1, -1)
    mask = torch.ones_like(ids)
    with torch.no_grad():
        ref = model(ids, mask).numpy()
    (got,), _ = onnx_ref.run(m, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})
    worst = max(worst, float(np.abs(got - ref).max()))
    assert worst < ATOL, (name, worst)
    return worst, pad_diff, rpad_diff, sorted(used)


def pick_texts(tok, valid_docs):
    """Six fixed validation texts: five of 20-200 tokens and one of ~900 tokens, built from whole
    lines of validation documents (deterministic: first documents that fit, in order)."""
    ranges = [(20, 40), (40, 80), (80, 120), (120, 160), (160, 200), (850, 950)]
    # first validation document to try for each text; the validation documents are in source
    # order (fortunes, WordNet, KJV), so these starts mix the three sources
    starts = [0, 30, 43, 10, 35, 50]
    texts, used_docs = [], set()
    for (lo, hi), start in zip(ranges, starts):
        chosen = None
        for k in range(len(valid_docs)):
            di = (start + k) % len(valid_docs)
            if di in used_docs:
                continue
            lines = valid_docs[di].split("\n")
            acc = ""
            for line in lines:
                cand = line if not acc else acc + "\n" + line
                if len(tok.encode(cand)) > hi:
                    break
                acc = cand
            acc = acc.rstrip()
            if lo <= len(tok.encode(acc)) <= hi:
                chosen = (di, acc)
                break
        assert chosen is not None, (lo, hi)
        used_docs.add(chosen[0])
        texts.append(chosen[1])
    return texts


def token_logprobs(model, ids):
    x = torch.tensor(ids, dtype=torch.int64).view(1, -1)
    with torch.no_grad():
        logits = model(x, torch.ones_like(x))[0]  # float32
    lp = torch.log_softmax(logits.double(), dim=-1)
    nxt = torch.tensor(ids[1:], dtype=torch.int64)
    return lp[:-1].gather(1, nxt.view(-1, 1)).view(-1).tolist()


def main():
    torch.set_num_threads(TORCH_THREADS)
    t0 = time.time()
    os.makedirs(CHECKPOINT_DIR, exist_ok=True)
    os.makedirs(VALIDATION_DIR, exist_ok=True)
    tok = Tokenizer.load()
    valid_docs = read_jsonl(os.path.join(CORPUS_DIR, "valid.jsonl"))
    valid_tokens = np.load(os.path.join(WORK_DIR, "tokens", "valid.npy"))
    texts = pick_texts(tok, valid_docs)
    text_ids = [tok.encode(t) for t in texts]
    print("fixture texts (tokens):", [len(i) for i in text_ids], flush=True)
    fixture = {"texts": texts, "checkpoints": {}}
    report = {}
    total_bytes = 0
    for spec in family():
        name = spec["name"]
        if not os.path.exists(os.path.join(CKPT_WORK_DIR, name + ".pt")):
            print("skipping %s (not trained)" % name, flush=True)
            continue
        t1 = time.time()
        model, meta = load_model(name)
        path = os.path.join(CHECKPOINT_DIR, name + ".onnx")
        m = export_one(name, model, path)
        worst, pad_diff, rpad_diff, ops = check_against_torch(name, model, m, valid_tokens)
        size = os.path.getsize(path)
        total_bytes += size
        fixture["checkpoints"][name] = [{"ids": ids, "tokenLogProbs": token_logprobs(model, ids)}
                                        for ids in text_ids]
        report[name] = {"onnxBytes": size, "maxAbsDiffOnnxVsTorch": worst, "leftPadMaxDiff": pad_diff,
                        "rightPadMaxDiff": rpad_diff, "seconds": round(time.time() - t1, 1)}
        print(name, json.dumps(report[name]), "ops:", ",".join(ops), flush=True)
    with open(os.path.join(VALIDATION_DIR, "logprobs.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(fixture, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    report["totalOnnxBytes"] = total_bytes
    report["wallSeconds"] = round(time.time() - t0, 1)
    with open(os.path.join(WORK_DIR, "export-report.json"), "w") as f:
        json.dump(report, f, indent=2)
    print("total ONNX bytes:", total_bytes, flush=True)
    assert total_bytes <= 25 * 1000 * 1000, total_bytes


if __name__ == "__main__":
    sys.exit(main())
