"""How novelists say a whole face changes: a face noun and a verb ("his countenance fell", "her expression
darkened", "his face turned to stone"), as vocabulary rows.

Prose rarely names the muscles; it says the face *falls*, *darkens*, *softens*, *pales* or *crumples*. Each row
here is ``recipe | strength | verbs``; every verb is combined with every face noun into a vocabulary phrasing
("face" + "darken" = "face darken", matched by stems, so "her face darkened", "his expression darkens" and
"the features darkening" all meet it). Recipes are those of ``vocabulary.RECIPES``. The verbs are our own
reading of common English usage (writing-craft lists of facial cues; public-domain fiction), not measurements.
A verb that is a vocabulary phrasing on its own ("lit up", "beaming") is left to that phrasing, which already
says how strong it is. A row may end with ``| nouns`` naming more nouns for its verbs only ("his brow darkened", "her gaze hardened":
a brow or a gaze darkens and hardens, but "her gaze fell" is a look down, not a fallen face).
Prose also states the changed face with a copula ("her face was white and set", "Mary's face was clouded"):
each phrasing is also met with "was", "is", "were", "are", "became", "grew", "had" or "has" between the noun and the verb, and the states
("white", "pale", "flushed", "clouded") are verbs of their rows.
"""

from __future__ import annotations

FACE_NOUNS: tuple[str, ...] = ("face", "expression", "countenance", "features", "visage")
# "her face was white", "his features became grave", "her face grew stern": the state, said of the face
# "her face had fallen", "his expression has softened": novels tell the change before the moment they narrate
# A bare "drain" is said of a face only ("her face drained"): "he drained his glass" and "make him look drained" (tired) are no pallor
COPULAS: tuple[str, ...] = ("", " was", " is", " were", " are", " became", " grew", " had", " has")

CHANGES = """
dismay | 0.8 | fall, drop, sink, sag, lengthen, grow long, go long, fall a little
scowl | 0.8 | darken, dark, cloud, clouded, cloud over, sour, turn sour, turn thunderous, go dark, grow dark, black, turn black, blacken, turn ugly, twist into a scowl, contract | brow, forehead, look
stern | 0.75 | harden, hard, stiffen, set, stern, grave, frozen over, frozen hard, tighten, close, close off, shut down, turn to stone, turn stony, go stony, turn hard, go hard, grow hard, go cold, turn cold, grow cold, grow stern, ice over, freeze over, turn to ice | gaze, stare
grimace | 0.8 | contort, distort, screw up in pain, twist, twist up
tender | 0.7 | soften, melt, warm, gentle, grow soft, go soft, turn soft
happy | 0.8 | brighten, glow, shine, sunny
relief | 0.75 | clear, ease, unclench, relax into relief, relax, slacken, loosen
shock | 0.95 | pale, deadly pale, ghastly pale, white, ashen, bloodless, blanch, whiten, go white, turn white, go pale, turn pale, grow pale, go ashen, turn ashen, turn grey, go grey, turn gray, go gray, drain of colour, drain of color | look, he, she
shock | 0.95 | drain, lose its colour, lose its color
cry | 0.85 | crumple, crumble, collapse, cave in, fall apart, twist with grief
flush | 0.8 | flush, flushed, red, crimson, scarlet, redden, colour, color, burn, go red, turn red, go pink, turn pink, go scarlet, turn scarlet, go crimson, turn crimson, grow red, become red, grow crimson, grow scarlet | cheeks, cheek, ears, neck, he, she
disgust | 0.85 | twist in disgust, wrinkle in disgust, curdle, screw up, scrunch up
blank | 0.6 | go blank, blank, empty, go still, freeze, go dead
"""


# Past forms the word stems do not bring back to their verb ("grew" is not "grow"): "her face grew hard".
PAST_FORMS: dict[str, tuple[str, ...]] = {"grow": ("grew", "grown"), "become": ("became",)}


def _with_past_forms(verb: str) -> list[str]:
    """The verb phrase and its irregular past forms ("grow hard" -> "grow hard", "grew hard", "grown hard")."""
    first, _, rest = verb.partition(" ")
    return [verb] + [f"{past} {rest}".strip() for past in PAST_FORMS.get(first, ())]


def face_change_rows() -> list[tuple[str, float, list[str]]]:
    """(recipe, strength, phrasings) for every face noun with every verb of ``CHANGES``."""
    rows = []
    for line in CHANGES.strip().splitlines():
        recipe, strength, verbs, *more = (part.strip() for part in line.split("|"))
        nouns = FACE_NOUNS + tuple(n.strip() for n in (more[0].split(",") if more else ()))
        phrasings = [f"{noun}{copula} {form}" for verb in verbs.split(",") for form in _with_past_forms(verb.strip())
                     for noun in nouns for copula in COPULAS]
        rows.append((recipe, float(strength), phrasings))
    return rows


def state_words() -> frozenset[str]:
    """The one-word states of ``CHANGES`` ("white", "pale", "black", "grave"): what "as white as a sheet" says."""
    out = set()
    for line in CHANGES.strip().splitlines():
        verbs = line.split("|")[2]
        out.update(v.strip() for v in verbs.split(",") if v.strip() and " " not in v.strip())
    return frozenset(out)
