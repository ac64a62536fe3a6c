"""Write benchmark/reference-family/family.json from the trained checkpoints' metadata.

sha256 values are of the files as written (and committed); paths are relative to the manifest.
trainingFlops = 6 * nonEmbeddingParameters * trainingTokens.
"""
import json
import os
import sys

from common import CHECKPOINT_DIR, CKPT_WORK_DIR, EOT, FAMILY_DIR, TOKENIZER_DIR, WORK_DIR, sha256_file
from model import family


def rel(path):
    return os.path.relpath(path, FAMILY_DIR).replace(os.sep, "/")


def main():
    vocab = os.path.join(TOKENIZER_DIR, "vocab.json")
    merges = os.path.join(TOKENIZER_DIR, "merges.txt")
    vocab_file = {"path": rel(vocab), "sha256": sha256_file(vocab)}
    merges_file = {"path": rel(merges), "sha256": sha256_file(merges)}
    checkpoints = []
    for spec in family():
        name = spec["name"]
        meta_path = os.path.join(CKPT_WORK_DIR, name + ".json")
        onnx_path = os.path.join(CHECKPOINT_DIR, name + ".onnx")
        if not (os.path.exists(meta_path) and os.path.exists(onnx_path)):
            print("skipping", name)
            continue
        with open(meta_path) as f:
            meta = json.load(f)
        n, d = meta["nonEmbeddingParameters"], meta["trainingTokens"]
        files = {"onnx": {"path": rel(onnx_path), "sha256": sha256_file(onnx_path)}}
        with_past = os.path.join(CHECKPOINT_DIR, name + "-with-past.onnx")
        if os.path.exists(with_past):  # export_with_past.py: same weights, key/value cache layout
            files["onnxWithPast"] = {"path": rel(with_past), "sha256": sha256_file(with_past)}
        files.update(vocab=vocab_file, merges=merges_file)
        checkpoints.append({
            "name": name,
            "nonEmbeddingParameters": n,
            "parameters": meta["parameters"],
            "trainingTokens": d,
            "trainingFlops": float(6 * n * d),
            "validationLoss": round(meta["validationLoss"], 4),
            "maxContext": meta["config"]["n_positions"],
            "bos": {"policy": "none", "token": EOT},
            "files": files,
        })
    checkpoints.sort(key=lambda c: c["nonEmbeddingParameters"])
    losses = [c["validationLoss"] for c in checkpoints]
    strictly_falling = all(a > b for a, b in zip(losses, losses[1:]))
    manifest = {
        "schemaVersion": 1,
        "name": "reference",
        "description": "Small GPT-2-style decoders trained on CPU on public-domain/permissive English text "
                       "(fortunes, WordNet glosses, KJV Bible, proverbs); same data, tokens and schedule "
                       "for every size.",
        "checkpoints": checkpoints,
    }
    with open(os.path.join(FAMILY_DIR, "family.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(json.dumps({"checkpoints": [(c["name"], c["validationLoss"]) for c in checkpoints],
                      "validationLossStrictlyFalling": strictly_falling}))
    if not strictly_falling:
        print("ERROR: validation loss does not fall strictly with size", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
