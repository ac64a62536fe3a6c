"""Shared paths and small helpers for the reference-family build."""
import hashlib
import json
import os

TRAIN_DIR = os.path.dirname(os.path.abspath(__file__))
FAMILY_DIR = os.path.dirname(TRAIN_DIR)
REPO_ROOT = os.path.dirname(os.path.dirname(FAMILY_DIR))
WORK_DIR = os.path.join(FAMILY_DIR, "work")
CORPUS_DIR = os.path.join(WORK_DIR, "corpus")
CKPT_WORK_DIR = os.path.join(WORK_DIR, "ckpt")
TOKENIZER_DIR = os.path.join(FAMILY_DIR, "tokenizer")
CHECKPOINT_DIR = os.path.join(FAMILY_DIR, "checkpoints")
VALIDATION_DIR = os.path.join(FAMILY_DIR, "validation")
SAYINGS_PATH = os.path.join(REPO_ROOT, "benchmark", "InverseScaling.Benchmark.Generators", "Sources", "sayings.txt")

SEED = 1234

# Training recipe shared by every checkpoint (same data, same order, same schedule).
SEQ_LEN = 1024
BATCH_SIZE = 4          # windows of SEQ_LEN tokens per step (4,096 tokens per step)
TRAIN_STEPS = 384
# Phase 1 (the first SHORT_STEPS steps) cuts each 1024-token window into SHORT_SEQ_LEN-token
# sequences (16 x 256 per step, same 4,096 tokens); phase 2 trains on full 1024-token windows so
# that all positions are trained. This halves the attention cost of the first half of training.
SHORT_SEQ_LEN = 256
SHORT_STEPS = 192
TRAINING_TOKENS = SEQ_LEN * BATCH_SIZE * TRAIN_STEPS  # 1,572,864
WARMUP_STEPS = 24
MIN_LR_FRACTION = 0.1
WEIGHT_DECAY = 0.1
BETAS = (0.9, 0.95)
GRAD_CLIP = 1.0
VALID_WINDOWS = 64  # fixed validation subset: the first 64 windows of 1024 predicted tokens

# Intra-op threads per training process. The two-core machine is shared with C# builds; under
# that contention one thread per process with two processes side by side (build_family.py
# "lanes") was measured to be much faster than one process with two OpenMP threads.
TORCH_THREADS = 1

EOT = "<|endoftext|>"


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def write_jsonl(path, items):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False))
            f.write("\n")
