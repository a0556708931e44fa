"""Which language or script an instruction seems to be in, offline: Unicode scripts plus a small stopword table.

The reader reads English. An instruction wholly in another language is refused with a message naming
the language it seems to be, rather than read as an unrelated face; English words inside another
script are still read. Script detection uses ``unicodedata`` names; Latin-script languages are told
apart by their most common function words (a dozen or two per language is enough for whole sentences,
and needs neither a model nor the network).
"""

from __future__ import annotations

import unicodedata
from collections import Counter

# Unicode name prefix of a letter -> the language (or script) it suggests.
SCRIPTS: tuple[tuple[str, str], ...] = (
    ("HIRAGANA", "Japanese"), ("KATAKANA", "Japanese"), ("CJK", "Chinese"), ("HANGUL", "Korean"),
    ("ARABIC", "Arabic"), ("HEBREW", "Hebrew"), ("CYRILLIC", "Russian (Cyrillic script)"), ("GREEK", "Greek"),
    ("DEVANAGARI", "Hindi (Devanagari script)"), ("THAI", "Thai"), ("BENGALI", "Bengali"), ("TAMIL", "Tamil"),
    ("GEORGIAN", "Georgian"), ("ARMENIAN", "Armenian"), ("ETHIOPIC", "Amharic (Ethiopic script)"),
    ("GUJARATI", "Gujarati"), ("GURMUKHI", "Punjabi (Gurmukhi script)"), ("TELUGU", "Telugu"),
    ("KANNADA", "Kannada"), ("MALAYALAM", "Malayalam"), ("SINHALA", "Sinhala"), ("KHMER", "Khmer"),
    ("LAO", "Lao"), ("MYANMAR", "Burmese"), ("TIBETAN", "Tibetan"), ("MONGOLIAN", "Mongolian"),
)
STOPWORDS: dict[str, frozenset[str]] = {
    "French": frozenset("le la les un une des du et est puis avec dans sur pour pas qui que il elle son sa ses au aux "
                        "très légèrement sourire se ne plus mais ou ensuite visage yeux bouche sourcils lui leur "
                        "je tu nous vous être avoir fait cette ce ces devient en surprise".split()),
    "German": frozenset("der die das ein eine einen einem und dann mit nicht ist sie er zu auf sehr leicht lächeln "
                        "den dem des sich wird von aber zum zur wie ich du wir ihr augen mund gesicht lächelt "
                        "überrascht traurig wütend glücklich langsam danach".split()),
    "Spanish": frozenset("el la los las un una y luego con que de se su muy no es por del después pero sonrisa "
                         "lentamente ojos boca cara cejas sonríe triste feliz enojado sorprendido hacia".split()),
    "Italian": frozenset("il lo gli le un una e poi con che di si suo sua molto non è per del della sorriso "
                         "lentamente occhi bocca viso sorride triste felice arrabbiato sorpreso leggero".split()),
    "Portuguese": frozenset("o os as um uma e depois com que de se seu sua muito não é por do da sorriso "
                            "lentamente olhos boca rosto sorri triste feliz bravo surpreso leve então".split()),
    "Dutch": frozenset("de het een en dan met niet is zij hij zijn haar van op heel glimlach langzaam ogen "
                       "mond gezicht verrast boos blij verdrietig lacht".split()),
}
ENGLISH = frozenset("the a an and then with not is she he her his to of into turning turns smile face eyes "
                    "mouth slowly a little very slight slightly back neutral surprise looks".split())


def script_counts(text: str) -> Counter:
    """Letters of the text per script ("LATIN", "CJK", ...)."""
    counts: Counter = Counter()
    for ch in text:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        for prefix, _ in SCRIPTS:
            if name.startswith(prefix):
                counts[prefix] += 1
                break
        else:
            counts["LATIN" if "LATIN" in name else "OTHER"] += 1
    return counts


def guess_language(text: str, tokens: list[str]) -> str | None:
    """The language the text seems to be in when it does not look like English; None when it does."""
    counts = script_counts(text)
    letters = sum(counts.values())
    if not letters:
        return None
    latin = counts.get("LATIN", 0)
    if latin / letters < 0.5:
        prefix, _ = max(((p, c) for p, c in counts.items() if p != "LATIN"), key=lambda pc: pc[1])
        if prefix == "CJK" and (counts.get("HIRAGANA", 0) or counts.get("KATAKANA", 0)):
            return "Japanese"
        return dict(SCRIPTS).get(prefix, "a language other than English")
    distinct = set(tokens)
    english = sum(1 for t in distinct if t in ENGLISH)
    best, hits = None, 0
    for language, words in STOPWORDS.items():
        found = sum(1 for t in distinct if t in words and t not in ENGLISH)
        if found > hits:
            best, hits = language, found
    if best is not None and hits >= 2 and hits > english:
        return best
    return None
