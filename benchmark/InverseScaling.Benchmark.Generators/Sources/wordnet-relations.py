#!/usr/bin/env python3
"""Extracts wordnet-relations.tsv from WordNet 3.0 (Debian package wordnet-base, /usr/share/wordnet).

Run once, by hand: python3 wordnet-relations.py /usr/share/wordnet > wordnet-relations.tsv
The generators read only the TSV, so regenerating the tasks needs no system package.

Rows: relation, head (category or whole), domain, word.
  kind-of  bird   animal  robin    "a robin is a kind of bird" (hyponym closure, depth <= 4)
  part-of  car    vehicle bumper   "a bumper is part of a car" (direct part meronyms)
A word is kept when it is one lower-case alphabetic word of three letters or more, the sense that carries
the relation is its first noun sense, it is tagged no more often as a verb, adjective or adverb than as a
noun (cntlist.rev), it appears at least MIN_GLOSS_COUNT times in WordNet's own glosses (a familiarity proxy
needing no outside frequency list), and it is not in UNCLEAR. A word that any of its senses places under two
different heads is dropped, so a word listed under one head is never, in WordNet, a member of another.
"""
import collections
import re
import sys

MIN_GLOSS_COUNT = 5
MAX_DEPTH = 4

# (head lemma, noun sense number, domain); heads within a domain may overlap in the world (an almond is a tree and a
# food, a bird has knees), across domains they do not, so a word from another domain is safely outside the relation.
KIND_OF = [
    ("bird", 1, "animal"), ("fish", 1, "animal"), ("insect", 1, "animal"), ("snake", 1, "animal"),
    ("dog", 1, "animal"), ("tree", 1, "plant-food"), ("flower", 1, "plant-food"), ("vegetable", 1, "plant-food"),
    ("edible_fruit", 1, "plant-food"), ("cheese", 1, "plant-food"), ("beverage", 1, "plant-food"), ("tool", 1, "artifact"),
    ("musical_instrument", 1, "artifact"), ("vehicle", 1, "artifact"), ("furniture", 1, "artifact"),
    ("weapon", 1, "artifact"), ("garment", 1, "artifact"), ("building", 1, "artifact"), ("container", 1, "artifact"),
    ("metallic_element", 1, "substance"), ("gem", 2, "substance"), ("chromatic_color", 1, "quality"),
    ("emotion", 1, "feeling"), ("disease", 1, "condition"), ("sport", 1, "activity"), ("dance", 1, "activity"),
    ("relative", 1, "person"),
]
PART_OF = [
    ("car", 1, "vehicle"), ("bicycle", 1, "vehicle"), ("airplane", 1, "vehicle"), ("ship", 1, "vehicle"),
    ("face", 1, "body"), ("hand", 1, "body"), ("leg", 1, "body"), ("arm", 1, "body"), ("foot", 1, "body"),
    ("head", 1, "body"), ("tree", 1, "plant"), ("bird", 1, "body"), ("fish", 1, "body"),
    ("shoe", 1, "object"), ("knife", 1, "object"), ("piano", 1, "object"), ("computer", 1, "object"),
]

# Familiar by the rules above but unclear as quiz options (mass nouns, jargon, senses few readers know first).
UNCLEAR = set("""
antecedent argentine bitters bones boxers brew bubbly bumper cacao cassia centaury chips consort cords drawers
ephemeral ergot everlasting fit flamboyant generic greens herbal hind hock hoops ironing jonathan kin kit kola laundry
lichen lightness mending nirvana percoid pest pinon plunge potherb queen scanty sectional shook singles stays steeper
teleost tumbling turtle weeds endemic caring offspring descendant ancestor grievance temper spirits alcohol
architecture ratite flycatcher kingbird shorebird seabird songbird fowl poultry receptacle baggage luggage
floating jumping riding racing hunting fishing swimming fiddle viol woodwind bug conifer optic facial
tidy grill cassette gourd portfolio dispenser knuckles jean stole housewife partner baby infant twin bioweapon
semiautomatic aids bath spoon iron cpu trouser
""".split())

def read_synsets(root):
    synsets = {}
    with open(f"{root}/data.noun", encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            head, _, _ = line.partition(" | ")
            fields = head.split()
            count = int(fields[3], 16)
            words = [fields[4 + 2 * i] for i in range(count)]
            i = 4 + 2 * count
            pointers = []
            for _ in range(int(fields[i])):
                pointers.append((fields[i + 1], fields[i + 2], fields[i + 3]))
                i += 4
            synsets[fields[0]] = (words, pointers)
    return synsets


def read_senses(root):
    senses = {}
    with open(f"{root}/index.noun", encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            fields = line.split()
            senses[fields[0]] = fields[-int(fields[2]):]
    return senses


def read_gloss_counts(root):
    counts = collections.Counter()
    for pos in ("noun", "verb", "adj", "adv"):
        with open(f"{root}/data.{pos}", encoding="latin-1") as f:
            for line in f:
                if not line.startswith("  "):
                    counts.update(re.findall(r"[a-z]+", line.partition(" | ")[2].lower()))
    return counts


def read_tag_counts(root):
    """Semantic-concordance tag counts per (lemma, part of speech): 'n' for nouns, 'o' for every other part."""
    counts = collections.Counter()
    with open(f"{root}/cntlist.rev", encoding="latin-1") as f:
        for line in f:
            key, _, count = line.split()
            lemma, _, rest = key.partition("%")
            counts[(lemma, "n" if rest[0] == "1" else "o")] += int(count)
    return counts


def main(root):
    synsets, senses, gloss = read_synsets(root), read_senses(root), read_gloss_counts(root)
    tags = read_tag_counts(root)

    def familiar(word, offset):
        return (re.fullmatch(r"[a-z]{3,}", word) is not None and gloss[word] >= MIN_GLOSS_COUNT
                and senses.get(word, [None])[0] == offset
                and tags[(word, "o")] <= tags[(word, "n")] and word not in UNCLEAR)

    def hyponyms(offset, depth):
        for symbol, target, _ in synsets[offset][1]:
            if symbol == "~":
                yield target
                if depth < MAX_DEPTH:
                    yield from hyponyms(target, depth + 1)

    rows, heads_of = [], collections.defaultdict(set)
    for relation, table in (("kind-of", KIND_OF), ("part-of", PART_OF)):
        for lemma, sense, domain in table:
            top = senses[lemma][sense - 1]
            if relation == "kind-of":
                members = set(hyponyms(top, 1))
            else:
                members = {t for s, t, _ in synsets[top][1] if s == "%p"}
            for offset in sorted(members):
                for word in synsets[offset][0]:
                    heads_of[(relation, word.lower())].add(lemma)
                    if familiar(word, offset):
                        rows.append((relation, lemma.replace("_", " "), domain, word))
    print("# relation\thead\tdomain\tword  (from WordNet 3.0 by wordnet-relations.py; see WORDNET-LICENSE.md)")
    for row in sorted(set(rows)):
        if len(heads_of[(row[0], row[3])]) == 1 and row[3] != row[1]:
            print("\t".join(row))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet")
