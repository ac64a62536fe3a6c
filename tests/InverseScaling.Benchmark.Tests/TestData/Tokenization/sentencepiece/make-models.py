# Trains the tiny SentencePiece models the tests load and writes expected.json: sentencepiece's own ids for a few texts.
# Run with Debian's python3-sentencepiece from this folder: /usr/bin/python3 make-models.py
import json
import random

import sentencepiece as spm

random.seed(1)
words = "the cat sat on a mat with fine fish and 1 2 3 numbers office final".split()
with open("/tmp/sentencepiece-corpus.txt", "w") as f:
    for _ in range(3000):
        f.write(" ".join(random.choice(words) for _ in range(8)) + "\n")

models = {"bpe-identity-bytefallback": ("bpe", True, 300), "bpe-identity": ("bpe", False, 45), "unigram-identity-bytefallback": ("unigram", True, 300)}
texts = ["the ﬁne cat", "①②", "fish  and\tchips", "Zürich café", " the cat", "the cat", "a final office"]
expected = {"texts": texts, "ids": {}}
for name, (model_type, byte_fallback, size) in models.items():
    spm.SentencePieceTrainer.train(input="/tmp/sentencepiece-corpus.txt", model_prefix=name, vocab_size=size, model_type=model_type,
                                   normalization_rule_name="identity", byte_fallback=byte_fallback, character_coverage=1.0,
                                   hard_vocab_limit=False, minloglevel=2)
    processor = spm.SentencePieceProcessor(model_file=f"{name}.model")
    expected["ids"][name] = [processor.encode(t) for t in texts]
with open("expected.json", "w") as f:
    json.dump(expected, f, ensure_ascii=False, indent=1)
