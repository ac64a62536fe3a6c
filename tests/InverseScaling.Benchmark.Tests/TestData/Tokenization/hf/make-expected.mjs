// Writes expected/<tokenizer>.ids.gz: the token ids that the reference implementations give for every text the tests
// encode. Hugging Face tokenizer.json files go through @huggingface/tokenizers (encode(text, { add_special_tokens: false })),
// tiktoken encodings through OpenAI's tiktoken (encode(text, "all")). One line per distinct text, in the order the
// texts were met (neighbouring prompts share text, so the file compresses well): the first 16 hex digits of the sha256
// of the text's UTF-8 bytes, a space, the ids separated by spaces.
//
// Texts of the tokenizer.json files: every prompt, other_prompt, class and completion of every task's data file and
// control set under tasks/, and, for the first SAMPLED_EXAMPLES examples of each file, each request's context without
// its trailing whitespace and context + continuation, so the tests can check which tokens the suite scores. The tiktoken
// encodings get the texts of those sampled examples only.
//
// Run from this folder: npm install && node make-expected.mjs
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, readdirSync, mkdirSync, existsSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Tokenizer } from "@huggingface/tokenizers";
import { get_encoding } from "tiktoken";

const here = dirname(fileURLToPath(import.meta.url));
const repository = join(here, "..", "..", "..", "..", "..");
const SAMPLED_EXAMPLES = 20;
const HF_TOKENIZERS = ["qwen3", "mistral", "yi"];
const TIKTOKEN_ENCODINGS = ["gpt2", "cl100k_base", "o200k_base"];

// .NET's string.TrimEnd(): the characters char.IsWhiteSpace accepts.
const trimEnd = (s) => s.replace(/[\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+$/u, "");

function requestsOf(row) {
  const prompts = [row.prompt, ...(row.other_prompt !== undefined ? [row.other_prompt] : [])];
  const continuations = row.completion !== undefined ? [row.completion] : row.classes;
  return prompts.flatMap((p) => continuations.map((c) => [p, c]));
}

function collectTexts() {
  const texts = new Set();
  const sampled = new Set();
  const tasks = join(repository, "tasks");
  for (const name of readdirSync(tasks).sort()) {
    const definitionPath = join(tasks, name, "task.json");
    if (!existsSync(definitionPath)) continue;
    const definition = JSON.parse(readFileSync(definitionPath, "utf8"));
    for (const file of [definition.data, definition.control].filter(Boolean)) {
      const lines = readFileSync(join(tasks, name, file), "utf8").split("\n").filter((l) => l.length > 0);
      lines.forEach((line, index) => {
        const row = JSON.parse(line);
        const own = [row.prompt, row.other_prompt, row.completion, ...(row.classes ?? [])].filter((t) => typeof t === "string");
        own.forEach((t) => texts.add(t));
        if (index >= SAMPLED_EXAMPLES) return;
        own.forEach((t) => sampled.add(t));
        for (const [context, continuation] of requestsOf(row)) {
          for (const t of [trimEnd(context), context + continuation]) {
            texts.add(t);
            sampled.add(t);
          }
        }
      });
    }
  }
  return { all: [...texts], sampled: [...sampled] };
}

const key = (text) => createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16);

function write(name, texts, encode) {
  const lines = texts.map((t) => `${key(t)} ${encode(t).join(" ")}`);
  mkdirSync(join(here, "expected"), { recursive: true });
  writeFileSync(join(here, "expected", `${name}.ids.gz`), gzipSync(lines.join("\n") + "\n", { level: 9 }));
  console.log(`${name}: ${lines.length} texts`);
}

const { all, sampled } = collectTexts();
for (const name of HF_TOKENIZERS) {
  const json = JSON.parse(gunzipSync(readFileSync(join(here, name, "tokenizer.json.gz"))).toString("utf8"));
  const config = JSON.parse(readFileSync(join(here, name, "tokenizer_config.json"), "utf8"));
  const tokenizer = new Tokenizer(json, config);
  write(name, all, (t) => tokenizer.encode(t, { add_special_tokens: false }).ids);
}
for (const name of TIKTOKEN_ENCODINGS) {
  const encoding = get_encoding(name);
  write(`tiktoken-${name}`, sampled, (t) => [...encoding.encode(t, "all")]);
  encoding.free();
}
