"""Neutral, the seven basic emotions and the compound emotions of Du, Tao & Martinez (2014).

Basic prototypes follow EMFACS (Ekman & Friesen); intensities (A-E) and the small extra
channels are ours, chosen so the ARKit weights look like a captured face (a real smile also
narrows the eyes and lifts the upper lip; surprise opens the jaw).
Compound rows use the main AUs of Du et al. Table 1; appalled and hatred add the AU that
most of their subjects showed (AU9 56%, AU7 57%), and sadly surprised adds AU2 (27%)
lightly so that it reads as a surprise rather than fear.
A compound's ``category`` is whichever of its two emotions its face is nearer to.
"""

from __future__ import annotations

from .spec import SRC_DU, SRC_EKMAN, ConceptSpec, row

BASIC: tuple[ConceptSpec, ...] = (
    row("neutral", "neutral", "emotion", "",
        "neutral, expressionless, blank face, no expression, relaxed face, straight face, emotionless, neutral face",
        "impassive, poker face", SRC_EKMAN),
    row("happiness", "happiness", "emotion", "6D 12D",
        "happy, happiness, joyful, cheerful, glad, joy, a happy face, happily",
        "elated, overjoyed", SRC_EKMAN, mouthUpperUp=0.2, mouthLowerDown=0.1),
    row("sadness", "sadness", "emotion", "1D 4B 15D",
        "sad, sadness, unhappy, sorrowful, downcast, a sad face, miserable, mournful",
        "forlorn, glum", SRC_EKMAN, eyeBlink=0.2, mouthShrugLower=0.3, eyeLookDown=0.15),
    row("surprise", "surprise", "emotion", "1E 2E 5D 26",
        "surprised, surprise, astonished, amazed, taken aback, a surprised face, open-mouthed surprise, a big surprise",
        "flabbergasted", SRC_EKMAN),
    row("fear", "fear", "emotion", "1E 2C 4C 5E 7B 20D 26C",
        "afraid, fear, scared, frightened, fearful, a scared face, fright, a frightened look",
        "petrified, spooked", SRC_EKMAN),
    row("anger", "anger", "emotion", "4E 5A 7D 23D",
        "angry, anger, mad, cross, irate, an angry face, angrily, wrath",
        "livid, seething", SRC_EKMAN, mouthShrugLower=0.3),
    row("disgust", "disgust", "emotion", "9D 15C 16B",
        "disgusted, disgust, grossed out, revolted, yuck, a disgusted face, gross, icky",
        "repulsed", SRC_EKMAN, mouthUpperUp=0.4, mouthShrugUpper=0.3, browDown=0.3,
        cheekSquint=0.3, eyeSquint=0.2),
    row("contempt", "contempt", "emotion", "R12B R14D",
        "contempt, contemptuous, scornful, disdainful, disdain, looking down on, condescending, haughty",
        "derisive", SRC_EKMAN),
)

COMPOUND: tuple[ConceptSpec, ...] = (
    row("happily_surprised", "surprise", "compound", "1D 2D 12D 25",
        "happily surprised, pleasantly surprised, a happy surprise, surprised and happy, joyful surprise, happy and surprised",
        "gleeful astonishment", SRC_DU, jawOpen=0.2, cheekSquint=0.2),
    row("happily_disgusted", "happiness", "compound", "10D 12D 25",
        "happily disgusted, amused disgust, laughing at something gross, grossed out but smiling, amused and disgusted, smiling in disgust",
        "delighted revulsion", SRC_DU, noseSneer=0.3, cheekSquint=0.3),
    row("sadly_fearful", "fear", "compound", "1D 4C 20C 25",
        "sadly fearful, sad and afraid, fearful sadness, scared and sad, sad fear, afraid and sad",
        "dreadful sorrow", SRC_DU),
    row("sadly_angry", "sadness", "compound", "4D 15D",
        "sadly angry, sad and angry, bitter, hurt and angry, resentful, angry and sad, bitterness",
        "aggrieved", SRC_DU, mouthShrugLower=0.3, eyeSquint=0.2),
    row("sadly_surprised", "surprise", "compound", "1D 2B 4B 25 26",
        "sadly surprised, sad surprise, surprised and sad, unhappy surprise, sad and surprised, disappointed surprise",
        "dismayed", SRC_DU),
    row("sadly_disgusted", "sadness", "compound", "4D 10D",
        "sadly disgusted, sad and disgusted, disgusted and sad, sorrowful disgust, sad disgust, disgusted sadness",
        "sickened sorrow", SRC_DU, browInnerUp=0.3, mouthFrown=0.3, noseSneer=0.2),
    row("fearfully_angry", "fear", "compound", "4D 20D 25",
        "fearfully angry, scared and angry, angry and afraid, defensive anger, afraid and angry, angry and scared",
        "cornered", SRC_DU, eyeWide=0.2),
    row("fearfully_surprised", "surprise", "compound", "1E 2D 5D 20C 25",
        "fearfully surprised, scared surprise, surprised and scared, frightful surprise, fearful surprise, scared and surprised",
        "alarmed", SRC_DU, jawOpen=0.2),
    row("fearfully_disgusted", "fear", "compound", "1D 4C 10D 20C 25",
        "fearfully disgusted, scared and disgusted, disgusted and afraid, fearful disgust, afraid and disgusted, disgusted and scared",
        "creeped out", SRC_DU, noseSneer=0.2),
    row("angrily_surprised", "anger", "compound", "4D 25 26",
        "angrily surprised, angry surprise, surprised and angry, outraged surprise, angry and surprised, surprised anger",
        "affronted", SRC_DU, eyeWide=0.2),
    row("angrily_disgusted", "anger", "compound", "4D 10D 17C",
        "angrily disgusted, angry and disgusted, disgusted and angry, angry disgust, disgusted anger, disgusted and furious",
        "incensed revulsion", SRC_DU, noseSneer=0.3, eyeSquint=0.3),
    row("disgustedly_surprised", "surprise", "compound", "1D 2D 5C 10D",
        "disgustedly surprised, disgusted surprise, surprised and disgusted, "
        "shocked and grossed out",
        "taken aback by something foul", SRC_DU),
    row("appalled", "disgust", "compound", "4D 9C 10D",
        "appalled, disgusted disapproval, shocked disapproval, appalled look, outraged disgust, horrified disapproval",
        "scandalized", SRC_DU, mouthShrugLower=0.3),
    row("hatred", "anger", "compound", "4D 7D 10D",
        "hatred, hateful, loathing, hate, hating, hostile",
        "abhorrence, detestation", SRC_DU, mouthShrugLower=0.3),
    row("awed", "surprise", "compound", "1D 2D 5C 25",
        "awed, in awe, awe, wonder, wonderstruck, awestruck, full of wonder",
        "spellbound, marveling", SRC_DU, jawOpen=0.25),
)
