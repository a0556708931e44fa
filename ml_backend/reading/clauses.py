"""Rewrite the clauses of an instruction into the order things happen, before it is cut into steps.

People do not always write steps in order or with a connective between them: "before smiling, she frowns",
"she smiles only after a long frown", "Have her smile. But first, a frown.", "a smile replaces the frown",
"Once he's smiling, ...", "NPC reacts: disgust first", "a frown (which then fades)", "she frowns -- a deep,
puzzled frown -- and then smiles". Each rewrite here is a general pattern of English (a subordinate clause, an
order word, an aside between dashes or brackets, a label before a colon) turned into "first, then second" or a
plain comma, so that ``phrases.split_steps`` sees the steps in the order they happen.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..knowledge.face_parts import REGION_NOUNS

# "Have her smile. But first, a frown." / "Smile. Before that, a frown.": the sentence after comes first.
_BUT_FIRST = re.compile(r"^(?P<later>.+?)[.;!]\s+(?:but\s+)?(?:first(?:\s+of\s+all)?|before\s+(?:that|this|then|doing\s+"
                        r"(?:that|so|it)))\s*[,:]?\s*(?P<first>[^.;!?]+)[.!]?$", re.IGNORECASE)
# "before smiling, she frowns": the main clause comes first.
_BEFORE_CLAUSE = re.compile(r"^\s*before\s+(?P<later>[^,;.]+?),\s*(?P<first>[^;.]+)$", re.IGNORECASE)
# "she smiles after frowning", "she smiles only after a long frown": the clause after "after" comes first.
_AFTER_TAIL = re.compile(r"^(?P<later>[^,;.!?]+?)\s+(?:only\s+|just\s+|right\s+|shortly\s+|soon\s+|not\s+until\s+)?"
                         r"after\s+(?P<first>(?!(?:that|this|which|a\s+(?:beat|moment|pause|while|second|bit))\b)"
                         r"(?:a|an|the|her|his|their|some|[a-z]+ing)\b[^,;.!?]*?)[.!]?$", re.IGNORECASE)
# A figure ("a smile like sunshine after rain") is one picture, not steps.
_FIGURE = re.compile(r"\b(?:like|as\s+if|as\s+though)\b", re.IGNORECASE)
_LOOKS_AFTER = re.compile(r"\b(?:look|looks|looked|looking|take|takes|took|taking|named|name|go|goes|went)$",
                          re.IGNORECASE)
# "a smile replaces the frown": the replaced face comes first.
_REPLACES = re.compile(r"^(?P<new>[^,;.!?]+?)(?<!\bis)(?<!\bwas)(?<!\bbe)(?<!\bbeen)(?<!\bbeing)(?<!\bgets)(?<!\bgot)"
                       r"\s+(?:replaces|replaced|replacing|takes\s+the\s+place\s+of|"
                       r"took\s+the\s+place\s+of)\s+(?!by\b)(?P<old>[^,;.!?]+?)[.!]?$", re.IGNORECASE)
# "the sneer falls away and a real smile takes its place": two steps, in the order written.
_TAKES_PLACE = re.compile(r"\s+and\s+(?P<new>[^,;.!?]+?)\s+(?:takes|took|taking)\s+(?:its|her|his|their)\s+place\b",
                          re.IGNORECASE)
# "Once he's smiling, make it grow", "as soon as the shock passes, she smiles": the clause happens first.
_ONCE = re.compile(r"(?:^|(?<=[.;!?]\s))\s*(?:once|as\s+soon\s+as)\s+(?P<first>[^,;.!?]+?),\s*", re.IGNORECASE)
# "She smiles once the shock passes": the clause after "once" happens first (not "once more", "smiles once").
_ONCE_TAIL = re.compile(r"^(?P<later>[^,;.!?]+?)\s+(?:once|as\s+soon\s+as|the\s+moment)\s+(?P<first>(?:the|her|his|their|"
                        r"its|she|he|they|it|this|that)\b[^,;.!?]+?)[.!]?$", re.IGNORECASE)
# "a polite smile that fades as soon as he turns away": the face that ends comes first and ends at that moment.
_ENDING = re.compile(r"\b(?:fad(?:e|es|ed|ing)|vanish(?:es|ed|ing)?|disappear(?:s|ed|ing)?|die(?:s|d)?|dying|"
                     r"falter(?:s|ed|ing)?|slip(?:s|ped|ping)?\s+(?:away|off)|drain(?:s|ed|ing)?\s+away|melt(?:s|ed|ing)?\s+away|"
                     r"wan(?:e|es|ed|ing)|go(?:es)?\s+away|went\s+away|stop(?:s|ped|ping)?)\b", re.IGNORECASE)
# "When the laughter died away, ...": a "when" clause is first only when it says something ended.
_WHEN_ENDED = re.compile(r"(?:^|(?<=[.;!?]\s))\s*(?:when|after)\s+(?P<first>[^,;.!?]*?\b(?:died|dies|faded|fades|passed|"
                         r"passes|vanished|vanishes|subsided|subsides|ended|ends|stopped|stops|was\s+gone|is\s+gone|"
                         r"was\s+over|is\s+over)\b[^,;.!?]*?),\s*", re.IGNORECASE)
# "angry at first but ... ", "frown first and smile second": an order word ends a step.
_FIRST_AND = re.compile(r"\b(?P<first>at\s+first|first)\s*,?\s+(?:and|but)\s+(?!then\b)", re.IGNORECASE)
# A leading purpose clause ("To show the change of heart, ...") says why, not what.
_PURPOSE = re.compile(r"^\s*(?:in\s+order\s+)?to\s+(?:show|convey|sell|suggest|make\s+(?:it\s+)?clear|indicate|signal|"
                      r"express|get\s+across|play)\b[^,;.!?]{0,60},\s*(?=\S)", re.IGNORECASE)
# An aside between a pair of long dashes (followed by a connective or the end: "calm -- fright -- relief" is a list),
# or in brackets: a description of the step it stands in.
_DASH_ASIDE = re.compile(r"\s*(?:--+|[—–])\s*(?P<aside>[^—–.;!?()]{1,60}?)\s*(?:--+|[—–])\s*"
                         r"(?=(?:and|then|but|before|until|till|only)\b|[,.;!?]|$)", re.IGNORECASE)
_BEAT_ASIDE = re.compile(r"(?:a\s+)?(?:long\s+|short\s+)?(?:beat|pause|moment)", re.IGNORECASE)
_BRACKETS = re.compile(r"\s*\((?P<inside>[^()]{1,80})\)\s*")
# "NPC reacts: disgust", "VO line: smile", "in: neutral": a short label before a colon names a line, a beat or a
# character, not the face: it has a number, a name in capitals, or a word of an animator's or a script's layout.
_LAYOUT_WORDS = {"line", "lines", "take", "beat", "shot", "vo", "npc", "react", "reacts", "reaction", "emote", "bark",
                 "anim", "idle", "in", "mid", "middle", "out", "pre", "post", "start", "end", "first", "second", "third",
                 "then", "next", "finally", "last", "note", "notes", "direction", "directions", "cue", "pose", "key",
                 "frame", "frames", "clip", "cut", "loop", "intro", "outro", "before", "after", "during", "on"}
_LABEL = re.compile(r"(?:^|(?<=[.;!?]\s))(?P<label>[A-Za-z][\w'’]*(?:\s+[\w'’]+){0,2})\s*:\s+(?=[^\d\s.%])")
_CODE = re.compile(r"[a-z][A-Z]|\bAU\s?\d|_[LR]\b")
# "she is crying and after she stops": non-native "after" for "then" (not "after a beat", "after that").
_AFTER_THEN = re.compile(r"(?:\s*,\s*|\s+and\s+)after\s+(?!(?:a|an|the|that|this|which|some|being|\d+|two|three|"
                         r"a\s+few|several)\b)(?=[a-z])", re.IGNORECASE)
# "neutral/smile/laugh": three or more words joined by slashes are a list of steps.
_SLASH_LIST = re.compile(r"\b[a-z][a-z' -]*(?:/[a-z][a-z' -]*){2,}\b", re.IGNORECASE)
# "1 smile 2 frown 3 neutral": bare beat numbers, when they count up from 1.
_BARE_NUMBER = re.compile(r"(?:^|(?<=\s))\d{1,2}\s+(?=[a-z])", re.IGNORECASE)
_REGION_WORDS = {n.lower() for n in REGION_NOUNS} | {n.lower() + "s" for n in REGION_NOUNS}
# "bites back a grin, then lets it show", "fights back tears, then lets them fall": what was held back is let go.
_HELD_BACK = re.compile(r"\b(?:(?:tr(?:y|ies|ied|ying)|struggl\w*|fight(?:s|ing)?|fought)\s+(?:very\s+)?(?:hard\s+)?not\s+to|"
                        r"(?:bit(?:e|es|ing|ten)?|hold(?:s|ing)?|held|fight(?:s|ing)?|fought|chok\w+|gulp\w*|swallow\w*)"
                        r"\s+back|(?:hold(?:s|ing)?|held|keep(?:s|ing)?|kept)\s+in|swallow\w*|stifl\w+|suppress\w*|smother\w*|muffl\w+)\s+(?:(?:a|an|the|her|his|their)\s+)?"
                        r"(?P<what>[a-z]+)", re.IGNORECASE)
_LET_GO = re.compile(r"(?:\s*,)?\s*(?:and\s+|but\s+)?(?:then\s+)?(?:,\s*)?(?:finally\s+|at\s+last\s+)?"
                     r"(?:(?:she|he|they|i|you)\s+)?(?:lets?|letting)\s+(?:it|them)\s+(?:show|out|go|through|loose|fall|"
                     r"flow|rip|free|come|win)\b|(?:gives?|gave|giving)\s+(?:in|way)(?:\s+to\s+(?:it|them))?\b"
                     r"|but\s+(?:it|they)\s+(?:(?:still|soon|finally)\s+)?(?:comes?|came|creeps?|crept|slips?|slipped|breaks?|"
                     r"broke|wins?|won|returns?|returned|escapes?|escaped|spills?|spilled)\s*(?:back|through|out|free|anyway|"
                     r"anyhow|regardless)?\b", re.IGNORECASE)
# "tries not to smile, but the grin breaks through": the held-back face wins, a step of its own.
_BREAKS_THROUGH = re.compile(r"\s*,?\s*but\s+(?P<what>(?:the|a|an|her|his|their)\s+[a-z]+)\s+(?:(?:finally|still|soon)\s+)?"
                             r"(?:breaks|broke|bursts|burst|slips|slipped|escapes|escaped|wins|won|creeps|crept|leaks|"
                             r"leaked|gets|got|comes|came|forces\s+its\s+way)\s+(?:through|out|free|anyway)\b"
                             r"|\s*,?\s*but\s+(?P<won>(?:the|her|his|their)\s+[a-z]+)\s+(?:(?:finally|still|soon)\s+)?"
                             r"(?:escapes|escaped|wins|won)\b(?=\s*[,.;!?]?\s*$)",
                             re.IGNORECASE)
# "then drops away", "then slides off her face": the face before ends (said the way the step reader knows).
_THEN_OFF = re.compile(r"(?<=\bthen\s)(?:it\s+)?(?:drops|dropped|falls|fell|slides|slid|slips|slipped|washes|washed|"
                       r"wipes|wiped|peels|peeled)\s+(?:away|off(?:\s+(?:her|his|their|the|my|your)\s+face)?)\b",
                       re.IGNORECASE)
# "the grin is suddenly gone": a manner word between "is" and "gone" does not change that the face ended.
_SOON_GONE = re.compile(r"\b(is|was|are|were)\s+(?:suddenly|quickly|soon|already|completely|all|simply|just|now)\s+gone\b",
                        re.IGNORECASE)
# "smile until it hurts", "laughed until tears came": "until" with a limit of the body says how hard, not a next step.
_UNTIL_LIMIT = re.compile(r"\s+until\s+(?:(?:it|they|her\s+(?:face|cheeks|jaw|sides)|his\s+(?:face|cheeks|jaw|sides))\s+"
                          r"(?:hurts?|hurt|ache[sd]?|ached)|(?:the\s+)?tears\s+(?:came|come|ran|run|roll(?:ed)?|flow(?:ed)?|"
                          r"stream(?:ed)?)|(?:she|he|they|i|you)\s+(?:can(?:no|')t|could\s*n(?:o|')t|cannot)\s+breathe)\b",
                          re.IGNORECASE)
# Verbs of giving way that say the same as "gives way to": "the scowl yields to a grin".
_YIELDS = re.compile(r"\b(?:yield(?:s|ed|ing)?|surrender(?:s|ed|ing)?|giv(?:es|ing|e)\s+(?:place|ground)|"
                     r"gave\s+(?:place|ground)|los(?:es|t|ing)\s+(?:out|ground)|cede(?:s|d)?|ceding)\s+to\b"
                     r"|\b(?:mak(?:es|e|ing)|made)\s+way\s+for\b", re.IGNORECASE)
# "..., and the grin is gone": the face ending is the next step.
_AND_GONE = re.compile(r"\s*,\s*and\s+(?=(?:the|her|his|their|its)\s+[a-z]+\s+(?:is|was|had|has)\s+(?:been\s+)?gone\b)",
                       re.IGNORECASE)
# "a grin flickered and was gone": a face with no subject of its own that ends, then nothing.
_THEN_GONE = re.compile(r"\s*,?\s+and\s+(?:then\s+)?(?:was|is|were|are)\s+(?:suddenly\s+|quickly\s+|soon\s+|just\s+)?gone\b",
                        re.IGNORECASE)
# "her smile slowly sours", "his face darkened.": a face that turns bad with no face named after it turns into the
# look the verb names; "his face turns to stone" turns into a stony face.
_SOURS = re.compile(r"\b(?P<who>(?:smile|grin|smirk|face|look|expression|features|mood)s?\s+(?:\w+ly\s+)?)"
                    r"(?P<verb>sour(?:s|ed)?|darken(?:s|ed)?)(?=\s*(?:[,.;!]|$|\s+(?:then|and)\b))", re.IGNORECASE)
_TO_STONE = re.compile(r"\b(?:turn(?:s|ed|ing)?|went|goes|go|going)\s+(?:to|into)\s+stone\b", re.IGNORECASE)
# "the laughter trails off and her face goes still": after a face ends, "and" starts the next step.
_ENDS_AND = re.compile(r"\b(?P<end>trail(?:s|ed|ing)?\s+off|die[sd]\s+away|fad(?:es|ed)\s+away|vanish(?:es|ed)|"
                       r"disappear(?:s|ed)|ebb(?:s|ed)\s+away)\s*,?\s+and\s+(?=(?:her|his|their|its|the|she|he|they)\b)",
                       re.IGNORECASE)
# "but the smile soon faded into unease", "let them drop into a scowl": the restated face or the pronoun before a
# transition is the step before, not a step; an order word between the face and its verb is dropped.
_SOON_INTO = re.compile(r"\b(?P<face>(?:the|her|his|their)\s+[a-z]+)\s+(?:soon|then|later|finally|at\s+last)\s+"
                        r"(?=[a-z]+(?:ed|es|s)\s+(?:in)?to\b)", re.IGNORECASE)
_RESTATED_INTO = re.compile(r"\s*,?\s*(?:but|and)\s+(?P<beat>(?:after\s+)?a\s+(?:beat|moment|pause)(?:\s+later)?\s*,?\s+)?"
                            r"(?:the|her|his|their)\s+(?P<noun>[a-z]+)\s+(?P<verb>(?:fad|melt|turn|"
                            r"soften|harden|sour|curdl|dissolv|collaps|crumbl|chang|shift|slid|slip|brighten|darken|"
                            r"twist|broke|break|drift|sank|sink|settl)[a-z]*\s+(?:in)?to|becomes|became)\b",
                            re.IGNORECASE)
_LET_INTO = re.compile(r"\b(?:let(?:s|ting)?\s+(?:it|them)|allow(?:s|ing)?\s+(?:it|them)\s+to)\s+(?:drop|fall|sink|"
                       r"settle|slide|slip|melt|relax|ease)\s+into\b", re.IGNORECASE)
# ", next ..., last ...": "last" after a comma or semicolon is the final step.
_LAST = re.compile(r"(?<=[,;])\s*(?:and\s+)?last(?:ly)?\b(?!\s+(?:night|week|year|time|one|minute|second|moment)\b)",
                   re.IGNORECASE)
# "lips pressed into a thin line": a line is the shape pressed lips hold, not a face to turn into ("closes into a
# tight line" is still a change).
_INTO_LINE = re.compile(r"\b(?P<verb>pressed|drawn|set|compressed|held|fixed|clamped|squeezed|thinned|flattened)\s+into(?=\s+(?:a\s+)?(?:(?:thin|tight|hard|grim|straight|firm|flat|narrow|bloodless|stern)\s+)*"
                        r"line\b)", re.IGNORECASE)
# "she stops laughing", "he stopped frowning and smiled": the face named is shown, then ends (or gives way to the
# next verb); not after "can't", "won't", "never" ("she can't stop laughing" laughs on).
_STOP_DOING = re.compile(r"(?<!n't\s)(?<!not\s)(?<!never\s)(?<!cannot\s)\b(?:stops?|stopped|stopping|quits?|ceases?|ceased)\s+"
                         r"(?P<what>[a-z]+ing)\b(?P<next>\s*,?\s+(?:and|to)\s+(?!then\b)(?=[a-z]))?", re.IGNORECASE)
# "the laughter stopped", "her sobbing ceased": the face is shown, then ends.
_FACE_STOPS = re.compile(r"\b(?P<face>(?:the|her|his|their)\s+(?:laughter|laughing|laugh|giggling|giggles|sobbing|sobs|crying|"
                         r"tears|smile|grin|frown|scowl|screaming|scream))\s+(?:stopped|stops|ceased|ceases|ended|ends)\b",
                         re.IGNORECASE)
# Holding a face back said as a purpose or an outcome: "(biting her cheek) to keep from laughing", "stops himself
# from smiling", "manages not to laugh", "to stop a smile" are the suppressed face; trying to keep a straight face
# is pressed lips (keeping one is rest).
_KEEP_FROM = re.compile(r"(?:,\s*)?\b(?:(?:in\s+order\s+)?to\s+(?:keep|stop|prevent)\s+(?:(?:herself|himself|themselves|myself|"
                        r"yourself)\s+)?from|(?:stops?|stopped|stopping|keeps?|kept|keeping)\s+(?:herself|himself|"
                        r"themselves|myself|yourself)\s+from|(?:manages?|managed|managing)\s+not\s+to)\s+(?P<what>[a-z]+)\b",
                        re.IGNORECASE)
_TO_HIDE = re.compile(r"(?:,\s*)?\b(?:in\s+order\s+)?to\s+(?:stop|hide|keep\s+back|hold\s+back|suppress|smother|stifle|"
                      r"swallow|contain)\s+(?P<what>(?:a|an|the|her|his|their)\s+[a-z]+)\b", re.IGNORECASE)
_STRAIGHT_FACE = re.compile(r"\b(?:(?:tr(?:y|ies|ied|ying)|struggl\w+|fight(?:s|ing)?|fought|work(?:s|ed|ing)?)\s+(?:very\s+|so\s+)?"
                            r"(?:hard\s+)?to|(?:can|could)\s+(?:barely|hardly|scarcely|only\s+just|just\s+about))\s+"
                            r"(?:keep|hold)\s+(?:a\s+)?straight\s+face\b", re.IGNORECASE)
# "eyes shut tight; then they fly open", "mouth drops open; a second later it snaps shut", "jaw drop, hold, snap
# shut": a pronoun (or nothing) before a part's new state stands for the part named before.
_PART_NOUN = re.compile(r"\b(?:eyes|eyelids|lids|mouth|jaw|lips)\b", re.IGNORECASE)
_PART_STATE = re.compile(r"(?:(?<=[,;.]\s)|(?<=\bthen\s)|(?<=\blater\s))(?:(?:it|they)\s+)?(?=(?:(?:suddenly|quickly|slowly|just|then)\s+)?"
                         r"(?:snap|fly|flie|flew|pop|spring|sprang|slam|click|clamp|shoot|shot|jerk|drop|fall|fell|go|went|"
                         r"come|came|ease|slide|close|open)(?:s|es|ped|ed)?\s+(?:back\s+)?(?:open|shut|closed|wide)\b)",
                         re.IGNORECASE)


# "she couldn't keep from laughing", "can't help smiling", "couldn't stop grinning": a face that cannot be held back
# or stopped is shown, the face itself.
_CANNOT_HELP = re.compile(r"\b(?:(?:was|is|were|are)\s+)?(?:unable\s+to|can(?:no|['’])t|could(?:\s+not|n['’]t))\s+(?:help|keep|stop|"
                          r"resist|refrain)\s+(?:(?:herself|himself|themselves|myself|yourself)\s+)?(?:from\s+)?"
                          r"(?P<what>[a-z]+ing)\b", re.IGNORECASE)
# "unable to hide his delight", "couldn't keep from laughing": a holding back that fails shows the face.
_FAILED = re.compile(r"\b(?:unable|fail(?:s|ed|ing)?|can(?:no|')t|could(?:\s+not|n't)|not|never|barely|hardly)\s*(?:even\s+)?$",
                     re.IGNORECASE)


# "lets it drop the moment the flash goes off", "a short laugh, cut off abruptly", "the terror drained from her face,
# leaving it empty": a clause whose object is the face before (it, them) or that has none, saying that face ends; the
# words after the ending (when it ends) say when, not a face.
_IT_ENDS = re.compile(r"\s*,?\s*(?:and\s+|but\s+)?(?:then\s+)?(?:(?:she|he|they|i|you)\s+)?(?:(?:\w+ly)\s+)?"
                      r"(?:(?:lets?|letting|allow(?:s|ed|ing)?)\s+(?:it|them)\s+(?:to\s+)?(?:drop|fall|die|go|fade|slip|vanish)"
                      r"(?!\s+(?:in)?to\b)(?:\s+away)?|(?:is\s+|was\s+|gets?\s+|got\s+)?cut\s+(?:off|short)"
                      r"|leaving\s+(?:it|them|(?:her|his|their|the)\s+(?:face|features|mouth|eyes))\s+(?:empty|blank|still|"
                      r"slack|expressionless|vacant|bare|neutral))\b[^,;.!?]*", re.IGNORECASE)
# "He's not angry -- he's hurt", "Nothing on the mouth; the worry is all in the forehead", "Not quite a smile -- a
# twitch at one corner": after a clause that opens by saying what the face is not, a dash, ";" or ":" brings the
# face it is instead (a correction, one face), as ", just ..." does after a comma.
_NEGATED_OPENING = re.compile(r"(?:^|(?<=[.!?]\s))(?P<neg>(?:(?:she|he|they|it|i|you|we)(?:['’]s|['’]re|\s+is|\s+was|\s+are)?\s+)?"
                              r"(?:not|no|nothing|never|none|neither|don['’]t|doesn['’]t|didn['’]t|won['’]t|isn['’]t|"
                              r"wasn['’]t|can['’]t|without)\b[^.;!?:—–]*?)\s*(?:--+|[—–]|;|:)\s+(?=[a-z])", re.IGNORECASE)
# "eyes wide, but no fear in them -- just wonder": a correction word after a dash or ";" corrects the face before.
_DASH_CORRECTION = re.compile(r"(?<=[a-z])\s*(?:--+|[—–]|;)\s+(?=(?:just|merely|simply|rather|instead|only(?!\s+(?:when|after|once|then|to|as|if|because|until|till|a)\b))\b)",
                              re.IGNORECASE)
# "ease from a scowl to a faint smile", "blend from neutral to a grin": a verb of change before "from ... to ...".
_VERB_FROM_TO = re.compile(r"^\s*(?:please\s+)?(?:ease|blend|morph|drift|slide|transition|shift|fade|move|go|change|"
                           r"switch|cross-?fade|ramp|build|melt|segue)(?:\s+\w+ly)?\s+(?=from\s+\S.*?\s+to\s+\S)",
                           re.IGNORECASE)


# "The blankness breaks, and he is suddenly furious", "her composure cracked": a held face that breaks ends; what
# comes after it is the next face.
_FACE_BREAKS = re.compile(r"\b(?P<face>(?:the|her|his|their)\s+(?:[a-z]+\s+)?(?:blankness|calm|calmness|composure|mask|"
                          r"stillness|reserve|fa[cç]ade|stoicism|impassivity|poker\s+face|straight\s+face|smile|grin|"
                          r"frown|scowl|expression|face))\s+(?:finally\s+|suddenly\s+|at\s+last\s+)?(?:breaks|broke|"
                          r"cracks|cracked|shatters|shattered|crumbles|crumbled|slips|slipped)\b(?!\s+(?:in)?to\b|"
                          r"\s+(?:out|through|open|into|down|off|away|a|an|the)\b)\s*,?\s*(?:and\s+)?(?P<next>[a-z])?",
                          re.IGNORECASE)


def _face_breaks(match: re.Match) -> str:
    """"The blankness breaks, and he is furious" -> "The blankness, then he is furious" (alone, the words stay)."""
    return f"{match.group('face')}, then {match.group('next')}" if match.group("next") else match.group(0)


# "He never once stops smiling", "the scowl never leaves his face": an ending that is denied is a face that stays.
_NEVER_ENDS = re.compile(r"\b(?:never|not|doesn['’]t|didn['’]t|won['’]t|does\s+not|did\s+not|will\s+not)\s+"
                         r"(?:once\s+|even\s+|quite\s+|really\s+|for\s+a\s+moment\s+)?(?:stop(?:s|ped)?|quit(?:s)?|"
                         r"leave(?:s)?|left|fade(?:s|d)?|drop(?:s|ped)?|slip(?:s|ped)?|falter(?:s|ed)?|waver(?:s|ed)?)\b",
                         re.IGNORECASE)


# "smiling, but not with the left side", "a sneer, only on the right": a side said after the face, denied or
# kept, says which side of that face shows.
_SIDE_AFTER = re.compile(r"\s*,?\s*(?:but\s+|and\s+)?(?P<neg>not|never|only|just)\s+(?:with\s+|on\s+|in\s+)?(?:the\s+|her\s+|his\s+"
                         r"|their\s+)?(?P<side>left|right)(?:\s+side)?\b(?=\s*(?:[,.;!?]|$))", re.IGNORECASE)
# "The frown is gone, but there's no smile to replace it": nothing in the place of an ended face is the rest after it.
_NOTHING_REPLACES = re.compile(r"\s*,?\s*(?:but|and)\s+(?:there(?:['’]s|\s+is|\s+was)\s+)?(?:no|nothing)\b[^,;.!?]*?"
                               r"(?:to\s+replace\s+it|in\s+its\s+place|takes?\s+its\s+place|took\s+its\s+place|"
                               r"replaces?\s+it|replaced\s+it)\b", re.IGNORECASE)
# "The frown is gone." opening its sentence: the face that was there, then nothing.
_OPENS_GONE = re.compile(r"(?:^|(?<=[.;!?]\s))(?P<face>(?:the|her|his|their)\s+[a-z]+)\s+(?:is|was|has)\s+(?:been\s+)?"
                         r"(?:now\s+|all\s+|completely\s+)?gone\b", re.IGNORECASE)


def _side_after(match: re.Match) -> str:
    """" on the right side" for ", but not with the left side"; " on the left side" for ", only on the left"."""
    side = match.group("side").lower()
    if match.group("neg").lower() in ("not", "never"):
        side = "right" if side == "left" else "left"
    return f" on the {side} side"


# "only when she finishes does he frown", "only after a long pause did she smile": the inverted main clause is the
# step after the one before.
_ONLY_WHEN = re.compile(r"(?:^|(?<=[,;.]\s)|(?<=[,;.]))\s*only\s+(?:when|after|once)\s+[^,;.!?]+?\s+(?:does|did|do)\s+"
                        r"(?=(?:she|he|they|i|you|we|it|her|his|their|[A-Z][a-z]+)\b)", re.IGNORECASE)
# "drop the smirk and glare", "lose the grin": an imperative that takes a face away is that face ending.
_DROP_FACE = re.compile(r"\b(?:drop|drops|dropped|lose|loses|lost|kill|kills|killed|wipe|wipes|wiped|ditch|ditches|"
                        r"ditched)\s+(?:the|her|his|their|that)\s+(?P<face>smile|smirk|grin|frown|scowl|sneer|pout|glare|"
                        r"expression|laugh|grimace)\b(?!\s+(?:in)?to\b|\s+(?:down|from|off|away))", re.IGNORECASE)
# "closes again without a word", "stares in silence": what is not said is no part of the face.
_WORDLESS = re.compile(r"\s*,?\s*\b(?:without\s+(?:a|another|saying\s+a|uttering\s+a)\s+word|in\s+silence|wordlessly)\b",
                       re.IGNORECASE)
# "wince, recover, then smile": recovering (or collecting oneself) is going back to rest.
_RECOVER = re.compile(r"\b(?:recover|regain\s+(?:your|her|his|their)\s+composure|collect\s+(?:yourself|herself|himself)|"
                      r"pull\s+(?:yourself|herself|himself)\s+together)\b(?=\s*(?:[,;.!]|then\b|and\b|$))",
                      re.IGNORECASE)

# "His sneer softened, by degrees, into something kind": a manner aside between a verb of change and its "into" goes
# before the verb, so the verb still joins the two faces.
_MANNER_INTO = re.compile(r"\b(?P<verb>[a-z]+(?:ed|es|s)),\s*(?P<how>by\s+degrees|little\s+by\s+little|bit\s+by\s+bit|"
                          r"slowly|gradually|quickly|suddenly|at\s+last|finally|in\s+the\s+end|over\s+time|"
                          r"almost\s+imperceptibly|imperceptibly),\s*(?=(?:in)?to\b)", re.IGNORECASE)


def _it_ends(match: re.Match) -> str:
    """", then it fades" for a clause that ends the face before; the words as they are when no face came before."""
    return ", then it fades" if match.string[:match.start()].strip(" ,") else match.group(0)


def _correction(match: re.Match) -> str:
    """The negated opening and its correction as one face: "He's not angry -- he's hurt" -> "He's not angry, just
    he's hurt"."""
    negated = re.sub(r"\s*,?\s*\b(?:exactly|really|precisely|as\s+such|quite|per\s+se)\s*$", "", match.group("neg"))
    return f"{negated}, just "  # "Not angry, exactly -- more disappointed": the hedge is no face


def _held_unless_failed(match: re.Match, held: str) -> str:
    """``held`` for a face held back ("to keep from laughing"), the words as they are when the holding fails."""
    return match.group(0) if _FAILED.search(match.string[:match.start()]) else held


def _part_named(match: re.Match) -> str:
    """The part named last before a pronoun or a bare verb of a new state: "then they fly open" -> "then eyes fly
    open" (left alone when no part was named)."""
    nouns = _PART_NOUN.findall(match.string[:match.start()])
    return f"{nouns[-1].lower()} " if nouns else match.group(0)


# "laughing one moment and sobbing the next": two steps in the order written.
_ONE_MOMENT = re.compile(r"\s+(?:one|for\s+a)\s+(?:moment|minute|second|instant),?\s+(?:and|then)\s+(?P<next>[^,;.!?]+?)\s+the\s+next\b",
                         re.IGNORECASE)


def _stopped(match: re.Match) -> str:
    """"stops laughing" -> "laughing, then it stops"; "stopped frowning and smiled" -> "frowning, then smiled".

    A face named before ("he smiles, then stops smiling") is already a step, and a request ("stop smiling",
    "Smile. Now stop smiling.") asks for the face without it: the words stay as they are."""
    before = match.string[:match.start()].lower()
    if match.group("what")[:4].lower() in before or _is_request(match.group(0), before):
        return match.group(0)
    return f"{match.group('what')}, then " if match.group("next") else f"{match.group('what')}, then it stops"


def _is_request(words: str, before: str) -> bool:
    """Whether a bare "stop"/"quit"/"cease" opens its sentence: an imperative, not a story's face that stops."""
    opening = re.sub(r"\b(?:please|now|just|and|ok(?:ay)?)\b", " ", before.rsplit(".", 1)[-1].rsplit("!", 1)[-1])
    return words.split()[0].lower() in ("stop", "quit", "cease") and not re.search(r"[a-z]", opening.rsplit(";", 1)[-1])


def _look_of(verb: str) -> str:
    """The look a verb of turning bad names: "sours" -> "sour", "darkened" -> "dark"."""
    return re.sub(r"(?:en)?(?:s|ed)?$", "", verb.lower())


# --- round 13: structure read from the shape of a clause, not from a list of verbs ---------------------------------

def _shows_face(words: str) -> bool:
    """Whether words name a face that is shown (an item not negated); imported late: the step reader imports nothing
    of this module, and this module is imported by the step splitter."""
    from .parse import read_step_words
    return any(not it.negated and not it.weak for it in read_step_words(words).items)


# "His grin sags to a grimace", "the sneer slackens to indifference", "amusement curdles to irritation": any finite
# verb whose subject is a face and whose "to" names a face is a change into that face (said as "into", which the step
# splitter reads as a transition after any verb). Not a gaze or a motion towards someone ("turns to him", "looks to
# the door": no face after "to").
_VERB_TO = re.compile(r"\b(?P<verb>(?!(?:look|stare|gaz|peer|glanc|talk|speak|spok|said|say|listen|point|turn|went|go|"
                      r"goes|went|come|came|return|back|up|down|due|prefer|seem|appear|happen|us|ha|wa|i)\w*\b)"
                      r"[a-z]{3,}(?:s|ed))(?P<how>(?:\s+\w+ly)?)\s+to\s+(?P<target>(?!(?:him|her|them|me|us|you|it|the\s+"
                      r"(?:door|window|floor|camera|side|left|right))\b)[^,;.!?]{2,50}?)(?=\s*(?:[,;.!?]|$))",
                      re.IGNORECASE)


def _verb_to(match: re.Match) -> str:
    """"X sags to Y" -> "X sags into Y" when the clause before names a face and Y reads as one."""
    before = re.split(r"[,;.!?]", match.string[:match.start()])[-1]
    if before.strip() and _shows_face(before) and _shows_face(match.group("target")):
        return f"{match.group('verb')}{match.group('how')} into {match.group('target')}"
    return match.group(0)


# "He goes from sulking to beaming", "her face went from stone to sunshine": "from X to Y" after any verb, where both
# ends read as faces, is the two faces in order.
_ANY_FROM_TO = re.compile(r"(?P<lead>(?:^|(?<=[.;!?]\s))[^,;.!?]*?\b[a-z]+(?:s|ed)?(?:\s+\w+ly)?)\s+from\s+"
                          r"(?P<a>[^,;.!?]+?)\s+to\s+(?P<b>[^,;.!?]+?)(?=\s*(?:[,;.!?]|$))", re.IGNORECASE)


def _any_from_to(match: re.Match) -> str:
    """"He goes from sulking to beaming" -> "sulking, then beaming" (left alone unless both ends are faces)."""
    if _shows_face(match.group("a")) and _shows_face(match.group("b")):
        return f"{match.group('a')}, then {match.group('b')}"
    return match.group(0)


# Order said by position: "Surprise comes first, anger second", "wide-eyed at the start, squinting by the end",
# "in the first shot she is bored; in the second, delighted", "Begin worried; end calm": pieces joined by a comma that
# each carry a word of their place in the order are steps in that order.
_POSITION = re.compile(r"\b(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|initially|to\s+(?:start|begin)\s+with|"
                       r"at\s+(?:the\s+)?(?:start|beginning|outset)|at\s+first|by\s+the\s+end|in\s+the\s+end|"
                       r"to\s+(?:finish|end)|last(?:ly)?|begin(?:s|ning)?|end(?:s|ing)?|start(?:s|ing)?|"
                       r"in\s+the\s+(?:first|second|third|last|next|final)\b)", re.IGNORECASE)


def _ordered_by_position(text: str) -> str:
    """"A first, B second" -> "A first, then B second": a comma between two pieces that each say their place."""
    pieces = re.split(r"(\s*,\s*)", text)
    if len(pieces) < 3:
        return text
    out = [pieces[0]]
    for k in range(1, len(pieces) - 1, 2):
        before, after = pieces[k - 1], pieces[k + 1]
        joined = (_POSITION.search(before) and _POSITION.search(after) and not re.match(r"\s*(?:then|and|but)\b", after)
                  and _shows_face(before) and _shows_face(after))
        out.append(", then " if joined else pieces[k])
        out.append(after)
    return "".join(out)


# "He doesn't laugh, but his eyes do", "Her eyes aren't smiling, even though her mouth is": a denied verb and a part
# after "but"/"though" that has only the auxiliary: the part does what the first clause denied (verb-phrase ellipsis).
_ELLIPSIS = re.compile(r"(?P<neg>\b(?:is|are|was|were|do|does|did)(?:\s+not|n['’]t)|\b(?:doesn['’]t|don['’]t|didn['’]t|"
                       r"isn['’]t|aren['’]t|wasn['’]t|weren['’]t))\s+(?P<verb>[a-z]+)\b(?P<rest>[^,;.!?]*?)\s*,?\s*"
                       r"(?P<join>but|(?:even\s+)?though|although|while|whereas|yet)\s+(?P<part>(?:the|her|his|their)\s+"
                       r"[a-z]+)\s+(?P<aux>is|are|was|were|do|does|did)(?=\s*(?:[.;!?]|$))", re.IGNORECASE)


def _ellipses(text: str) -> str:
    """Each sentence with a denied verb and an elided one ("He doesn't laugh, but his eyes do") rewritten as the part
    that does it, then the denial, one face: "his eyes laugh, He not laugh" (read together)."""
    out = []
    for sentence in re.split(r"(?<=[.!?;])\s+", text):
        match = _ELLIPSIS.search(sentence)
        if match is None:
            out.append(sentence)
            continue
        part = match.group("part")
        verb = match.group("verb")
        subject = sentence[:match.start()].strip()
        tail = sentence[match.end():]
        out.append(f"{part} {verb}{match.group('rest')}, {subject} not {verb}{tail}".replace("  ", " "))
    return " ".join(out) if any(_ELLIPSIS.search(sentence) for sentence in re.split(r"(?<=[.!?;])\s+", text)) else text


# "Never let the smile drop", "don't let the grin fade", "won't let it slip": a denied ending of a face let go is the
# face that stays.
_NEVER_LET_END = re.compile(r"\b(?:never|not|don['’]t|doesn['’]t|didn['’]t|won['’]t|do\s+not|does\s+not)\s+"
                            r"(?:ever\s+)?(?:lets?|allows?)\s+(?P<face>(?:the|her|his|their|that|this|your)\s+[a-z]+|it|them)"
                            r"\s+(?:to\s+)?(?:drop|fade|slip|falter|waver|die|go|leave|vanish|disappear)\b(?:\s+away)?",
                            re.IGNORECASE)


def _never_let_end(match: re.Match) -> str:
    """"Never let the smile drop" -> "keep the smile" (a pronoun stays: the face before it is the one kept)."""
    return f"keep {match.group('face')}"


# "Tries not to grin and fails", "fights a yawn and loses": a holding back that fails is the held face, then the face.
_HELD_THEN_FAILS = re.compile(r"(?P<held>\b(?:tr(?:y|ies|ied|ying)\s+(?:hard\s+)?not\s+to|fight(?:s|ing)?|fought|"
                              r"struggl\w+\s+against|resist(?:s|ed|ing)?)\s+(?:(?:a|an|the|her|his|their)\s+)?"
                              r"(?P<what>[a-z]+))\s*,?\s+(?:and|but)\s+(?:then\s+)?(?:fails|failed|fail|loses|lost|lose|"
                              r"gives\s+up|gave\s+up|can['’]t|cannot|couldn['’]t)\b(?:\s+(?:to|it))?", re.IGNORECASE)


def _held_then_fails(match: re.Match) -> str:
    """"Tries not to grin and fails" -> "tries not to grin, then grin"."""
    return f"{match.group('held')}, then {match.group('what')}"


def _last_face(words: str) -> str | None:
    """The last face named in ``words`` (its label: "smile", "scowl"), for a pronoun that stands for it."""
    from .parse import read_step_words
    shown = [it for it in read_step_words(words).items if not it.negated and not it.weak]
    return shown[-1].label if shown else None


# "Smile, lose it, find it again", "he drops it, then brings it back": a verb of losing or regaining with "it" as
# its object stands for the face named before: that face ends, or comes again.
_LOSE_IT = re.compile(r"\b(?:(?:lose|loses|lost|losing|drop|drops|dropped|dropping|kill|kills|killed|wipe|wipes|wiped|"
                      r"ditch|ditches|ditched|shed|sheds|shake|shakes|shook)\s+(?:it|them)(?:\s+(?:off|away))?|"
                      r"(?:thinks?|thought|thinking)\s+better\s+of\s+it)\b", re.IGNORECASE)
_FIND_IT = re.compile(r"\b(?:find|finds|found|finding|regain|regains|regained|recover|recovers|recovered|"
                      r"(?:bring|brings|brought|get|gets|got|put|puts)\s+(?:it|them)\s+back|"
                      r"(?:bring|brings|brought|get|gets|got|put|puts)\s+back)(?:\s+(?:it|them))?(?:\s+again)?\b"
                      r"(?<!\bregain)(?<!\bregains)(?<!\bregained)(?<!\brecover)(?<!\brecovers)(?<!\brecovered)",
                      re.IGNORECASE)


# Words of holding a face back: after them, "loses it" is the holding lost (the face shows), not the face lost.
_HOLDING = re.compile(r"\b(?:not\s+to|keep(?:s|ing)?\s+from|back|stifl\w+|suppress\w*|smother\w*|hold(?:s|ing)?\s+in|"
                      r"fight(?:s|ing)?|fought|straight\s+face|bit(?:e|es|ing)\s+(?:her|his|their)\s+lip)\b", re.IGNORECASE)


def _pronoun_faces(text: str) -> str:
    """"Smile, lose it, find it again" -> "Smile, then the smile fades, then smile again": "it" after a verb of losing or
    regaining is the face named before it (left alone when none was)."""
    for pattern, said in ((_LOSE_IT, "then the {face} fades"), (_FIND_IT, "then {face} again")):
        def swap(match: re.Match, said: str = said) -> str:
            before = match.string[:match.start()]
            face = _last_face(before)
            if face is None or (pattern is _FIND_IT and not re.search(r"\b(?:it|them|back)\b", match.group(0))):
                return match.group(0)
            if pattern is _LOSE_IT and _HOLDING.search(before):
                return f"then {face.split()[-1]}"  # "bites her lip to keep from laughing, but loses it": it shows
            return said.format(face=face)
        text = pattern.sub(swap, text)
    return re.sub(r",\s*(?:and\s+)?then\s+then\b", ", then", text)


# "Her face brightens, only to fall again", "The corners of his mouth twitch up, then settle": a bare verb after "only
# to" or "then" has the subject of the clause before; when that subject is a part of the face or the face itself,
# it is written out, so that "fall" is read as the face falling.
_FACE_SUBJECT = re.compile(r"^\s*(?P<subject>(?:the|her|his|their)\s+(?:(?:corners?|edges?)\s+of\s+(?:her|his|their|the)\s+)?"
                           r"(?:face|features|expression|mouth|lips|eyes|brows|eyebrows|jaw|"
                           r"gaze|cheeks|chin|forehead|nose|nostrils))\s+(?!is\b|was\b|are\b|were\b)[a-z]+", re.IGNORECASE)
_BARE_VERB_AFTER = re.compile(r"(?P<join>,?\s*(?:only\s+to|then|and\s+then))\s+(?P<verb>(?!(?:the|a|an|her|his|their|she|he|"
                              r"they|it|i|you|we|back|again|slowly|finally|suddenly|quickly|gradually|not|no|never|everything|nothing|something|"
                              r"all|both|none|each|every|this|that|these|those|there|here|now|later|once|one|another|into|to|in|on|at|"
                              r"with|for|from|of|out|away|over|off|as|like|so|up|down)\b)"
                              r"[a-z]+)\b", re.IGNORECASE)


def _carried_subject(text: str) -> str:
    """Each sentence whose subject is a face part gets it written before a bare verb after "only to" or "then"."""
    out = []
    for sentence in re.split(r"(?<=[.!?;])\s+", text):
        subject = _FACE_SUBJECT.match(sentence)
        if subject is None:
            out.append(sentence)
            continue
        noun = subject.group("subject")

        def carry(match: re.Match) -> str:
            verb = match.group("verb")
            rest = re.split(r"[,;.!?]", match.string[match.start("verb"):])[0]
            if _shows_face(rest):
                return match.group(0)  # "then smile", "then collapses into tears": a face of its own
            join = match.group("join")
            return f"{', then' if 'only' in join else join} {noun.lower()} {verb}"
        out.append(sentence[:subject.end("subject")] + _BARE_VERB_AFTER.sub(carry, sentence[subject.end("subject"):]))
    joined = " ".join(out)
    return text if joined == " ".join(re.split(r"(?<=[.!?;])\s+", text)) else joined


# "Not a single muscle in his face moves", "nothing on her face stirs", "Nothing moves except the eyebrows, which
# rise": a denied movement of the whole face is a still face; an exception names the only part that moves.
_NOTHING_MOVES = re.compile(r"(?:^|(?<=[.;!?]\s))(?:not\s+(?:a|one)\s+(?:single\s+)?(?:muscle|thing|line|feature)|"
                            r"no\s+(?:muscle|part|feature|line)|nothing)(?:\s+(?:in|on|of)\s+(?:her|his|their|the)\s+"
                            r"(?:face|features))?\s+(?:moves|moved|stirs|stirred|twitches|twitched|changes|changed|"
                            r"shifts|shifted|flickers|flickered)\b(?P<except>\s*,?\s*(?:except|but|apart\s+from|save)\s+"
                            r"(?P<part>(?:the|her|his|their)\s+[a-z]+)(?:\s*,?\s*which\s+(?P<verb>[a-z]+))?)?",
                            re.IGNORECASE)


def _nothing_moves(match: re.Match) -> str:
    """"Not a single muscle in his face moves" -> "a blank face"; "... except the eyebrows, which rise" -> "the
    eyebrows rise" (only that part)."""
    if match.group("part"):
        return f"{match.group('part')} {match.group('verb') or 'move'}"
    return "a blank face"


# "He keeps the disgust off his face", "she keeps the fear out of her eyes": a feeling kept off the face is denied.
_KEPT_OFF = re.compile(r"\b(?:keeps?|kept|keeping)\s+(?:the|her|his|their|any|all)\s+(?P<what>[a-z]+)\s+(?:off|out\s+of)\s+"
                       r"(?:her|his|their|the|my|your)\s+(?:face|features|eyes|mouth|expression)\b", re.IGNORECASE)
# "He keeps his amusement to himself", "she kept her fury to herself": a feeling kept to oneself is held back.
_KEPT_TO_SELF = re.compile(r"\b(?:keeps?|kept|keeping)\s+(?:her|his|their|my|your)\s+(?P<what>[a-z]+)\s+to\s+"
                           r"(?:herself|himself|themselves|myself|yourself)\b", re.IGNORECASE)
# "A flicker of a smile. Gone just as fast.", "Gone in an instant.": a sentence that opens with "gone" ends the face.
_GONE_OPENS = re.compile(r"(?:(?<=[.;!?])\s+|(?<=[,]\s)|(?<=--\s))(?:and\s+)?(?:(?:it|that)['’]s\s+|then\s+)?gone\b[^.;!?]*",
                         re.IGNORECASE)
# "Keep the scowl until he apologises", "she smiles before they notice": an "until"/"before" clause with another
# subject than its main clause says when, not a face of this person: it goes.
_WHEN_OTHER = re.compile(r"\s+(?:until|till|before)\s+(?P<subject>she|he|they|i|you|we)\s+[^,;.!?]+", re.IGNORECASE)
_MAIN_SUBJECT = re.compile(r"^\s*(?:(?P<pronoun>she|he|they|i|you|we)\b|(?P<name>[A-Z][a-z]+)\s+[a-z]+(?:s|ed)\b)",
                           re.IGNORECASE)


_OWNER = {"her": "she", "his": "he", "their": "they", "my": "i", "your": "you", "our": "we"}


def _when_other(match: re.Match) -> str:
    """The clause gone when the main clause of its sentence has another subject (an imperative has "you")."""
    start = max(match.string.rfind(mark, 0, match.start()) for mark in ".;!?") + 1
    sentence = match.string[start:match.start()]
    main = _MAIN_SUBJECT.match(sentence)
    first = (re.findall(r"[a-z']+", sentence.lower()) or [""])[0]
    if main:
        pronoun = (main.group("pronoun") or "she").lower()
    elif first in _OWNER:
        pronoun = _OWNER[first]  # "Her face stayed blank ... before she smiled": her own face
    elif first in ("the", "a", "an", "this", "that", "its"):
        return match.group(0)  # "the scowl holds until she ...": whose it is is not said
    else:
        pronoun = "you"  # an imperative: "Keep the scowl until he apologises"
    other = match.group("subject").lower()
    if other == pronoun or (main and main.group("name") and other in ("she", "he", "they")):
        return match.group(0)  # "she frowns until she smiles": her own next step
    return ""


# "(the corners of his mouth) twitch up, then settle": a part that settles goes back to rest.
_SETTLES = re.compile(r"\b(?P<part>mouth|lips|eyes|brows|eyebrows|jaw|lids|face|features)\s+(?:settle[sd]?|subside[sd]?)"
                      r"(?:\s+(?:back|down))?\b(?!\s+(?:in)?to\b|\s+(?:on|in|into|onto|over)\b)", re.IGNORECASE)


# "and at length his eyes fill", "a moment on, back up", "presently she smiles": an adverbial of later time that opens a
# clause orders it after the clause before.
_LATER_TIME = re.compile(r"(?:\s*,\s*|\s+)(?:and\s*,?\s*)?(?:at\s+length|in\s+time|in\s+due\s+course|presently|by\s+and\s+by|"
                         r"before\s+long|with\s+time|soon\s+after(?:wards?)?|shortly\s+after(?:wards?)?|"
                         r"a\s+(?:moment|second|beat|breath|heartbeat|minute|while)\s+(?:on|afterwards?|after\s+that)|"
                         r"(?:moments?|seconds?|minutes?)\s+afterwards?|afterwards?|last\s+of\s+all|in\s+a\s+while)\s*,?\s+"
                         r"(?=[a-z])", re.IGNORECASE)
# "Start on a scowl and work your way round to a grin": making one's way to a face is changing into it.
_WAY_TO = re.compile(r"\s*,?\s*(?:and\s+)?(?:work|works|worked|working|make|makes|made|making|find|finds|found|wind|winds|"
                     r"wound|edge|edges|edged|inch|inches|inched|feel|feels|felt)\s+(?:your|her|his|their|its|the)\s+way\s+"
                     r"(?:round\s+|around\s+|over\s+|up\s+|back\s+|across\s+|down\s+)?(?:in)?to\b", re.IGNORECASE)
# "Her expression cycles: happy, sad, happy", "the face runs through: fear, anger, relief": after a verb of going
# through a series and a colon, the list is the steps.
_SERIES = re.compile(r"\b(?:cycles?|cycled|cycling|goes\s+through|went\s+through|go\s+through|runs?\s+through|ran\s+through|"
                     r"moves?\s+through|passes\s+through|passed\s+through|shifts?\s+through|alternates?|alternating|"
                     r"(?:in\s+)?(?:this\s+|that\s+)?order|in\s+sequence|progression|sequence)\s*:\s*(?P<list>[^.;!?]+)",
                     re.IGNORECASE)
# "His anger burns out, leaving only fatigue", "the smile fizzles out, leaving a blank": a feeling that burns or wears
# out ends, and what it leaves is the next face.
_BURNS_OUT = re.compile(r"\b(?P<face>(?:the|her|his|their)\s+[a-z]+)\s+(?:burns|burned|burnt|burning|fizzles|fizzled|peters|"
                        r"petered|wears|wore|runs|ran|flickers|flickered|gutters|guttered)\s+(?:out|off|itself\s+out)\b",
                        re.IGNORECASE)
_LEAVING = re.compile(r"\s*,\s*leaving\s+(?:(?:only|just|nothing\s+but|behind)\s+)?(?P<what>[^,;.!?]+)", re.IGNORECASE)
_ENDED_BEFORE = re.compile(r"\s+(?:(?:burns|burned|burnt|fizzles|fizzled|peters|petered|wears|wore|runs|ran|gutters|guttered)"
                           r"\s+(?:out|off|itself\s+out)|(?:fades|faded|drains|drained|dies|died|ebbs|ebbed)(?:\s+(?:away|out|off))?|"
                           r"vanishes|vanished|is\s+gone|was\s+gone)\s*$", re.IGNORECASE)


def _leaving(text: str) -> str:
    """"His anger burns out, leaving only fatigue" -> "His anger gives way to fatigue": a face that ends and what it
    leaves, when that reads as a face, is one transition (no rest between them)."""
    match = _LEAVING.search(text)
    if match is None:
        return text
    before = text[:match.start()]
    ended = _ENDED_BEFORE.search(before)
    if ended is None or not _shows_face(match.group("what")) or not _shows_face(before[:ended.start()]):
        return text
    return f"{before[:ended.start()]} gives way to {match.group('what')}{text[match.end():]}"


# "her grin stops short of her eyes", "falls short of his eyes": a smile that does not reach the eyes.
_SHORT_OF = re.compile(r"\b(?:stops?|stopped|falls?|fell|ends?|ended)\s+short\s+of\s+(?P<eyes>(?:her|his|their|the)\s+eyes)\b",
                       re.IGNORECASE)


# "Stare him down; no blinking, no smiling", "Smile; no teeth": a clause after ";" that only denies faces is how the
# face before is done, not a step of its own.
_ONLY_DENIALS = re.compile(r"\s*;\s+(?P<list>(?:no|without)\s+[a-z]+(?:\s*,\s*(?:and\s+|or\s+)?(?:no|without)\s+[a-z]+)*)"
                           r"(?=\s*(?:[.!?]|$))", re.IGNORECASE)


def _only_denials(match: re.Match) -> str:
    """"; no blinking, no smiling" -> " without blinking and without smiling"."""
    denied = re.findall(r"(?:no|without)\s+([a-z]+)", match.group("list"), re.IGNORECASE)
    if not all(_shows_face(word) for word in denied):
        return match.group(0)  # "; no teeth": a part, not a face to leave out
    return " " + " and ".join(f"without {word}" for word in denied)


def in_order(text: str, is_timing: Callable[[str], bool]) -> str:
    """The instruction with its clauses rewritten into the order things happen ("X, then Y").

    ``is_timing(words)`` says whether words only say when ("after two seconds"): those stay timing, not steps.
    """
    text = _NEVER_ENDS.sub("keeps", _VERB_FROM_TO.sub("", text))
    text = _NEVER_LET_END.sub(_never_let_end, text)
    text = _NOTHING_MOVES.sub(_nothing_moves, _KEPT_OFF.sub(lambda m: f"no {m.group('what')}", text))
    text = _KEPT_TO_SELF.sub(lambda m: f"holds back {m.group('what')}", text)
    text = _GONE_OPENS.sub(" then it fades", _WHEN_OTHER.sub(_when_other, text))
    text = _carried_subject(_pronoun_faces(text))
    text = _SETTLES.sub(lambda m: f"{m.group('part')} relax", text)
    text = _SERIES.sub(lambda m: " ; ".join(re.split(r"\s*,\s*(?:and\s+)?(?:then\s+)?", m.group("list"))), text)
    text = _BURNS_OUT.sub(lambda m: f"{m.group('face')} fades", _leaving(text))
    text = _ONLY_DENIALS.sub(_only_denials, text)
    text = _WAY_TO.sub(" into", _LATER_TIME.sub(", then ", text))
    text = _SHORT_OF.sub(lambda m: f"never quite reaches {m.group('eyes')}", text)
    text = _HELD_THEN_FAILS.sub(_held_then_fails, _ellipses(text))
    text = _MANNER_INTO.sub(lambda m: f"{m.group('how')} {m.group('verb')} ", text)
    text = _NEGATED_OPENING.sub(_correction, _DASH_CORRECTION.sub(", ", text))
    text = _asides(text, is_timing)
    text = _labels(text)
    text = _YIELDS.sub("gives way to", _UNTIL_LIMIT.sub(" as hard as possible", text))
    text = _VERB_TO.sub(_verb_to, _ANY_FROM_TO.sub(_any_from_to, text))
    text = _ordered_by_position(text)
    text = _INTO_LINE.sub(lambda m: f"{m.group('verb')} in", text)
    text = _STRAIGHT_FACE.sub("keeps the lips pressed", text)
    text = _CANNOT_HELP.sub(lambda m: m.group("what"), text)
    text = _TO_HIDE.sub(lambda m: _held_unless_failed(m, f", holding back {m.group('what')}"), text)
    text = _KEEP_FROM.sub(lambda m: _held_unless_failed(m, f", trying not to {m.group('what')}"), text)
    text = _released(text)
    text = _IT_ENDS.sub(_it_ends, text)
    text = _OPENS_GONE.sub(lambda m: f"{m.group('face')}, then it fades", _NOTHING_REPLACES.sub("", text))
    text = _SIDE_AFTER.sub(_side_after, text)
    text = _ONLY_WHEN.sub(" then ", text)
    text = _DROP_FACE.sub(lambda m: f"the {m.group('face')} fades", text)
    text = _RECOVER.sub("relax", _WORDLESS.sub("", text))
    text = _FACE_BREAKS.sub(_face_breaks, text)
    text = _PART_STATE.sub(_part_named, text)
    text = _ONE_MOMENT.sub(lambda m: f", then {m.group('next')}", _STOP_DOING.sub(_stopped, text))
    text = _FACE_STOPS.sub(lambda m: f"{m.group('face')}, then it stops", text)
    text = _BREAKS_THROUGH.sub(lambda m: f", then {(m.group('what') or m.group('won')).split()[-1]}", text)
    text = _THEN_OFF.sub("it fades away", text)
    text = _AND_GONE.sub(", then ", _SOON_GONE.sub(lambda m: f"{m.group(1)} gone", text))
    text = _SOURS.sub(lambda m: f"{m.group('who')}{m.group('verb')} into a {_look_of(m.group('verb'))} look", text)
    text = _TO_STONE.sub("turns into a stony face", text)
    text = _THEN_GONE.sub(", then it was gone", text)
    text = _LAST.sub(" finally", text)
    text = _ENDS_AND.sub(lambda m: f"{m.group('end')}, then ", text)
    text = _LET_INTO.sub("into", _SOON_INTO.sub(lambda m: f"{m.group('face')} ", text))
    text = _RESTATED_INTO.sub(lambda m: _restated_into(m, text), text)
    text = _PURPOSE.sub("", text)
    text = _BARE_NUMBER.sub(" ; ", text).strip(" ;") if _counts_up(text) else text
    text = _SLASH_LIST.sub(lambda m: " ; ".join(m.group(0).split("/")), text)
    text = _ONCE.sub(lambda m: f"{m.group('first')}, then ", text)
    text = _WHEN_ENDED.sub(lambda m: m.group(0) if is_timing(m.group("first")) else f"{m.group('first')}, then ", text)
    text = _FIRST_AND.sub(lambda m: f"{m.group('first')}, then ", text)
    text = _AFTER_THEN.sub(", then ", text)
    text = _TAKES_PLACE.sub(lambda m: f", then {m.group('new')}", text)
    for pattern, first, later in ((_BUT_FIRST, "first", "later"), (_BEFORE_CLAUSE, "first", "later"),
                                  (_REPLACES, "old", "new"), (_ONCE_TAIL, "first", "later")):
        match = pattern.match(text)
        if match and not is_timing(match.group(first)) and not is_timing(match.group(later)):
            if pattern is _ONCE_TAIL and _ENDING.search(match.group("later")):
                return match.group("later").strip()  # the moment it ends at is when, not a face
            return f"{match.group(first).strip()}, then {match.group(later).strip()}"
    match = _AFTER_TAIL.match(text)
    if (match and not is_timing(match.group("first")) and not is_timing(f"after {match.group('first')}")
            and not _LOOKS_AFTER.search(match.group("later")) and not _FIGURE.search(text)):
        return f"{match.group('first').strip()}, then {match.group('later').strip()}"
    return text


def _restated_into(match: re.Match, text: str) -> str:
    """"She smiled, but the smile faded into unease" -> "She smiled, then unease": the face named again before its
    transition is the step before, not a step of its own (only when the words before name it)."""
    root = match.group("noun").lower()[:4]
    if len(root) < 4 or root not in text[:match.start()].lower():
        return match.group(0)
    beat = (match.group("beat") or "").strip(" ,")
    return f", {beat}, {match.group('verb')}" if beat else f", {match.group('verb')}"


def _released(text: str) -> str:
    """"bites back a grin, then lets it show" -> "bites back a grin, then grin": the held-back face let go."""
    held = _HELD_BACK.search(text)
    if held is None:
        return text
    return text[:held.end()] + _LET_GO.sub(lambda m: f", then {held.group('what')}", text[held.end():], count=1)


def _asides(text: str, is_timing: Callable[[str], bool]) -> str:
    """"a smile (which then fades)" -> "a smile which then fades"; "a frown -- deep, puzzled -- then smiles" ->
    "a frown deep and puzzled then smiles": an aside describes the step it stands in.

    Brackets at the very start stay (a screenplay parenthetical, a numbered beat); beats in brackets ("(beat)")
    are left for the beat reader. Timing in brackets between two steps ("smile (2s) frown") ends its step.
    """
    def bracket(match: re.Match) -> str:
        inside = match.group("inside").strip()
        if match.start() == 0 or re.fullmatch(r"\d{1,2}|[a-h]|(?:a\s+)?(?:beat|pause|moment)", inside, re.IGNORECASE):
            return match.group(0)
        if is_timing(inside) and match.end() < len(text) and text[match.end():].strip(" ,.;!?"):
            return f" for {inside}, " if re.match(r"[\d.]", inside) else f" {inside}, "  # "(2s)" is how long
        return f" {_one_part(inside)} "

    def dashes(match: re.Match) -> str:
        aside = match.group("aside").strip()
        return f", {aside}, " if _BEAT_ASIDE.fullmatch(aside) else f" {_one_part(aside)} "
    return _DASH_ASIDE.sub(dashes, _BRACKETS.sub(bracket, text))


def _one_part(aside: str) -> str:
    """An aside's words as one description of the step it is in: "brief, polite" -> "brief and polite"."""
    return re.sub(r"\s*,\s*(?!then\b|and\b)", " and ", aside)


def _labels(text: str) -> str:
    """"NPC reacts: disgust first" -> "disgust first": a short label before a colon names the line, beat or
    character ("VO line:", "in:", "first:"), not the face, and goes.

    A face part before a colon ("eyes: wide") and a shorthand code ("mouthSmile_L: 0.6") are not labels.
    """
    def label(match: re.Match) -> str:
        words = match.group("label")
        tokens = set(re.findall(r"[a-z]+", words.lower()))
        layout = (re.search(r"\d", words) or tokens & _LAYOUT_WORDS
                  or any(len(w) > 1 and w.isupper() for w in words.split()))
        if _CODE.search(words) or tokens & _REGION_WORDS or not layout:
            return match.group(0)
        return " ; " if match.start() else ""
    return _LABEL.sub(label, text)


def _counts_up(text: str) -> bool:
    """True for "1 smile 2 frown ...": bare numbers 1, 2 (, 3 ...) each before a word, in order."""
    numbers = [int(m.group(0)) for m in _BARE_NUMBER.finditer(text)]
    return len(numbers) >= 2 and numbers == list(range(1, len(numbers) + 1)) and text.lstrip().startswith("1")
