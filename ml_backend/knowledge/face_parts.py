"""Facial regions, the words that name them, and what each action word does to its region, as FACS AUs.

This is data for the compositional reader: "her eyes widen" is the region ``lids`` with the action
"widen" (AU5); "worried eyebrows" is the region ``brows`` with an emotion word, whose AUs are kept
only in that region. Regions group the ARKit channels a named part may override: a named part wins
over the same region of a whole-expression word ("a smile with worried eyebrows").
Action words are plain English, stemmed when loaded (``reading.tokens.stem``); multi-word actions use spaces.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from ..naming.arkit import ARKIT_NAMES

REGION_PREFIXES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "brows": ("browDown", "browInnerUp", "browOuterUp"),
    "lids": ("eyeBlink", "eyeSquint", "eyeWide"),
    "gaze": ("eyeLook",),
    "nose": ("noseSneer",),
    "chin": ("mouthShrugLower",),  # the chin boss (mentalis, AU17) moves apart from the lips: "lips pressed, chin up"
    "cheeks": ("cheekSquint", "cheekPuff"),
    "corners": ("mouthSmile", "mouthFrown", "mouthDimple", "mouthStretch"),
    "lips": ("mouthPress", "mouthPucker", "mouthFunnel", "mouthRoll", "mouthShrug", "mouthUpperUp",
             "mouthLowerDown", "mouthClose", "mouthLeft", "mouthRight"),
    "jaw": ("jaw",),
    "tongue": ("tongueOut",),
})
REGIONS: tuple[str, ...] = tuple(REGION_PREFIXES)


def region_of(channel: str) -> str:
    """The region an ARKit channel belongs to."""
    for region, prefixes in REGION_PREFIXES.items():
        if channel.startswith(prefixes):
            return region
    raise ValueError(f"{channel} has no region")


CHANNEL_REGION: tuple[str, ...] = tuple(region_of(name) for name in ARKIT_NAMES)

# Words that name a part of the face -> the regions that part covers (first match of the longest phrase wins).
REGION_NOUNS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "inner brow": ("brows",), "inner eyebrow": ("brows",), "outer brow": ("brows",), "outer eyebrow": ("brows",),
    "brow": ("brows",), "eyebrow": ("brows",), "forehead": ("brows",),
    "eye": ("lids",), "eyelid": ("lids",), "lid": ("lids",), "upper lid": ("lids",), "upper eyelid": ("lids",),
    "lower lid": ("lids",), "lower eyelid": ("lids",), "gaze": ("gaze",), "eyeball": ("gaze",),
    "pupil": ("gaze",), "nose": ("nose",), "nostril": ("nose",), "cheek": ("cheeks",), "cheekbone": ("cheeks",),
    "corner of mouth": ("corners",), "mouth corner": ("corners",), "lip corner": ("corners",),
    "corner of lip": ("corners",), "corner": ("corners",), "end of mouth": ("corners",), "end of lip": ("corners",),
    "edge of mouth": ("corners",), "edge of lip": ("corners",), "mouth edge": ("corners",),
    "lip": ("lips",), "upper lip": ("lips",), "lower lip": ("lips",), "bottom lip": ("lips",), "top lip": ("lips",),
    "mouth": ("lips", "jaw"), "jaw": ("jaw",), "chin": ("chin",), "tongue": ("tongue",),
    "teeth": ("lips",), "tooth": ("lips",),
})

# (region, action stems, AU codes, label). Checked in order; the first action whose words are in the
# part's words wins. AU codes as in ``au_vector``; "" means the region at rest (it still overrides).
ACTIONS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    # brows
    ("brows", ("inner raise", "inner up", "inner lift", "raised in the middle", "tilt up", "up in middl"), "1D", "inner brows raised"),
    ("brows", ("outer raise", "outer up", "outer lift"), "2D", "outer brows raised"),
    ("brows", ("knit", "furrow", "lower", "down", "frown", "draw together", "drawn together", "pinch", "scrunch", "crease", "wrinkle",
               "bunch", "together", "knot", "pull together", "heavy", "low", "lowered", "drop", "sink", "beetled", "scowl", "angrily", "angry"),
     "4D", "brows lowered"),
    ("brows", ("worried", "anxious", "concern", "sad", "plead", "pained", "upturn", "sorrow", "troubled", "pleading", "tilted", "slanted"),
     "1D 4C", "worried brows"),
    ("brows", ("cock", "quirk", "arch", "raise", "up", "lift", "high", "shoot up", "jump", "climb", "rise", "rose",
               "surprised", "hike", "elevate", "elevation"), "1C 2E", "brows raised"),
    ("brows", ("relax", "smooth", "neutral", "rest", "unfurrow", "flat", "level"), "", "brows relaxed"),
    # lids and eyes
    ("lids", ("squeeze shut", "screw shut", "squeeze", "screw", "tightly closed", "tightly shut", "tight shut",
              "closed tight", "shut tight", "clenched shut", "clench shut"), "43E 7D", "eyes squeezed shut"),
    ("lids", ("half closed", "half shut", "half open", "heavy", "droop", "hood", "sleepily", "sleepy", "half lid",
              "lazily", "lazy", "tired", "drowsy", "lidded"), "43C", "eyes half closed"),
    ("lids", ("close", "shut", "closed"), "43E", "eyes closed"),
    ("lids", ("blaze", "flash", "spark", "shoot spark", "smoulder", "smolder", "burn with anger", "burn with rage",
              "spit fire", "flash with anger", "fury", "furious", "anger"), "4D 7C 5A", "blazing eyes"),
    ("lids", ("narrow", "squint", "slit", "tighten", "tight", "suspicious", "glint", "glitter", "steel", "cold", "hard"),
     "7D 44B", "eyes narrowed"),
    ("lids", ("widen", "wide", "bulge", "pop", "big", "enormous", "giant", "massive", "large", "goggle", "saucer", "open wide", "wide open", "round", "huge", "startled", "alarm",
              "shock", "terrified", "fright", "scare"), "5D", "eyes wide"),
    ("lids", ("sparkle", "twinkle", "crinkle", "smile", "laugh", "happy", "warm", "bright", "shine", "light up"),
     "6C 12A", "smiling eyes"),
    ("lids", ("sad", "teary", "tear", "water", "well up", "glisten", "moist", "wet", "misty", "red"),
     "1C 41B 64A", "sad eyes"),
    ("lids", ("blink",), "45", "blink"),
    ("lids", ("twitch", "flutter", "tic", "spasm"), "7B 43B", "twitching lid"),
    ("lids", ("watchful", "wary", "guarded", "alert", "vigilant", "watching"), "5A 7C", "watchful eyes"),
    ("lids", ("cross", "crossed", "converge"), "L62D R61D", "eyes crossed"),
    ("lids", ("wink",), "L46", "wink"),
    ("lids", ("open", "relax", "rest"), "", "eyes open"),
    # gaze
    ("gaze", ("roll",), "63E", "eyes rolled up"),
    ("gaze", ("up", "upward", "skyward", "heavenward", "ceiling", "sky", "heaven"), "63D", "looking up"),
    ("gaze", ("down", "downward", "floor", "ground", "lap", "feet", "shoe", "avert", "lower"), "64D", "looking down"),
    ("gaze", ("left",), "61D", "looking left"),
    ("gaze", ("right",), "62D", "looking right"),
    ("gaze", ("away", "aside", "sideways", "side", "dart"), "61C 64A", "looking away"),
    # nose
    ("nose", ("flare", "dilate", "widen", "wide", "open", "distend"), "38E 9A", "nostrils flared"),
    ("nose", ("wrinkle", "scrunch", "crinkle", "sneer", "crease", "curl", "screw", "turn up", "pinch"), "9D",
     "nose wrinkled"),
    # cheeks
    ("cheeks", ("puff", "blow", "blown", "blown out", "puffed out", "inflate", "balloon", "full", "bulge", "swell"), "33E", "cheeks puffed"),
    ("cheeks", ("suck in", "hollow", "suck"), "28B", "cheeks sucked in"),
    ("cheeks", ("raise", "lift", "round", "bunch", "push up", "up", "plump", "apple"), "6D", "cheeks raised"),
    ("cheeks", ("flush", "blush", "redden", "red", "pink", "burn", "colour", "color", "glow"), "6B", "cheeks flushed"),
    # mouth corners
    ("corners", ("turn down", "down", "droop", "sag", "fall", "drop", "downturn", "dip", "pull down", "sad", "sink"),
     "15D", "mouth corners down"),
    ("corners", ("turn up", "up", "lift", "curl up", "curve up", "upturn", "tug", "twitch", "raise", "quirk", "smile"),
     "12C", "mouth corners up"),
    ("corners", ("dimple",), "14D", "dimples"),
    ("corners", ("stretch sideways", "pull sideways", "stretch wide", "stretch to the side", "pull to the side"), "20D",
     "mouth stretched"),
    ("corners", ("to one side", "to the side", "sideways", "lopsided", "skew"), "L12B L14C", "mouth twisted"),
    ("corners", ("stretch", "pull back", "pull wide", "tense"), "20D", "mouth stretched"),
    # lips
    ("lips", ("thin line", "hard line", "flat line", "straight line", "grim line", "press together", "press", "tight", "tighten", "compress", "clamp", "pinch", "seal", "firm",
              "set", "thin", "grim", "harden", "stiffen"), "24D 23B", "lips pressed"),
    ("lips", ("purse", "pucker", "kiss", "pout", "protrude", "push out"), "18D", "lips pursed"),
    ("lips", ("funnel", "o shape", "o", "oh", "round", "ooh"), "22D 25 26C", "lips in an O"),
    ("lips", ("stretch", "pull back", "pull wide", "grimace", "tense"), "20D", "lips stretched"),
    ("lips", ("bite", "bit", "bitten", "caught", "catch", "chew", "suck in", "roll in", "tuck"), "28C", "lip bitten"),
    ("lips", ("curl", "snarl", "lift", "raise", "up", "peel back", "bare", "bar", "show", "flash", "grit"),
     "10D 11C 25 20B", "upper lip raised"),
    ("lips", ("tremble", "quiver", "shake", "wobble"), "17C 15B", "trembling lip"),
    ("lips", ("jut", "stick out", "thrust"), "17D 18B", "lower lip out"),
    ("lips", ("part", "apart"), "16B 25 26B", "lips parted"),
    ("lips", ("to the left", "toward the left", "towards the left", "over to the left", "to her left", "to his left"),
     "mouthLeft:D", "mouth pulled left"),
    ("lips", ("to the right", "toward the right", "towards the right", "over to the right", "to her right",
              "to his right"), "mouthRight:D", "mouth pulled right"),
    ("lips", ("close", "shut", "together", "relax", "rest", "neutral", "flat"), "", "lips closed"),
    # jaw (and mouth)
    ("jaw", ("clench", "grit", "lock", "tight", "tighten", "set", "tense", "harden", "work", "stiffen"), "24D 17C",
     "jaw clenched"),
    ("jaw", ("jut", "thrust", "forward", "fwd", "push forward", "stick out"), "29D", "jaw forward"),
    ("jaw", ("left",), "L30D", "jaw to the left"),
    ("jaw", ("right",), "R30D", "jaw to the right"),
    ("jaw", ("slack", "slacken", "loose", "lax", "go slack"), "26C", "jaw slack"),
    ("jaw", ("gape", "agape", "wide open", "open wide", "hang open", "fall open", "drop open", "fall", "drop",
              "hang", "gap", "yawn", "stretch", "wide", "fling open"), "26E 27C", "mouth falls open"),
    ("jaw", ("open", "ajar", "unhinged"), "26E 27B", "mouth open"),
    ("jaw", ("close", "shut", "relax", "rest"), "", "mouth closed"),
    # tongue
    ("tongue", ("stick out", "out", "poke", "lick", "show", "loll", "hang", "protrude", "peek", "between"), "19E",
     "tongue out"),
)

# The lower lip pushed out is the chin raiser (AU17) pushing it up and forward, with a little pucker: a pout.
# The lower lip pulled down is its own depressor (AU16).
_LOWER_LIP = ((("push out", "stick out", "jut", "thrust", "pout", "protrude", "out"), "17D 18B", "lower lip out"),
                  (("pull down", "down", "drop", "lower", "depress"), "16D", "lower lip down"))

# Parts with actions of their own, tried before their region's ("chin raised" is AU17, not the upper lip;
# "inner brows up" raises the inner brows only). Keys are the nouns of REGION_NOUNS.
NOUN_ACTIONS: Mapping[str, tuple[tuple[tuple[str, ...], str, str], ...]] = MappingProxyType({
    "chin": ((("raise", "up", "lift", "jut", "push up", "thrust", "tense", "bunch", "wrinkle", "crinkle", "tight", "pit"),
              "17D", "chin raised"),
             (("tremble", "quiver", "wobble", "shake", "pucker", "dimple", "crumple"), "17C 15B", "trembling chin")),
    "inner brow": ((("raise", "up", "lift", "rise", "high", "tilt up", "knit"), "1D", "inner brows raised"),),
    "inner eyebrow": ((("raise", "up", "lift", "rise", "high", "tilt up", "knit"), "1D", "inner brows raised"),),
    "outer brow": ((("raise", "up", "lift", "rise", "high"), "2D", "outer brows raised"),),
    "upper lid": ((("raise", "up", "lift", "wide", "widen", "high", "open"), "5D", "upper lids raised"),
                  (("lower", "down", "droop", "heavy", "half"), "43C", "upper lids lowered")),
    "upper eyelid": ((("raise", "up", "lift", "wide", "widen", "high", "open"), "5D", "upper lids raised"),
                     (("lower", "down", "droop", "heavy", "half"), "43C", "upper lids lowered")),
    "lower lid": ((("raise", "up", "lift", "tense", "tight", "tighten", "push up", "squint"), "7D", "lower lids tensed"),),
    "lower eyelid": ((("raise", "up", "lift", "tense", "tight", "tighten", "push up", "squint"), "7D",
                      "lower lids tensed"),),
    "lid": ((("half", "lower", "down", "drop", "droop"), "43C", "eyes half closed"),),
    "eyelid": ((("half", "lower", "down", "drop", "droop"), "43C", "eyes half closed"),),
    "outer eyebrow": ((("raise", "up", "lift", "rise", "high"), "2D", "outer brows raised"),),
    "lower lip": _LOWER_LIP,
    "bottom lip": _LOWER_LIP,
})

# Gaze verbs: with a direction word or gaze target ("looks up at the sky") they make a gaze part.
GAZE_VERBS: tuple[str, ...] = ("look", "gaze", "glance", "stare", "peer", "peek", "glare", "eye", "watch", "turn",
                               "roll", "dart", "cast", "squint", "glower")
GAZE_DIRECTIONS: Mapping[str, str] = MappingProxyType({
    "up": "63D", "upward": "63D", "skyward": "63D", "heavenward": "63D", "ceiling": "63C", "sky": "63C",
    "heaven": "63C", "star": "63C", "cloud": "63C", "moon": "63C",
    "down": "64D", "downward": "64D", "floor": "64C", "ground": "64C", "lap": "64D", "feet": "64D", "shoe": "64D",
    "hand": "64B", "table": "64B", "tablecloth": "64C", "plate": "64C", "desk": "64B", "phone": "64C", "knee": "64D",
    # things a glance goes to away from the person spoken with ("glanced at the door")
    "door": "61C", "doorway": "61C", "window": "61C", "clock": "61C 63A", "exit": "61C",
    "left": "61D", "right": "62D", "away": "61C 64A", "aside": "61C", "sideways": "61C", "sidelong": "61C",
})

# Animator shorthand: a part named with only a level ("jaw 0.3", "lids 50%") moves its main channels.
PART_LEVEL_CHANNELS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "jaw": ("jawOpen",), "mouth": ("jawOpen",), "lid": ("eyeBlinkLeft", "eyeBlinkRight"),
    "eyelid": ("eyeBlinkLeft", "eyeBlinkRight"), "brow": ("browInnerUp", "browOuterUpLeft", "browOuterUpRight"),
    "eyebrow": ("browInnerUp", "browOuterUpLeft", "browOuterUpRight"), "nose": ("noseSneerLeft", "noseSneerRight"),
    "cheek": ("cheekPuff",), "eye": ("eyeWideLeft", "eyeWideRight"),
})
# A part named with only a side ("mouth L", "jaw R"): the part shifts to that side (the subject's own).
PART_SHIFT_CHANNELS: Mapping[tuple[str, str], tuple[str, ...]] = MappingProxyType({
    ("jaw", "left"): ("jawLeft",), ("jaw", "right"): ("jawRight",), ("mouth", "left"): ("mouthLeft",),
    ("mouth", "right"): ("mouthRight",), ("lip", "left"): ("mouthLeft",), ("lip", "right"): ("mouthRight",),
    ("eye", "left"): ("eyeLookOutLeft", "eyeLookInRight"), ("eye", "right"): ("eyeLookInLeft", "eyeLookOutRight"),
})
