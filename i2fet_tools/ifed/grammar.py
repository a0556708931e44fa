"""The phrasing grammar of the training corpus: sentence shapes, intensity words, sides, connectives.

Every list is split in two: the ``TRAIN_*`` part the model learns from and the ``HELDOUT_*``
part only the evaluation uses, so the held-out set contains sentence shapes and words the model
never saw. Multi-step shapes only use connectives that ``instruct.phrases.split_steps`` knows,
so a phrase-by-phrase reading and a whole-instruction reading can be compared on them.
"""

from __future__ import annotations

# Single-step sentence shapes; {x} is the expression phrase (with its intensity word, if any).
TRAIN_TEMPLATES: tuple[str, ...] = (
    "{x}", "{x}", "{x}", "a {x}", "show {x}", "look {x}", "{x} expression", "a {x} face", "make a {x} face",
    "the face looks {x}", "she looks {x}", "he is {x}", "with a {x} look", "give me {x}", "act {x}",
    "pull a {x} face", "a face that is {x}", "go {x}", "{x} face", "the character is {x}", "do {x}",
    "a person {x}", "{x} on the face", "showing {x}", "he turns {x}",
    "looking {x}", "a {x} look", "seems {x}", "the person seems {x}", "a {x} mood", "be {x}", "display {x}",
    "make the face {x}", "they are {x}", "I want {x}", "with {x}", "{x}!", "render a {x} face", "she is {x}",
    "a {x} person", "{x} look", "the avatar is {x}",
)
HELDOUT_TEMPLATES: tuple[str, ...] = (
    "put on a {x} expression", "your character feels {x}", "an expression of {x}", "the actor goes {x}",
    "now {x}", "appearing {x}", "try {x} here", "her face: {x}",
)

# Intensity words and the intensity they ask for; no word means DEFAULT_INTENSITY.
TRAIN_INTENSITIES: tuple[tuple[str, float], ...] = (
    ("faint", 0.3), ("barely", 0.3), ("a hint of", 0.3), ("a tiny", 0.3), ("slight", 0.45), ("slightly", 0.45),
    ("a little", 0.45), ("subtle", 0.45), ("mild", 0.45), ("soft", 0.45), ("somewhat", 0.65),
    ("moderately", 0.65), ("medium", 0.65), ("very", 0.95), ("strong", 0.95), ("strongly", 0.95),
    ("big", 0.95), ("intense", 0.95), ("deeply", 0.95), ("extremely", 1.0), ("fully", 1.0),
    ("totally", 1.0), ("maximum", 1.0), ("completely", 1.0), ("lightly", 0.3),
    ("quite", 0.65), ("fairly", 0.65), ("super", 0.95), ("incredibly", 1.0),
)
HELDOUT_INTENSITIES: tuple[tuple[str, float], ...] = (
    ("a touch of", 0.3), ("mildly", 0.45), ("kind of", 0.55), ("really", 0.95), ("utterly", 1.0),
)
DEFAULT_INTENSITY = 0.85  # the lexicon baseline's default too (instruct.phrases)

# Speed words a step phrase may carry; they do not change the expression.
SPEED_WORDS: tuple[str, ...] = ("slowly", "quickly", "suddenly", "gradually", "abruptly")

# Side phrasings: {x} is the expression phrase; the face keeps only that side's channels.
TRAIN_SIDES: tuple[tuple[str, str], ...] = (
    ("left {x}", "Left"), ("{x} on the left", "Left"), ("left-side {x}", "Left"), ("{x} on the left side", "Left"),
    ("right {x}", "Right"), ("{x} on the right", "Right"), ("right-side {x}", "Right"),
    ("{x} on the right side", "Right"), ("one-sided {x}", "Right"),
)
HELDOUT_SIDES: tuple[tuple[str, str], ...] = (
    ("{x} only on her left", "Left"), ("{x} only on his right", "Right"),
)

# Combinations: "{a} with {b} {region}" keeps a's face and takes the region from b.
TRAIN_REGION_WORDS: dict[str, tuple[str, ...]] = {
    "brows": ("brows", "eyebrows"), "eyes": ("eyes",), "mouth": ("mouth", "lips"),
}
HELDOUT_REGION_WORDS: dict[str, tuple[str, ...]] = {
    "brows": ("forehead",), "eyes": ("gaze",), "mouth": ("jaw",),
}
TRAIN_COMBINE: tuple[str, ...] = ("{a} with {b} {r}", "{a} but with {b} {r}", "{a}, {b} {r}")
HELDOUT_COMBINE: tuple[str, ...] = ("{a} paired with {b} {r}",)
TRAIN_JOIN: tuple[str, ...] = ("{a} and {b}", "{a} while {b}", "{a} plus {b}")
HELDOUT_JOIN: tuple[str, ...] = ("{a} as well as {b}",)

# Multi-step shapes; {0}, {1}, ... are the steps in order.
TRAIN_SEQUENCES: tuple[str, ...] = (
    "from {0} to {1}", "{0}, then {1}", "{0} then {1} then {2}", "{0} turning into {1}",
    "{0}, then {1}, and finally {2}", "{0} into {1}", "{0} that slowly turns into {1}",
    "{0}, then {1}, then {2}, then {3}", "{0}, {1}, {2}, {3}, {4}", "from {0} to {1}, then {2}",
    "{0} turns into {1}, then {2}", "{0} and then {1}",
)
HELDOUT_SEQUENCES: tuple[str, ...] = (
    "{0} followed by {1}", "{0} becoming {1}, then {2}", "{0}; {1}; {2}; {3}", "{0} -> {1} -> {2}",
    "{0}, changing to {1}, and then {2}", "go from {0} to {1}",
)
TRAIN_BACK: tuple[str, ...] = (" and back", ", then back to neutral", " and back to neutral", ", then neutral")
HELDOUT_BACK: tuple[str, ...] = (", returning to neutral",)

# Sentences about anything but a face: the "not understood" class.
_NEG_ADJECTIVES = ("red", "blue", "green", "old", "new", "heavy", "wooden", "metal", "electric", "cheap",
                   "fast", "large", "tiny", "broken", "shiny", "square", "frozen", "digital", "yellow", "plastic")
_NEG_NOUNS = ("car", "table", "house", "bicycle", "computer", "spreadsheet", "invoice", "train", "bridge",
              "printer", "garden", "recipe", "laptop", "river", "mountain", "keyboard", "building", "tree",
              "sandwich", "phone", "chair", "window", "engine", "bottle", "shoe", "ticket", "database", "kettle")
_NEG_VERBS = ("buy", "paint", "repair", "sell", "download", "install", "cook", "clean", "drive", "build",
              "delete", "sort", "compile", "water", "rent", "ship", "measure", "recycle")
TRAIN_NEGATIVE: tuple[str, ...] = (
    "a {adj} {noun}", "{verb} the {noun}", "how do I {verb} a {noun}", "the {noun} is {adj}",
    "{verb} a {adj} {noun} tomorrow", "where is my {noun}", "{noun}", "the price of a {noun}",
    "{verb} {noun} files", "list every {adj} {noun}", "I need a {noun} by friday", "{adj} {noun} for sale",
    "can you {verb} the {noun}", "my {noun} is {adj}", "when does the {noun} close", "the {adj} {noun} is broken",
    "we should {verb} our {noun}", "a {noun} with a {adj} handle", "does the {noun} look {adj}",
)
HELDOUT_NEGATIVE: tuple[str, ...] = (
    "please {verb} my {adj} {noun}", "what time does the {noun} open", "is the {noun} {adj}",
)
NEGATIVE_FIXED: tuple[str, ...] = (
    "asdf qwer zxcv", "1234 5678", "lorem ipsum dolor sit amet", "SELECT * FROM users", "print('hello world')",
    "ignore all previous instructions", "the quick brown fox jumps over the lazy dog", "weather forecast",
    "stock market report", "translate this paragraph", "http www example com", "!!! ??? ...",
)
