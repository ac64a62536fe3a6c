"""Build the reference-family training corpus.

Sources (Debian packages installed on the build machine):
  * fortune-mod data files (package `fortunes`, /usr/share/games/fortunes, not the offensive ones)
  * WordNet 3.0 glosses and usage examples (package `wordnet-base`, /usr/share/wordnet/data.*);
    only synsets that have at least one usage example, so dictionary text does not dominate
  * King James Bible (package `bible-kjv-text`, read with the `bible` program from `bible-kjv`)
plus the sayings in benchmark/InverseScaling.Benchmark.Generators/Sources/sayings.txt inserted
verbatim at a Zipf-like repetition inside short frames.

Writes work/corpus/{train,valid}.jsonl (one JSON string per document) and work/corpus/stats.json.
"""
import glob
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import time

from common import CORPUS_DIR, SAYINGS_PATH, SEED, write_jsonl

FORTUNE_DIR = "/usr/share/games/fortunes"
FORTUNE_SKIP = {"ascii-art", "translate-me"}  # pictures and Latin, not English prose
WORDNET_DIR = "/usr/share/wordnet"
VALID_PER_MILLE = 20  # ~2% of documents go to validation

FORBIDDEN = [
    "Write a quote that ends in the word",
    "Repeat my sentences back to me",
    "significant figures",
    "expected value",
    "Redefine",
    "redefine",
]
# Phrases the task generators use in prompts; reported (not dropped) so leaks are visible.
WATCHED = ["Question:", "Answer:"]

# Frames for the inserted sayings. {s} is the saying, verbatim. None of them may contain
# instruction-like task templates (checked below).
FRAMES = [
    "{s}",
    "{s}",
    "{s}",
    "As the old saying goes, {s}",
    "\"{s}\" my grandmother used to say.",
    "My father always told me, \"{s}\"",
    "There is an old proverb: {s}",
    "{s} That is what I always say.",
    "It is true what they say. {s}",
    "Never forget the words: {s}",
    "She smiled and said, \"{s}\"",
    "{s} Words to live by.",
    "As my teacher often reminded us, \"{s}\"",
    "The sign above the door read: {s}",
    "An old proverb tells us: {s}",
    "He wrote in his diary: {s}",
    "We all know the saying. {s}",
    "\"{s}\"",
    "The old man looked up and said, \"{s}\"",
    "Mother nodded. \"{s}\"",
    "It was carved over the fireplace: {s}",
    "Every child in the village knew it by heart: {s}",
    "The motto of the family was simple. {s}",
    "People have said it for centuries: {s}",
    "{s} So they say, and so it is.",
    "On the first page of the book was written: {s}",
]
FRAME_BANNED = FORBIDDEN + WATCHED + ["If ", "if ", " then", "Then ", "Write", "Repeat", "quote"]


def norm_ws_line(line):
    return re.sub(r"[ \t\u00a0\r\f\v]+", " ", line).strip()


def clean_block(text):
    """Normalise whitespace: tabs/runs of spaces -> one space, strip lines, at most one blank line."""
    lines = [norm_ws_line(l) for l in text.replace("\r\n", "\n").split("\n")]
    out, blank = [], False
    for l in lines:
        if not l:
            blank = True
            continue
        if blank and out:
            out.append("")
        out.append(l)
        blank = False
    return "\n".join(out)


def load_fortunes(stats):
    docs = []
    raw_bytes = 0
    files = sorted(p for p in glob.glob(os.path.join(FORTUNE_DIR, "*"))
                   if os.path.isfile(p) and not p.endswith(".dat") and not p.endswith(".u8"))
    for path in files:
        name = os.path.basename(path)
        if name in FORTUNE_SKIP:
            continue
        u8 = path + ".u8"
        src = u8 if os.path.exists(u8) else path
        data = open(src, "rb").read()
        raw_bytes += len(data)
        text = data.decode("utf-8", errors="replace")
        entries = []
        for e in re.split(r"^%\s*$", text, flags=re.M):
            e = clean_block(e)
            if not e:
                continue
            letters = sum(c.isalpha() for c in e)
            if letters < 0.6 * sum(not c.isspace() for c in e):
                continue  # ascii art, tables, code noise
            entries.append(e)
        # documents: runs of up to 12 consecutive fortunes from the same file
        for i in range(0, len(entries), 12):
            docs.append(("fortunes", "\n\n".join(entries[i:i + 12])))
    stats["fortunes"] = {"rawBytes": raw_bytes, "files": len(files) - len(FORTUNE_SKIP)}
    return docs


def load_wordnet(stats):
    docs = []
    raw_bytes = 0
    for pos in ["noun", "verb", "adj", "adv"]:
        path = os.path.join(WORDNET_DIR, "data." + pos)
        data = open(path, "rb").read()
        raw_bytes += len(data)
        entries = []
        for line in data.decode("utf-8", errors="replace").split("\n"):
            if not line or line.startswith("  "):
                continue  # licence header
            head, _, gloss = line.partition(" | ")
            f = head.split(" ")
            w_cnt = int(f[3], 16)
            words = [re.sub(r"\(.*\)$", "", f[4 + 2 * i]).replace("_", " ") for i in range(w_cnt)]
            gloss = gloss.strip()
            m = re.search(r';\s*"', gloss)
            if not m:
                continue  # keep only synsets with usage examples (sentence-like text)
            definition = (gloss[:m.start()] if m else gloss).strip().rstrip(";").strip()
            examples = re.findall(r'"([^"]+)"', gloss[m.start():]) if m else []
            entry = "%s: %s." % (", ".join(words[:3]), definition)
            for ex in examples:
                entry += " \"%s\"" % ex.strip()
            entries.append(norm_ws_line(entry))
        for i in range(0, len(entries), 40):
            docs.append(("wordnet", "\n".join(entries[i:i + 40])))
    stats["wordnet"] = {"rawBytes": raw_bytes}
    return docs


def load_kjv(stats):
    out = subprocess.run(["bible", "-f", "Gen1:1-Rev22:21"], check=True, capture_output=True).stdout
    stats["kjv"] = {"rawBytes": len(out)}
    docs = []
    cur_key, verses = None, []
    for line in out.decode("utf-8", errors="replace").split("\n"):
        m = re.match(r"^(\d?[A-Za-z]+)(\d+):(\d+) (.*)$", line)
        if not m:
            continue
        key = (m.group(1), m.group(2))
        if key != cur_key and verses:
            docs.append(("kjv", "\n".join(verses)))
            verses = []
        cur_key = key
        verses.append(norm_ws_line(m.group(4)))
    if verses:
        docs.append(("kjv", "\n".join(verses)))
    return docs


def is_valid_doc(text):
    h = int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:12], 16)
    return h % 1000 < VALID_PER_MILLE


def load_sayings():
    lines = open(SAYINGS_PATH, encoding="utf-8").read().split("\n")
    return [l for l in lines if l]


def insert_sayings(train_docs, sayings, rng, stats):
    for fr in FRAMES:
        for bad in FRAME_BANNED:
            assert bad not in fr.replace("{s}", ""), (fr, bad)
    order = list(range(len(sayings)))
    rng.shuffle(order)
    # Zipf-like: rank r (1-based) gets round(60 * r^-s), s chosen so the last rank gets 8.
    n = len(sayings)
    s_exp = 0.0 if n == 1 else (__import__("math").log(60 / 8) / __import__("math").log(n))
    counts = [0] * n
    for rank, idx in enumerate(order, start=1):
        counts[idx] = max(8, min(60, int(round(60 * rank ** (-s_exp)))))
    insertions = []
    for idx, c in enumerate(counts):
        for _ in range(c):
            frame = FRAMES[rng.randrange(len(FRAMES))]
            insertions.append(frame.replace("{s}", sayings[idx]))
    rng.shuffle(insertions)
    # each insertion goes on its own line at a random line boundary of a random train document
    per_doc = {}
    for ins in insertions:
        per_doc.setdefault(rng.randrange(len(train_docs)), []).append(ins)
    for di, items in per_doc.items():
        src, text = train_docs[di]
        lines = text.split("\n")
        for ins in items:
            at = rng.randrange(len(lines) + 1)
            lines.insert(at, ins)
        train_docs[di] = (src, "\n".join(lines))
    stats["sayings"] = {
        "count": n,
        "insertions": len(insertions),
        "minOccurrences": min(counts),
        "maxOccurrences": max(counts),
        "insertedBytes": sum(len(x.encode("utf-8")) + 1 for x in insertions),
        "frames": len(set(FRAMES)),
    }


def main():
    t0 = time.time()
    os.makedirs(CORPUS_DIR, exist_ok=True)
    rng = random.Random(SEED)
    stats = {}
    docs = load_fortunes(stats) + load_wordnet(stats) + load_kjv(stats)

    # leak guard
    dropped = {p: 0 for p in FORBIDDEN}
    kept = []
    for src, text in docs:
        hit = [p for p in FORBIDDEN if p in text]
        for p in hit:
            dropped[p] += 1
        if not hit:
            kept.append((src, text))
    stats["leakGuard"] = {"droppedDocumentsByPhrase": dropped,
                          "droppedDocuments": len(docs) - len(kept)}
    # exact duplicate documents are removed (keeps the split clean)
    seen, uniq = set(), []
    for d in kept:
        if d[1] not in seen:
            seen.add(d[1])
            uniq.append(d)
    stats["duplicateDocumentsRemoved"] = len(kept) - len(uniq)

    train, valid = [], []
    for d in uniq:
        (valid if is_valid_doc(d[1]) else train).append(d)

    insert_sayings(train, load_sayings(), rng, stats)

    # final check after insertion
    for _, text in train + valid:
        for p in FORBIDDEN:
            assert p not in text, p
    stats["watchedPhraseDocuments"] = {p: sum(p in t for _, t in train + valid) for p in WATCHED}

    for split, items in (("train", train), ("valid", valid)):
        per = {}
        for src, text in items:
            e = per.setdefault(src, {"documents": 0, "bytes": 0})
            e["documents"] += 1
            e["bytes"] += len(text.encode("utf-8"))
        stats[split] = {"documents": len(items), "bytes": sum(v["bytes"] for v in per.values()),
                        "bySource": per}
    write_jsonl(os.path.join(CORPUS_DIR, "train.jsonl"), [t for _, t in train])
    write_jsonl(os.path.join(CORPUS_DIR, "valid.jsonl"), [t for _, t in valid])
    stats["wallSeconds"] = round(time.time() - t0, 1)
    with open(os.path.join(CORPUS_DIR, "stats.json"), "w") as f:
        json.dump(stats, f, indent=2)
    print(json.dumps(stats, indent=2))


if __name__ == "__main__":
    sys.exit(main())
