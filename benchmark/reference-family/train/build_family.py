#!/usr/bin/python3
"""Rebuild the whole reference family from scratch with one command:

    /usr/bin/python3 benchmark/reference-family/train/build_family.py

Stages (each a separate process, in order): corpus -> tokenizer -> train (one process per
checkpoint, smallest first) -> export (ONNX + logprob fixture) -> with-past (export_with_past.py) -> manifest.
`--stages a,b,...` runs a subset (e.g. `--stages export,manifest`). Wall times are recorded in
work/build-times.json. Child processes get jemalloc preloaded when available (see README:
glibc's malloc returns large attention buffers to the OS and page faults then dominate).
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import WORK_DIR  # noqa: E402
from model import family  # noqa: E402

PY = "/usr/bin/python3"
JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
STAGES = ["corpus", "tokenizer", "train", "export", "with-past", "manifest"]


def child_env():
    env = dict(os.environ)
    if os.path.exists(JEMALLOC):
        env["LD_PRELOAD"] = JEMALLOC
        env["MALLOC_CONF"] = "dirty_decay_ms:-1,muzzy_decay_ms:-1,background_thread:false"
    env["OMP_NUM_THREADS"] = "1"
    env["PYTHONHASHSEED"] = "0"
    return env


_lock = threading.Lock()


def record(key, seconds):
    with _lock:
        _record(key, seconds)


def _record(key, seconds):
    path = os.path.join(WORK_DIR, "build-times.json")
    times = {}
    if os.path.exists(path):
        with open(path) as f:
            times = json.load(f)
    times[key] = round(seconds, 1)
    with open(path, "w") as f:
        json.dump(times, f, indent=2)


def run(key, args, log_name):
    os.makedirs(WORK_DIR, exist_ok=True)
    log = os.path.join(WORK_DIR, log_name)
    print("[%s] %s  (log: %s)" % (time.strftime("%H:%M:%S"), key, log), flush=True)
    t0 = time.time()
    with open(log, "w") as f:
        subprocess.run([PY] + args, cwd=HERE, env=child_env(), stdout=f, stderr=subprocess.STDOUT, check=True)
    dt = time.time() - t0
    record(key, dt)
    print("[%s] %s done in %.1fs" % (time.strftime("%H:%M:%S"), key, dt), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stages", default=",".join(STAGES))
    ap.add_argument("--only", default="", help="comma-separated checkpoint names for the train stage")
    a = ap.parse_args()
    stages = a.stages.split(",")
    t0 = time.time()
    if "corpus" in stages:
        run("corpus", ["corpus.py"], "corpus.log")
    if "tokenizer" in stages:
        run("tokenizer", ["bpe.py"], "tokenizer.log")
    if "train" in stages:
        names = [f["name"] for f in family()]
        if a.only:
            names = [n for n in names if n in a.only.split(",")]
        # Two lanes side by side, one thread each, balanced by cost: (smallest, largest) and
        # (the three middle sizes, smallest first), so small checkpoints exist early.
        lanes = [[names[0], names[-1]], names[1:-1]] if len(names) > 2 else [names]
        t_train = time.time()
        threads = [threading.Thread(target=lambda lane=lane: [run("train:" + n, ["train.py", n],
                                                                  "train-%s.log" % n) for n in lane])
                   for lane in lanes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        record("train:all", time.time() - t_train)
    if "export" in stages:
        run("export", ["export.py"], "export.log")
    if "with-past" in stages:
        run("with-past", ["export_with_past.py"], "export-with-past.log")
    if "manifest" in stages:
        run("manifest", ["manifest.py"], "manifest.log")
    record("total:" + a.stages, time.time() - t0)


if __name__ == "__main__":
    main()
