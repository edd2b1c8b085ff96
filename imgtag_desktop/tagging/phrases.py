"""Caption -> candidate tags: contiguous noun phrases, normalised (lower case, singular head).

A small lexicon-driven chunker, no model: the caption is cut into runs of content words at
every determiner, pronoun, preposition, conjunction, auxiliary, verb, adverb and number.
A run is a phrase candidate only when it ends in a noun; from a run we take the whole run
(at most three words), its noun-noun tail ('birthday cake') and its head noun ('cake').
Because every candidate is a contiguous slice of one run, a tag is never stitched across a
removed word ('smiles walk', 'field sunny' cannot happen), and a lone stop word, adjective
or verb is never a tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Phrase", "caption_phrases", "singular", "tokenize"]

_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")

DETERMINERS = frozenset(
    "a an the this that these those some many several few all each every both either neither his her hers "
    "their theirs its my mine our ours your yours no any another other others such lots much more most less "
    "least enough own same".split()
)
PRONOUNS = frozenset(
    "i me we us you he him she it they them himself herself itself themselves myself yourself ourselves "
    "someone somebody something anyone anybody anything everyone everybody everything nobody nothing "
    "one ones who whom whose which what whatever whoever".split()
)
PREPOSITIONS = frozenset(
    "in on at of with by for from to into onto over under near next behind beside besides between across along "
    "alongside through throughout around during after before above below inside outside against toward towards "
    "upon about like down up off out past via atop beneath underneath among amongst within without beyond "
    "despite except per than until till amid opposite unlike versus vs".split()
)
CONJUNCTIONS = frozenset(
    "and or but nor as while so because if then that though although when where whereas yet".split()
)
AUXILIARIES = frozenset(
    "is are was were be been being am isn't aren't wasn't weren't has have had having do does did doing "
    "can could will would shall should may might must 's 're 've 'd 'll not n't".split()
)
ADVERBS = frozenset(
    "very really too also just still together away almost quite rather here there now then again ever never "
    "always often sometimes once twice only even back forward ahead alone apart else instead nearby "
    "outdoors indoors upstairs downstairs overhead everywhere somewhere anywhere nowhere how why well "
    "closely high low far asleep awake alive afloat aboard ajar".split()
)
# BLIP-base artefacts that are not words of any language.
ARTEFACTS = frozenset("arafed araffe arafly arafe araf arafe arafed arafield there's it's".split())
NUMBERS = frozenset(
    "zero two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty hundred thousand dozen first second third half".split()
)
# Verbs in base, 3rd person, past and -ing forms that captions use. -ing/-ed words are also
# recognised by suffix (with the noun exceptions below).
_VERB_STEMS = (
    "sit stand walk run ride hold look play eat drink wear lie fly take make put get go come sleep rest lean "
    "pose smile laugh talk wait watch read cook cut jump swim hike climb drive carry throw catch hit kick "
    "push pull fill show sell buy grow hang float sail surf ski skate dance sing paint write stare feed "
    "lay set sits lay cross pass try use open close help meet keep bring give move turn start "
    "celebrate enjoy prepare serve decorate cover surround overlook line perch graze roam chase fetch "
    "bite lick hug kiss shake wave point reach touch pet brush wash clean fix build work study "
    "relax shine glow reflect stretch crouch kneel bend dive splash paddle row fish hunt explore "
    "gather stack pile display seem appear become stay remain belong contain include feature"
)
_IRREGULAR_VERBS = (
    "sat stood ran rode held ate drank wore lay flew took made put got went gone came slept leant leaned "
    "saw seen shown grew grown hung threw thrown caught hit cut swam sang sung wrote written drove driven "
    "fed brought gave given kept met built bought sold stuck spread lit"
)


def _verb_forms() -> frozenset[str]:
    forms: set[str] = set(_IRREGULAR_VERBS.split())
    for stem in _VERB_STEMS.split():
        forms.add(stem)
        if stem.endswith(("s", "sh", "ch", "x", "z", "o")):
            forms.add(stem + "es")
        elif stem.endswith("y") and stem[-2:-1] not in ("a", "e", "o", "u"):
            forms.add(stem[:-1] + "ies")
        else:
            forms.add(stem + "s")
    return frozenset(forms)


VERBS = _verb_forms()
# Words that look like verbs but are nouns (or noun modifiers) in captions.
VERB_LIKE_NOUNS = frozenset(
    "park run ski skis surf fish show set rest cut walk ride drink paint point line stack pile display "
    "cover wave kiss hug touch brush work study row dance play watch kick turn start pass cross fix "
    "hike trip swing slide stand".split()
)
ING_NOUNS = frozenset(
    "building buildings painting paintings wedding weddings ceiling ceilings clothing evening evenings morning "
    "mornings sibling siblings pudding king kings ring rings wing wings string strings spring swing swings thing "
    "things earring earrings stuffing icing frosting lightning parking swimming dining living sailing fishing "
    "hiking skiing surfing skateboarding snowboarding camping boxing bowling cycling climbing shopping "
    "wrestling diving running_track railing railings awning awnings dumpling dumplings sapling saplings "
    "seedling seedlings duckling ducklings gosling herring ping viking vikings sling sing-along bedding "
    "landing crossing crossings housing lighting sewing knitting baking cooking reading writing drawing "
    "drawings carving carvings sculpting clearing outing pudding topping toppings filling siding paving "
    "planking flooring roofing ceiling".split()
)
# -ing words that only count as nouns in front of another noun ('swimming pool', 'living room').
ING_MODIFIERS = frozenset("swimming dining living parking sailing fishing hiking racing waiting".split())
ED_NOUNS = frozenset("bed beds shed sheds sled sleds red hundred bobsled flowerbed seabed hotbed sled".split())
LY_NOUNS = frozenset(
    "family fly butterfly dragonfly firefly lily jelly belly holly bully rally ally italy july bully "
    "assembly anomaly monopoly folly gully trolly".split()
)
ADJECTIVES = frozenset(
    "red orange yellow green blue purple pink brown black white gray grey silver golden gold dark light bright "
    "colorful colourful big small large little tiny huge giant tall short long wide narrow old young new "
    "modern ancient vintage empty full open closed wet dry hot cold warm cool sunny cloudy rainy snowy foggy "
    "misty stormy windy clear calm busy crowded quiet beautiful pretty cute happy sad smiling funny "
    "wooden metal plastic glass stone brick concrete grassy sandy rocky muddy dirty clean fresh ripe "
    "delicious tasty healthy green leafy wild fluffy furry hairy striped spotted tropical urban rural "
    "scenic rustic cozy fancy elegant shiny blurry blurred close distant far near front rear top bottom "
    "middle upper lower left right single double various different other same nice good great lovely "
    "beautiful gorgeous pretty ugly strange unusual traditional professional outdoor indoor snowy icy "
    "frozen sweet spicy roasted grilled fried baked sliced cooked raw chocolate".split()
)
# Nouns too generic to be a tag on their own (still fine as a modifier or inside a phrase).
GENERIC_HEADS = frozenset(
    "group bunch couple lot lots pair set number kind type sort piece part end edge side top front back "
    "bottom middle center centre background foreground view image picture photo photograph close closeup "
    "close-up shot scene area way thing stuff item object something day time other others".split()
)

POSITIONAL = frozenset(
    "left right top bottom front back rear middle center centre upper lower far near close other same different "
    "various single double".split()
)

# Runs of content words are cut at any of these.
BREAKERS = DETERMINERS | PRONOUNS | PREPOSITIONS | CONJUNCTIONS | AUXILIARIES | ADVERBS | ARTEFACTS | NUMBERS

# -- singular forms ---------------------------------------------------------------------------------

_IRREGULAR_PLURALS = {
    "men": "man", "women": "woman", "children": "child", "people": "people", "feet": "foot", "teeth": "tooth",
    "geese": "goose", "mice": "mouse", "oxen": "ox", "dice": "die", "knives": "knife", "wives": "wife",
    "lives": "life", "leaves": "leaf", "loaves": "loaf", "shelves": "shelf", "wolves": "wolf",
    "halves": "half", "dwarves": "dwarf", "wharves": "wharf",
    "calves": "calf", "scarves": "scarf", "hooves": "hoof", "thieves": "thief",
    "elves": "elf", "selves": "self", "cacti": "cactus", "fungi": "fungus", "octopi": "octopus",
    "criteria": "criterion", "phenomena": "phenomenon", "police": "police", "firemen": "fireman",
    "policemen": "policeman", "fishermen": "fisherman", "businessmen": "businessman",
    "movies": "movie", "cookies": "cookie", "pies": "pie", "ties": "tie", "brownies": "brownie",
    "zombies": "zombie", "selfies": "selfie", "hoodies": "hoodie", "goalies": "goalie", "prairies": "prairie",
    "calories": "calorie", "lingeries": "lingerie", "rookies": "rookie", "smoothies": "smoothie",
    "shoes": "shoe", "canoes": "canoe", "toes": "toe", "hoes": "hoe", "horses": "horse", "houses": "house",
    "vases": "vase", "cases": "case", "bases": "base", "roses": "rose", "noses": "nose", "hoses": "hose",
    "clothes": "clothes", "glasses": "glasses", "sunglasses": "sunglasses", "jeans": "jeans", "pants": "pants",
    "shorts": "shorts", "trousers": "trousers", "scissors": "scissors", "stairs": "stairs",
    "binoculars": "binoculars", "goggles": "goggles", "headphones": "headphones", "earphones": "earphones",
    "tongs": "tongs", "pajamas": "pajamas", "leggings": "leggings", "sweets": "sweets",
    "fries": "fries", "news": "news", "species": "species", "series": "series", "sheep": "sheep",
    "deer": "deer", "fish": "fish", "moose": "moose", "bison": "bison", "aircraft": "aircraft",
    "skis": "ski", "taxis": "taxi", "kiwis": "kiwi", "bikinis": "bikini", "sushi": "sushi",
    "buses": "bus", "gases": "gas", "lenses": "lens", "canvases": "canvas", "atlases": "atlas",
    "tomatoes": "tomato", "potatoes": "potato", "heroes": "hero", "volcanoes": "volcano", "mangoes": "mango",
    "dominoes": "domino", "mosquitoes": "mosquito", "echoes": "echo", "torpedoes": "torpedo",
    "axes": "axe", "menus": "menu", "statues": "statue", "avenues": "avenue", "tissues": "tissue",
    "barbecues": "barbecue", "bridges": "bridge", "oranges": "orange", "cages": "cage", "pages": "page",
    "stages": "stage", "villages": "village", "sausages": "sausage", "garages": "garage",
    "cottages": "cottage", "cabbages": "cabbage", "fences": "fence", "faces": "face", "places": "place",
    "palaces": "palace", "necklaces": "necklace", "bracelets": "bracelet", "slices": "slice",
    "spices": "spice", "dances": "dance", "bicycles": "bicycle", "vehicles": "vehicle", "apples": "apple",
    "tables": "table", "candles": "candle", "bottles": "bottle", "puzzles": "puzzle",
}
_NO_PLURAL_ENDINGS = ("ss", "us", "is", "ics", "ous", "sis")


def singular(word: str) -> str:
    """The singular of an English noun (rules plus exceptions; unknown words are left alone)."""
    w = word.lower()
    if w in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[w]
    if len(w) <= 3 or not w.endswith("s") or w.endswith(_NO_PLURAL_ENDINGS) or w.endswith("'s"):
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return w[:-2]
    if w.endswith("oes"):
        return w[:-2]
    return w[:-1]


# -- word classes ---------------------------------------------------------------------------------


def tokenize(caption: str) -> list[str]:
    """Lower-case word tokens of a caption (hyphenated words and apostrophes kept inside a word)."""
    return _TOKEN.findall(caption.lower().replace("\u2019", "'"))


def _is_breaker(word: str, prev: str | None = None, next_word: str | None = None) -> bool:
    """Whether a word ends a run of content words, judged with its neighbours."""
    if word in BREAKERS or word.isdigit():
        return True
    if word in ADJECTIVES:
        return False
    after_function_word = prev is not None and (prev in DETERMINERS or prev in PREPOSITIONS or prev in NUMBERS)
    if prev is not None and (prev in _SUBJECTS or prev in AUXILIARIES) and (word in VERB_LIKE_NOUNS or word in VERBS):
        return True  # 'they walk', 'is sitting'
    if word in ING_NOUNS and prev is not None and next_word is not None and not _is_function_word(prev) \
            and prev not in ADJECTIVES and (next_word in DETERMINERS or next_word in PRONOUNS):
        return True  # 'kids building a sandcastle', 'mom reading a book': a verb with its object
    if word in VERB_LIKE_NOUNS or word in ING_NOUNS or word in ING_MODIFIERS:
        return False
    if after_function_word or (prev is not None and prev in ADJECTIVES):
        return False  # 'for waves', 'the watering hole', 'the skate park': a noun after a determiner
    if word in VERBS:
        return True
    if word.endswith("ing") and len(word) > 4:
        return True  # a verb ('running', 'hiking') unless listed as a noun above
    if word.endswith("ly") and len(word) > 4 and word not in LY_NOUNS:
        return True  # an adverb
    return False


def _is_function_word(word: str) -> bool:
    return word in BREAKERS or word.isdigit()


def _is_modifier_only(word: str) -> bool:
    """Words that can precede a noun but never be a tag's head."""
    if word in ADJECTIVES or word in ING_MODIFIERS:
        return True
    if word.endswith("ed") and len(word) > 4 and word not in ED_NOUNS and not word.endswith("eed"):
        return True  # a participle used as an adjective ('parked car', 'snow-covered')
    return word.endswith("'s")  # a possessive ("dog's") modifies, it is not a head


@dataclass(frozen=True)
class Phrase:
    """A candidate tag: its normalised text and where it sits in the caption's tokens."""

    text: str
    start: int
    end: int  # exclusive
    head: str


_SUBJECTS = frozenset("i we you he she it they who to".split())


def _runs(tokens: list[str]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, word in enumerate(tokens):
        prev = tokens[i - 1] if i > 0 else None
        next_word = tokens[i + 1] if i + 1 < len(tokens) else None
        if _is_breaker(word, prev, next_word):
            if start is not None:
                runs.append((start, i))
            start = None
        elif start is None:
            start = i
    if start is not None:
        runs.append((start, len(tokens)))
    return runs


def caption_phrases(caption: str, *, max_words: int = 3) -> list[Phrase]:
    """The candidate tags of a caption, in caption order, without duplicates.

    From each run of content words that ends in a noun: the run itself (its last
    ``max_words`` words), its longest tail of nouns when that has two or more words, and
    its head noun; the head is put in the singular, modifiers are kept as written.
    """
    tokens = tokenize(caption)
    found: dict[str, Phrase] = {}
    for start, end in _runs(tokens):
        # Trim trailing modifier-only words: a run must end in a noun.
        while end > start and _is_modifier_only(tokens[end - 1]):
            end -= 1
        if end <= start:
            continue
        head_raw = tokens[end - 1]
        head = singular(head_raw)
        if head in BREAKERS or len(head) < 2:
            continue
        first = max(start, end - max_words)
        # Leading possessives and lone modifiers before a generic head add nothing.
        spans = {(first, end)}
        noun_tail = end - 1
        while noun_tail - 1 >= first and not _is_modifier_only(tokens[noun_tail - 1]):
            noun_tail -= 1
        spans.add((noun_tail, end))
        spans.add((end - 1, end))
        # A plural noun inside a run usually marks a verb the lexicon missed ('costumes trick'):
        # offer it on its own too.
        inner_plurals = {
            i for i in range(start, end - 1)
            if singular(tokens[i]) != tokens[i] and not _is_modifier_only(tokens[i])
        }
        spans.update((i, i + 1) for i in inner_plurals)
        for s, e in sorted(spans):
            words = [*tokens[s : e - 1], head] if e == end else [*tokens[s : e - 1], singular(tokens[e - 1])]
            while words and words[0].endswith("'s"):
                words.pop(0)
                s += 1
            if not words:
                continue
            if len(words) == 1 and words[0] in GENERIC_HEADS:
                continue
            if len(words) > 1 and head in GENERIC_HEADS and words[-2] in POSITIONAL:
                continue  # 'sunny day' is a tag where 'day' alone is not, but 'left side' is noise
            text = " ".join(words)
            if text not in found:
                found[text] = Phrase(text, s, e, head)
    return sorted(found.values(), key=lambda p: (p.start, -(p.end - p.start)))
