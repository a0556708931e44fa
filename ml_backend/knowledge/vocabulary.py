"""The reader's broad vocabulary: emotion and expression words, idioms and figurative phrases, as FACS AUs.

Words are data. ``RECIPES`` name a face as AU codes (``au_vector`` syntax, intensity letters A-E
give the shape at the word's full strength) plus optional extra channel weights. ``TABLE`` rows say
``recipe | strength | phrasings``: the strength is how strong the word itself is ("content" 0.6,
"happy" 0.75, "beaming" 1.0; the defining channels of the strongest words reach >= 0.8), and the
phrasings are comma-separated. A phrasing starting with ``?`` is weak (an everyday word with other
meanings, "cross", "blank", "open"): it counts only in a step that reads mostly as a face. A row
whose recipe starts with ``!`` is a named action ("wink", "squint"): it overrides the regions it
moves, like a named part. Faces are our own FACS approximations (Ekman, Friesen & Hager 2002;
Du, Tao & Martinez 2014 for compounds), not measurements.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..naming.arkit import INDEX, NUM_CHANNELS
from .action_units import au_vector
from .face_changes import face_change_rows
from .face_parts import region_of

RECIPES = """
joy: 6D 12E 25 26A; mouthUpperUp=0.3
happy: 6C 12D; mouthUpperUp=0.15
content: 6B 12C
smile: 6C 12D; mouthUpperUp=0.15
grin: 6D 12E 25 26C; mouthUpperUp=0.3 mouthStretch=0.2
laugh: 6E 12E 25 26D 43B; mouthUpperUp=0.3
giggle: 6D 12D 25 26B 43A
smirk: R12D R14D 6A
amused: 6C 12C R14B
tender: 6B 12C 41B 1A
shy: 12C 64C 6A 14A
sheepish: 12B 64C 1B 24A 14B
embarrassed: 12B 64D 24B 6B 61A
flush: 64C 6A 61A
proud: 12C 6B 17B 63A
smug: R12C R14D 6A 41A 17A
mischief: 12C R14C 6B R2B 4A
flirty: 12C 6B 41B R2B L46A
relief: 1A 12C 43B 25
serene: 12A 41B
dreamy: 12B 41C 63B 1A
wistful: 1C 12B 43B 41B 61B 64A
sad: 1D 4B 15D 17B 64A; eyeBlink=0.15
grief: 1E 4D 15E 17D 43B 64B 25; eyeBlink=0.1
cry: 1E 4D 6C 15E 17D 43C 25 26A
dismay: 1D 4B 15D 25 26A 64A
disappointed: 1C 4B 15D 17C 64B 24A
hurt: 1D 4C 15C 17C 7A
pleading: 1E 4B 15B 5A 25
lonely: 1C 15C 64C 41A
sulky: 4C 15C 17D 18B 64B
pout: 17D 18C 15B 1A
surprise: 1E 2E 5D 26D
shock: 1E 2E 5E 26E 27B
awe: 1D 2D 5B 25 26B 63A
disbelief: 1C 2D 4A 5B 25 26A
curious: 1B R2D 5A 25 4A
confused: 4C 1B R2D 7A 24A
skeptical: 4B R2D 7C 24B L12A
thinking: 4B 7B 24A 63B 61A
fear: 1E 2C 4C 5E 20D 25 26B
terror: 1E 2D 4C 5E 20E 26E 27D
horror: 1E 2D 4C 5E 20D 9B 26D 27B
worry: 1D 4C 20B 24B
nervous: 1C 4B 20C 24B 12A 61A
forced: !12C 20A 24A; cheekSquint=0 eyeSquint=0
alarm: 1E 2D 4B 5E 25 26B
anger: 4E 5B 7D 23D 24B; mouthShrugLower=0.2
rage: 4E 5D 7E 9B 10C 20B 25 26C
annoyed: 4C 7B 24C 15A
frustrated: 4D 7C 24C 17C 15B
determined: 4C 7B 24C 17B
glare: 4E 5B 7D 24C
scowl: 4E 7C 15C 17C
stern: 4C 7B 24C 15A
snarl: 4D 9E 10E 25 26A 20B
yell: 4E 7C 10C 20C 25 26E 27B
disgust: 4B 9D 10D 15B 16B
sour: 4B 7C 9C 18D 15B 23A
contempt: R12C R14D
sneer: R9E R10E 4A R12A; mouthUpperUpRight=0.8
suspicious: 4B 7D 24B 61B
jealous: 4B 7C 15B 24A 61B
guilt: 1C 4B 64D 15B 24A
bored: 41C 43A 15B 64A 17A
tired: 41D 43C 64B 15B 1A
sleepy: 43D 41C 64A 26A
exhausted: 43C 41D 64C 15C 1B 25 26A
yawn: 26E 27D 43D 1B 20A
pain: 4D 6D 7D 9C 10C 43B 25 20C
wince: 4D 6C 7D 43C 20C 24A
grimace: 4C 6C 7D 20E 25 10B
effort: 4D 7D 24D 20C 17C 6B
concentrate: 4C 7C 24B 17A
calm: 41A
neutral: 
blank: 41A
stunned: 1D 2D 5E 25 26C
excited: 1C 2C 5B 6C 12D 25 26B
ecstatic: 1B 2B 6E 12E 25 26D 43A; mouthUpperUp=0.3
loving: 6C 12C 41B 1B
grateful: 1B 6C 12C 41A
defiant: 4C 17C 24B 63A 7B
pensive: 4B 24A 64B 61A 41A
sorry: 1D 4B 15C 64C 24A
pity: 1D 4B 15B 41A
kiss: !18E 22A
whistle: !18D 22C 33A
blow: !33D 18C
wink: !L46 L12B
squint: !7D 44C
blink: !45
tongue: !19E
bitetongue: !19C 26A
dimple: 14D
eyeroll: !63E 4A
lookup: !63D
lookdown: !64D
lookleft: !61D
lookright: !62D
lookaway: !61C 64A
gasp: 1D 2D 5D 25 26D 27A
sigh: 1B 43B 25 15A
sob: 1E 4D 6C 15E 17D 43C 25 26B
scream: 1E 2D 4C 5E 20E 26E 27E
hmm: 4B 24B 17A R2B
stare: 5B 7A
sneeze: 4C 9D 10B 43D 25 26B
"""

TABLE = """
joy | 1.0 | beaming, beam, overjoyed, elated, ecstatic, euphoric, jubilant, thrilled, delighted, radiant, exultant, rapturous, over the moon, on cloud nine, tickled pink, ear to ear, from ear to ear, grinning from ear to ear, joyous, gleeful, exuberant, blissful, overjoyed, triumphant, jubilation, elation, delight, glee, bliss, euphoria, rapture, like a kid on christmas morning, like a child at christmas, jumping for joy, walking on air, lit up, lights up, light up, glowing
happy | 0.75 | happy, glad, pleased, cheerful, joyful, jolly, merry, sunny, upbeat, chipper, bright, happiness, joy, cheery, chirpy, good mood, in a good mood, positive, good news, happily, gladly, cheerfully, buoyant, jovial, lighthearted, light hearted
content | 0.6 | content, contented, satisfied, pleasant, peaceful, at ease, fond, friendly, polite, amiable, affable, kind, kindly, warm, warmly, agreeable, comfortable, cozy, welcoming, approving, reassuring, encouraging, gracious, courteous, nice, sweet, sweetly, benevolent, benign, hospitable, genial, mellow
smile | 0.75 | smile, smiling, smiles, smiled, smiley, grins faintly
grin | 0.85 | grin, grinning, grins, toothy smile, smile with teeth, cheesy grin, cheesy, big smile, broad smile, wide smile
laugh | 0.95 | laugh, laughing, laughter, laughs, guffaw, chuckle heartily, belly laugh, roar with laughter, roaring with laughter, cackle, cackling, crack up, cracking up, in stitches, howl with laughter, hysterics, burst out laughing
giggle | 0.8 | giggle, giggling, giggles, chuckle, chuckling, chuckles, titter, tittering, snicker, snickering, snigger, sniggering, chortle, chortling
smirk | 0.8 | smirk, smirking, smirks, wry smile, wry, crooked smile, lopsided grin, lopsided smile, sly smile, sly, knowing smile, knowing look
amused | 0.7 | amused, amusement, entertained, tickled, bemused, wryly amused, humored, playful, playfully, teasing, tease, cheeky, impish, puckish
tender | 0.7 | softens, softened, softening, face softens, her face softens, his face softens, eyes soften, tender, tenderly, affectionate, affection, adoring, adoration, fondly, doting, caring, compassionate, gentle look, soft look, motherly, fatherly, warmhearted, tenderness
loving | 0.75 | loving, lovingly, in love, love, lovestruck, smitten, besotted, infatuated, head over heels, starry eyed, starry-eyed, dreamy eyed, moony, lovesick
shy | 0.7 | shy, shyly, bashful, coy, coyly, timid, demure, demurely, diffident, reserved, meek, self-conscious, self conscious
sheepish | 0.7 | sheepish, sheepishly, abashed, chagrined, rueful, ruefully, apologetic, apologetically, contrite, caught out, caught red handed, caught red-handed, busted
embarrassed | 0.75 | embarrassed, embarrassment, flustered, mortified, humiliated, awkward, awkwardly, uncomfortable, cringing, cringe, cringes, blushing, blush, blushes, red faced, red-faced, humiliation, ashamed, shame, shamefaced, self-consciously
proud | 0.7 | proud, proudly, pride, dignified, satisfied with herself, satisfied with himself, self satisfied, accomplished, confident, confidently, assured, self assured, poised, noble, regal, triumphal
smug | 0.8 | smug, smugly, self-satisfied, complacent, cocky, conceited, arrogant, arrogantly, vain, superior, supercilious, pleased with himself, pleased with herself, cat that got the cream, cat who ate the canary, the cat that ate the canary, know it all, know-it-all, gloating, gloat, gloats, self-righteous, patronizing, patronising, snooty, snobbish, uppity, holier than thou
mischief | 0.8 | mischievous, mischief, devious, scheming, sneaky, sneakily, conniving, up to something, up to no good, wicked grin, evil grin, evil smile, villainous, diabolical, plotting, cunning, crafty, sly grin, naughty, roguish, impishly
flirty | 0.75 | flirty, flirtatious, flirt, flirting, seductive, seductively, coquettish, sultry, come hither, bedroom eyes, alluring, suggestive, winking flirtatiously, charming, charmingly
relief | 0.75 | relieved, relief, phew, off the hook, weight off his shoulders, weight off her shoulders, sigh of relief, thank goodness, reassured, unburdened
serene | 0.6 | serene, serenely, tranquil, placid, zen, at peace, equanimity, peace, peacefully, contemplative, meditative, soothed, restful
calm | 0.6 | calm, calmly, relaxed, relax, relaxes, relaxing, easy going, easygoing, unbothered, nonchalant, chill, laid back, laid-back, cool, unfazed, untroubled, steady, level headed, composed, collected, unruffled
dreamy | 0.7 | dreamy, dreamily, daydreaming, daydream, lost in thought, far away look, faraway, faraway look, spaced out, absent minded, absentminded, distant, mooning, in a daze, dazed, reverie, enchanted, entranced, spellbound, mesmerized, mesmerised, transfixed, hypnotized
sad | 0.7 | melancholic, melancholy, melancholia, morose, lugubrious, doleful, dolefully
wistful | 0.75 | wistful, wistfully, nostalgic, nostalgia, longing, yearning, reminiscing, bittersweet, sentimental, homesick, pining, remembering, rueful smile, sad smile
sad | 0.75 | sad, sadly, sadness, unhappy, sorrowful, downcast, miserable, mournful, blue, gloomy, glum, down in the dumps, dejected, despondent, downhearted, down hearted, disheartened, dispirited, forlorn, woeful, woebegone, morose, heavy hearted, heavyhearted, low, depressed, depression, upset, hurt feelings, hopeless, sorrow, unhappily, down, moping, mopey, mopes, sullen, somber, sombre, doleful, lugubrious, plaintive, pained, tearful, teary, misty eyed, misty-eyed, choked up, lump in her throat, lump in his throat, on the verge of tears, close to tears, near tears, eyes well up, eyes welling, welling up, about to cry, fighting tears, fighting back tears
grief | 0.9 | grief, heartbroken, broken hearted, brokenhearted, heartsick, devastated, despairing, despair, desolate, grieving, grief stricken, grief-stricken, bereaved, inconsolable, distraught, wretched, agonized, agonised, anguish, heartbreak, mourning, wailing, wail, wails, lamenting, shattered, broken, crushed, anguished
cry | 0.9 | cry, crying, cries, cried, tears, in tears, weep, weeping, weeps, wept, bawl, bawling, blubber, blubbering, tears streaming, tears stream, burst into tears, bursts into tears, breaks down, break down, breaking down, breaks down in tears
sob | 0.95 | sob, sobbing, sobs, sobbed, uncontrollable sobbing, ugly crying, ugly cry, wracked with sobs
dismay | 0.8 | crestfallen, dismayed, dismay, deflated, let down, downcast eyes, face falls, her face falls, his face falls, face fell, face drops, face dropped, heart sinks, heart sank, chapfallen, disconcerted, taken aback sadly
disappointed | 0.75 | disappointed, disappointment, disappointing, disillusioned, discouraged, disenchanted, unimpressed, underwhelmed, let-down, frustrated sadly
hurt | 0.75 | hurt, wounded, stung, offended, aggrieved, betrayed, slighted, insulted, injured feelings, resentful, bitter, bitterly, bitterness, resentment, wronged
pleading | 0.8 | pleading, plead, pleads, begging, beg, begs, imploring, implore, beseeching, puppy eyes, puppy dog eyes, puppy-dog eyes, desperate, desperately, helpless, helplessly, needy, supplicating, please please
lonely | 0.7 | lonely, lonesome, alone, abandoned, isolated, neglected, forsaken, left out, outcast, rejected, unloved, lost
sulky | 0.8 | sulky, sulking, sulk, sulks, petulant, peevish, grumpy, grouchy, cranky, crabby, moody, huffy, in a huff, surly, churlish, disgruntled, pouty, whiny, whining, bratty, stroppy, grumbling, grumble, grumbles, curmudgeonly
pout | 0.8 | pout, pouting, pouts, pouted, duck face, duckface, trout pout
surprise | 0.85 | surprise, surprised, surprising, astonished, astonishment, amazed, amazement, astounded, taken aback, startled, startle, startles, flabbergasted, dumbfounded, gobsmacked, staggered, bowled over, caught off guard, wow, whoa, oh my, eyebrows shoot up, did a double take, double take, blindsided, thunderstruck, speechless, agog, wide eyed, wide-eyed
shock | 1.0 | shock, shocked, jaw on the floor, shocking, stunned into silence, appalled, aghast, floored, shell shocked, shell-shocked, horrified surprise, like he has seen a ghost, like she has seen a ghost, seen a ghost, saw a ghost, ghost, white as a sheet, as if struck, thunderstruck with horror, stupefied, traumatized, traumatised, disbelieving horror
shock | 0.75 | jaw drops, jaw dropped, jaw-dropping
stunned | 0.85 | stunned, stupefied, dazed surprise, paralyzed, paralysed, frozen, frozen in place, rooted to the spot, stock still, deer in headlights, deer in the headlights, like a deer caught in headlights, catatonic, petrified with shock
awe | 0.8 | awe, awed, in awe, awestruck, awe struck, awe-struck, wonder, wonderment, marvel, marveling, marvelling, marvels, amazed wonder, reverent, reverence, worshipful, breathtaken, breathless, starstruck, star struck, dazzled, impressed, fascinated, fascination, captivated, enthralled, rapt
disbelief | 0.8 | disbelief, incredulous, incredulity, incredulously, unbelieving, in disbelief, cant believe, can not believe, cannot believe, doubtful surprise, you must be joking, you have got to be kidding, are you serious, baffled surprise
curious | 0.7 | curious, curiosity, curiously, intrigued, inquisitive, interested, interest, interesting, questioning, quizzical, quizzically, wondering, inquiring, nosy, attentive, alert, keen, eager, eagerly, expectant, expectantly, hopeful, hopefully, anticipation, anticipating
confused | 0.75 | confused, confusion, puzzled, perplexed, baffled, bewildered, befuddled, bemusedly, mystified, nonplussed, at a loss, lost look, flummoxed, muddled, disoriented, stumped, head scratching, scratching his head, scratching her head, huh, what the heck, what the hell
skeptical | 0.75 | skeptical, sceptical, skepticism, dubious, doubtful, doubting, unconvinced, distrustful, mistrustful, wary, warily, cynical, cynically, not buying it, raised eyebrow look, side eye, side-eye, sideeye, leery, questioning look, are you sure
thinking | 0.7 | thinking, thoughtful, thoughtfully, pondering, ponder, ponders, considering, contemplating, musing, reflecting, reflective, deliberating, calculating, weighing it up, mulling, mulls, deep in thought, focused thinking, hmm, figuring out, puzzling
pensive | 0.7 | pensive, pensively, brooding, broods, introspective, solemn, solemnly, grave, gravely, serious, seriously, sober, subdued, muted, quiet, withdrawn, preoccupied, absorbed, somber look
fear | 0.85 | fear, afraid, scared, frightened, fearful, fright, spooked, alarmed, anxious fear, panicked, panic, panicking, panicky, fearfully, timorous, nervous fear, jumpy, jittery, edgy, creeped out, unnerved, threatened, intimidated, cowering, cower, cowers, shaking with fear, trembling with fear, like a scared rabbit, chicken
terror | 1.0 | terrified, terror, petrified, horror struck, horror-struck, panic stricken, panic-stricken, terror stricken, scared to death, scared stiff, frightened to death, paralysed with fear, paralyzed with fear, mortal fear, sheer terror, abject terror, screaming in terror, scream in terror, screams in terror, blood curdling, bloodcurdling, hysterical, hysterically, frantic, frantically
horror | 0.95 | horror, horrified, horrifying, horrific, appalled, aghast, revolted horror, nightmare, nightmarish, ghastly, gruesome, macabre, grisly, disturbing, disturbed, harrowing
worry | 0.75 | worried, worry, worries, worrying, concerned, concern, anxious, anxiety, uneasy, unease, troubled, apprehensive, apprehension, fretful, fretting, frets, distressed, distress, tense, tensed, stressed, stress, stressed out, on edge, uptight, perturbed, disturbed look, bothered, restless, agitated, upset worry, dread, dreading, foreboding, ominous feeling, uncertain, unsure, hesitant, hesitantly, hesitation, insecure, vulnerable, overwhelmed, harried, frazzled, beleaguered
nervous | 0.75 | nervous, nervously, nervous smile, awkward smile, uneasy smile, uncomfortable smile, pained smile, jittery smile, anxious smile, grimacing smile
forced | 0.75 | forced grin, fake grin, polite grin, strained grin, forced smile, fake smile, polite smile, tight smile, strained smile, false smile, plastic smile, pasted on smile, pasted-on smile, practised smile, practiced smile, customer service smile, smile that does not reach the eyes, smile that does not reach her eyes, smile that does not reach his eyes, smile that never reaches the eyes, does not reach the eyes, does not reach her eyes, does not reach his eyes, never reaches her eyes, never reaches his eyes, not with her eyes, not with his eyes, not with the eyes, smiles through it, smiling through it, put on a smile, puts on a smile
alarm | 0.85 | alarm, alarmed look, startled fear, spooked look, jolted, jumped, jumps, shocked fear, jump scare, flinch, flinches, flinching, recoil, recoils, recoiling, taken by fright
anger | 0.85 | angry, anger, mad, irate, wrath, angrily, annoyed anger, incensed, indignant, indignation, outraged, outrage, riled, vexed, heated, hostile, hostility, fuming, steaming, hot under the collar, up in arms, bristling, worked up, ticked off, pissed off, displeased, displeasure, mean, menacing, threatening, aggressive, aggressively, fierce, fiercely, ferocious, spiteful, vindictive, resentful anger, antagonistic, combative, belligerent, cross
rage | 1.0 | furious, furiously, fury, enraged, rage, raging, rages, livid, seething, seethes, infuriated, irate beyond words, incandescent, apoplectic, berserk, murderous, ballistic, blows his top, blows her top, hits the roof, flies off the handle, seeing red, sees red, boiling, boiling with rage, beside himself, beside herself, wild with anger, apoplectic with rage, foaming at the mouth, blind rage, hateful, hatred, hate, loathing, venomous, vicious, savage, wrathful, in a rage, raging mad, hopping mad, mad as hell
annoyed | 0.7 | annoyed, annoyance, irritated, irritation, irritable, exasperated, exasperation, impatient, impatiently, impatience, bothered annoyance, fed up, sick of it, tired of it, over it, had enough, miffed, testy, prickly, put out, put upon, nettled, galled, aggravated, vexation, tetchy, snippy, grudging, grudgingly
frustrated | 0.8 | frustrated, frustration, thwarted, defeated frustration, at wits end, exasperated sigh, tearing hair out, pulling his hair out, pulling her hair out, gritting, aargh, argh, ugh
determined | 0.75 | determined, determination, resolute, resolutely, resolved, steely, steely eyed, steely-eyed, focused, focus, intent, intently, purposeful, set jaw, gritty, unwavering, unyielding, firm, firmly, stubborn, stubbornly, obstinate, headstrong, dogged, serious business, ready for battle, game face, ready to fight, fighting spirit, tough, hard faced, hard-faced, ambitious, driven, brave, bravely, courageous, heroic, bold, boldly
defiant | 0.8 | defiant, defiantly, defiance, rebellious, insolent, insubordinate, challenging, challenge, daring, dares, provocative, unrepentant, unbowed, proud defiance, chin up, head held high, unimpressed defiance
glare | 0.85 | glare, glaring, glares, glared, death stare, dagger eyes, looks daggers, looking daggers, stare daggers, staring daggers, shoots daggers, evil eye, dirty look, withering look, withering stare, hard stare, icy stare, cold stare, stony stare, steely stare, fixes him with a stare, fixes her with a stare, eyes like daggers, glowers, glower, glowering
scowl | 0.85 | scowl, scowling, scowls, scowled, frown, frowning, frowns, frowned, lour, lowering look, black look, dark look, sour look, dour, dourly, grim, grimly, stony faced, stony-faced, stone faced, sullen frown, brooding frown
stern | 0.7 | stern, sternly, strict, severe, severely, disapproving, disapproval, reproachful, reproach, reproving, admonishing, scolding, scolds, stony, cold, coldly, cool look, unsmiling, no nonsense, no-nonsense, humorless, humourless, austere, authoritative, bossy, commanding, imperious, strict teacher, headmaster
snarl | 0.95 | snarl, snarling, snarls, growl, growling, growls, bares teeth, bare teeth, baring teeth, baring her teeth, baring his teeth, teeth bared, feral, animalistic, like a wild animal, like a rabid dog, rabid, vicious snarl
yell | 0.95 | yell, yelling, yells, shout, shouting, shouts, scream at, screaming at, screams at, bellow, bellowing, roar, roaring, roars, barking orders, holler, hollering, rant, ranting, tirade, outburst, tantrum, temper tantrum, lose temper, loses her temper, loses his temper, lost her temper, lost his temper, explodes, exploding, explosive
disgust | 1.0 | revolted, repulsed, nauseated, sickened
disgust | 0.85 | disgust, disgusted, disgusting, grossed out, revulsion, yuck, gross, icky, repelled, repugnance, nauseous, sickened disgust, queasy, eww, ew, ugh gross, yuk, bleh, blech, vile, foul, putrid, stinks, stinky, smelly, bad smell, rotten smell, smelled something bad, smells something bad, smelling something bad, bad taste, tastes bad, rotten, rotten egg, rotten eggs, stepped in something, nasty, distaste, distasteful, loathe, abhor, abhorrence, grossly, appalled disgust, offended nose
sour | 0.85 | sour, lemon, bitten a lemon, bit into a lemon, sucked a lemon, sucking a lemon, sucking on a lemon, lemons, sour taste, sour candy, vinegar, pickle, tart, acidic, puckered, sourpuss, sour faced, sour-faced, lemony, tastes sour, bitter taste, bitter medicine, medicine
contempt | 0.8 | contempt, contemptuous, contemptuously, scornful, scorn, scornfully, disdain, disdainful, disdainfully, looking down on, looks down on, condescending, condescension, haughty, haughtily, derisive, derision, dismissive, dismissively, unimpressed contempt, snide, sardonic, sardonically, sarcastic, sarcastically, sarcasm, mocking, mockingly, mock, mocks, ridicule, ridiculing, belittling, disparaging, withering contempt, eye roll contempt, pfft, pff, whatever
sneer | 0.85 | sneer, sneering, sneers, sneered, elvis lip
suspicious | 0.75 | suspicious, suspiciously, suspicion, distrust, mistrust, paranoid, wary suspicion, guarded, cagey, shifty, shifty eyed, shifty-eyed, sizing up, sizes up, appraising, scrutinizing, scrutinising, scrutiny, narrow eyed, narrow-eyed, squinting suspiciously, eyeing, eyes him, eyes her, calculating look, sly look
jealous | 0.75 | jealous, jealousy, envious, envy, covetous, green with envy, begrudging, resentful jealousy, possessive
guilt | 0.75 | guilty, guilt, guiltily, remorseful, remorse, regretful, regret, regretting, repentant, penitent, conscience stricken, guilt ridden, guilt-ridden, shame faced, sorry for himself, sorry for herself, caught, hangdog
sorry | 0.75 | sorry, apology, apologizing, apologising, apologises, apologizes, sympathetic, sympathy, condolence, commiserating, consoling, comforting, empathetic, empathy, understanding look, sorrowful sympathy
pity | 0.7 | pity, pitying, pitiful, pitiable, poor thing, aww, aw, feeling sorry, touched, moved, heartfelt, poignant, tender sadness
bored | 0.75 | bored, boredom, boring, uninterested, disinterested, indifferent, indifference, apathetic, apathy, listless, unenthused, unenthusiastic, jaded, weary boredom, tedium, tedious, monotonous, blah, meh, dull, dully, vacant, glazed, glazed over, zoned out, zoning out, checked out, switched off, going through the motions, unamused, not amused, flat, flatly, impassive, expressionless boredom, disengaged, lethargic, sluggish
tired | 0.8 | tired, tiredness, weary, wearily, weariness, fatigued, fatigue, worn out, worn-out, drained, spent, run down, rundown, beat, bleary, bleary eyed, bleary-eyed, droopy, droopy eyes, heavy eyed, jet lagged, jetlagged, sleep deprived, burnt out, burned out, burnout, wiped out, knackered, pooped, done in, dog tired, bone tired, haggard, careworn, ragged, frazzled tired
sleepy | 0.85 | sleepy, sleepily, drowsy, drowsily, drowsiness, dozy, dozing, dozes, nodding off, nods off, half asleep, half-asleep, groggy, somnolent, falling asleep, falls asleep, about to fall asleep, struggling to stay awake, just woke up, waking up, wakes up, asleep, sleeping, sleeps
exhausted | 0.95 | exhausted, exhaustion, shattered tiredness, dead tired, dead on her feet, dead on his feet, ready to collapse, about to collapse, at the end of her rope, at the end of his rope, completely drained, utterly spent, totally worn out, running on empty, out of breath, breathless exhaustion, panting, pant, pants, winded, gasping for air, collapsed, spent force
yawn | 0.95 | yawn, yawning, yawns, yawned, big yawn, stifles a yawn
pain | 0.9 | pain, painful, in pain, hurting, aching, agony, agonizing, agonising, suffering, suffer, suffers, ouch, ow, owww, injured, stubbed toe, stubs his toe, stubs her toe, toothache, headache, migraine, cramp, sting, stinging, burning pain, writhing, writhes, tormented, torment, excruciating
wince | 0.8 | wince, winces, wincing, winced, flinch in pain, ouch face, pained look, cringe in pain, grimaces in pain, ow face
grimace | 0.85 | grimace, grimacing, grimaces, grimaced, yikes, eek, awkward grimace, teeth clenched grin, clenched teeth, clenching teeth, gritted teeth, gritting teeth, grits teeth, grits her teeth, grits his teeth, through gritted teeth, oof, cringe face, bracing, braces for impact, bracing for impact
effort | 0.9 | effort, straining, strain, strains, strained, exertion, exerting, pushing hard, heaving, heave, heaves, lifting something heavy, lifts something heavy, struggling, struggle, struggles, grunting, grunt, grunts, weightlifting, pulling hard, pushing, push, pushes, tug of war, constipated, constipation
concentrate | 0.75 | concentrating, concentration, concentrate, concentrates, studying, studious, scrutinising, reading carefully, absorbed in work, hard at work, working hard, in the zone, zeroed in, zeroing in, aiming, taking aim, threading a needle, solving, deep concentration, engrossed
neutral | 0.0 | neutral, neutral face, expressionless, blank face, no expression, straight face, emotionless, poker face, poker-faced, deadpan face, stoic, stoically, stony silence, unreadable, inscrutable, unmoved, impassive face, rest, at rest, resting face, default, normal, normal face, relaxed face, neutral expression, nothing, nonreactive, unexpressive, neutral again
blank | 0.6 | ?blank, blankly, vacantly, empty, emptily, hollow, hollow eyed, numb, numbly, dead eyed, dead-eyed, thousand yard stare, thousand-yard stare, dissociating, staring into space, stares into space, staring into the distance, zombie, robotic, robotically, catatonic stare
excited | 1.0 | thrilled to bits, thrilled to pieces, wild with excitement, bursting with excitement
excited | 0.85 | excited, excitedly, excitement, exciting, eager excitement, enthusiastic, enthusiastically, enthusiasm, animated, lively, vivacious, bubbly, giddy, pumped, psyched, stoked, hyped, energetic, thrilled to bits, can not wait, cannot wait, wide eyed excitement, bouncing, exhilarated, exhilaration, elated surprise, overexcited
ecstatic | 1.0 | ecstatic, ecstasy, ecstatically, overjoyed laughter, euphorically, rapturously, deliriously happy, delirious, hysterical laughter, happiest day, best day ever, joy unbounded, uncontainable joy, over the top happy
grateful | 0.7 | grateful, gratefully, gratitude, thankful, thankfully, appreciative, appreciation, touched gratitude, thanks, thank you, moved to thanks, humbled, blessed
kiss | 0.9 | kiss, kissing, kisses, blow a kiss, blows a kiss, blowing a kiss, air kiss, smooch, smooching, kissy face, kissy
whistle | 0.9 | whistle, whistling, whistles, whistled
blow | 0.9 | blow out candles, blows out candles, blowing out, puff, puffing, puffs, huff and puff, blowing air, blows air, blow air, chipmunk cheeks, hamster cheeks, holding breath, holds his breath, holds her breath, holding her breath, holding his breath, underwater
wink | 0.9 | wink, winking, winks, winked
squint | 0.8 | squint, squinting, squints, squinted, squinty, screws up her eyes, screws up his eyes, into the sun, bright light, blinded by the light, dazzled by the sun
blink | 0.9 | blink, blinking, blinks, blinked, bat eyelashes, batting eyelashes, flutter eyelashes, flutters eyelashes
bitetongue | 0.75 | tongue between the teeth, tongue between teeth, tongue between her teeth, tongue between his teeth, tongue caught between her teeth, tongue caught between his teeth, tongue caught between the teeth, tip of the tongue showing, tongue just visible, bit of tongue showing, tongue poking out, tongue pokes out, tip of the tongue pokes out, tip of her tongue, tip of his tongue, tongue peeking out, tongue peeks out
dimple | 0.7 | dimple, dimples, dimpled, dimpling, dimpler, dimple shows, dimples show, dimples showing, dimple showing, dimpled cheeks, dimpled cheek, dimple in her cheek, dimple in his cheek, dimples in her cheeks, dimples in his cheeks, dimple flickers, dimples deepen, dimple deepens
tongue | 0.9 | stick tongue out, sticks tongue out, sticking tongue out, sticks out tongue, sticks out her tongue, sticks out his tongue, tongue out, raspberry, blows a raspberry, blowing a raspberry, lick lips, licks lips, licking lips, licks her lips, licks his lips, blep, mlem, tongue sticking out
eyeroll | 0.85 | eye roll, eyeroll, rolls eyes, rolls her eyes, rolls his eyes, rolling eyes, rolling her eyes, rolling his eyes, rolled eyes, rolled her eyes, rolled his eyes, roll eyes, roll her eyes, roll his eyes, roll your eyes, rolls her eyes skyward
lookup | 0.8 | ?look up, ?looks up, ?looking up, ?looked up, glance up, glances up, glancing up, gazes up, gaze up, gazing up, eyes up, looks upward, looking upward, look upward, stares up, stares at the sky, looks at the sky, looking at the sky, looks at the ceiling, looking at the ceiling, looks heavenward, looks skyward, up at the sky, heavenward, skyward
lookdown | 0.8 | ?look down, ?looks down, ?looking down, ?looked down, glance down, glances down, glancing down, gazes down, gaze down, gazing down, eyes down, eyes downcast, downcast gaze, looks at the floor, looking at the floor, looks at the ground, looking at the ground, looks at her feet, looks at his feet, stares at the floor, stares at the ground, averts her eyes, averts his eyes, averted eyes, averted gaze, avert eyes, lowers her eyes, lowers his eyes, lowered eyes, lowers her gaze, lowers his gaze, eyes lowered
lookleft | 0.8 | looks left, look left, looking left, glances left, glance left, glancing left, eyes left, looks to the left, look to the left, looking to the left, glances to the left, eyes to the left, gaze left, gazes left
lookright | 0.8 | looks right, look right, looking right, glances right, glance right, glancing right, eyes right, looks to the right, look to the right, looking to the right, glances to the right, eyes to the right, gaze right, gazes right
lookaway | 0.8 | looks away, look away, looking away, glances away, glance away, glancing away, glances aside, looks aside, looking aside, turns her eyes away, turns his eyes away, avoids eye contact, avoiding eye contact, averts her gaze, averts his gaze, looks sideways, sideways glance, sidelong glance, side glance, shifty glance, darting eyes, eyes dart, eyes darting, eyes dart around
gasp | 0.9 | gasp, gasps, gasping, gasped, sharp intake of breath, inhales sharply, intake of breath, oh no, oh dear, oh my god, omg
sigh | 0.7 | sigh, sighs, sighing, sighed, heavy sigh, exhale, exhales, exhaling, deep breath out, resigned, resignation, resignedly, defeated, defeat, giving up, gives up, gave up, surrender, surrenders, acceptance, accepting, sighing deeply
scream | 1.0 | scream, screaming, screams, screamed, shriek, shrieking, shrieks, shrieked, screech, screeching, shrill scream, horror movie scream, blood-curdling scream, howl, howling, howls, wail in terror, cry out, cries out, crying out
hmm | 0.7 | hmm, hmmm, hmph, humph, considering skeptically, mm, mmm, uh huh, unconvinced hmm, not sure about that
disbelief | 0.85 | what, seriously, really, are you kidding, you are kidding, no way, unbelievable, incredible, unreal, shaking her head in disbelief, shaking his head in disbelief
rage | 1.0 | red with rage, red with anger, purple with rage, face like thunder, face like a thundercloud, thunderous, stormy, storm clouds, daggers, steam coming out of his ears, steam coming out of her ears, smoke coming out of his ears, like a bull, like a raging bull
sad | 0.8 | like someone died, as if someone died, like her dog died, like his dog died, like she lost her best friend, like he lost his best friend, like a kicked puppy, kicked puppy, like a lost puppy, lost puppy, rain cloud, under a cloud, long face, pulls a long face, face like a wet weekend, down in the mouth
shock | 1.0 | like he saw a ghost, like she saw a ghost, as if he had seen a ghost, as if she had seen a ghost, like a deer in headlights, as if struck by lightning, struck by lightning, jaw hits the floor, jaw hit the floor, eyes pop out, eyes popping, eyes popping out, eyes bulging, bug eyed, bug-eyed, pop eyed, saucer eyes, eyes like saucers
smug | 0.85 | like the cat that got the cream, like the cat that ate the canary, like she won, like he won, like she knows something, like he knows something, knows something we do not, i told you so, told you so
disgust | 0.9 | like she smelled something rotten, like he smelled something rotten, as if she smelled something, as if he smelled something, smelled a skunk, like something smells bad, like she stepped in something, like he stepped in something, as if tasting something bad, tasted something awful, something awful, spoiled milk, sour milk, rotten fish
terror | 1.0 | like a horror movie, as if facing a monster, face to face with a monster, sees a monster, saw a monster, monster, running for her life, running for his life, fearing for his life, fearing for her life, scared out of her wits, scared out of his wits, jump out of her skin, jump out of his skin, jumps out of her skin, jumps out of his skin
joy | 1.0 | like she won the lottery, like he won the lottery, won the lottery, wins the lottery, like a kid in a candy store, like christmas came early, happiest person alive, over the moon with joy, grinning like a cheshire cat, cheshire cat grin, cheshire cat, like a cheshire cat
embarrassed | 0.8 | wants the ground to swallow her, wants the ground to swallow him, wishes the ground would swallow her, wishes the ground would swallow him, red as a tomato, red as a beet, beet red, beetroot, blushes furiously
exhausted | 0.95 | like she ran a marathon, like he ran a marathon, after a marathon, ran a marathon, hit by a truck, like she was hit by a truck, like he was hit by a truck, like death warmed over, death warmed up, like a zombie
joy | 1.0 | chuffed, chuffed to bits, mirthful, victorious, triumphantly, on top of the world, happy as a clam, happy as larry, like a dog with two tails, cock a hoop, won a medal, won a gold medal, gold medal, won the game, won the race, won the cup, scored the winning goal, hit the jackpot, like a kid at a birthday party
happy | 0.75 | perky, sparkling, twinkly, twinkle in her eye, twinkle in his eye, bright eyed, bright-eyed, sanguine, blithe, blithely, sunny disposition, all smiles, pleased as punch
sad | 0.8 | holding it together, barely holding it together, keeping it together, falling apart, coming apart, close to breaking, on the verge, gutted, bereft, disconsolate, choked, teary eyed, teary-eyed, weepy, sniffling, sniffly, heart broke, heart breaks, heart breaking, heart is breaking, heart broken, broke her heart, broke his heart, breaks her heart, breaks his heart, end of the world, world ended, world had ended, world has ended, world fell apart, world falls apart, world collapsed, lost everything, funeral, at a funeral, blue mood, hollow inside
cry | 0.9 | crumple, crumples, crumpled, crumpling, face crumples, face crumpled, dissolves in tears, dissolves into tears, sheds a tear, shed a tear, tear rolls down, tears roll down, tears well, tears welling, eyes fill with tears, eyes filled with tears
shock | 1.0 | shellshocked, dumbstruck, ashen, ashen faced, pale as a ghost, white as a ghost, drained of colour, drained of color, blood drains from her face, blood drains from his face, colour drains from her face, colour drains from his face, color drains from her face, color drains from his face, rattled, shaken, scandalized, scandalised
fear | 0.85 | skittish, ?shook, haunted, hunted, hunted look, antsy fear, squeamish, cold sweat, in a cold sweat, heart in her mouth, heart in his mouth, hair standing on end, goosebumps, spine tingling, trembling, shaking, shivering, quaking, quivering, like a frightened animal, like a cornered animal, cornered
rage | 1.0 | vengeful, bloodthirsty, thundercloud, like a thundercloud, like thunder, like a volcano, ready to explode, about to explode, about to blow, blood boiling, blood boils, fit to burst, incandescent with rage, spitting mad, spitting feathers, mad as a hornet, ticked, rankled
anger | 0.85 | affronted, ornery, cantankerous, sore, in a temper, bad tempered, bad-tempered, short tempered, hot headed, hotheaded, riled up, wound up, worked up into a lather
annoyed | 0.7 | antsy, fidgety, impatient sigh, drumming fingers, had it up to here, rolling with annoyance
mischief | 0.8 | devilish, devilishly, wicked, wickedly, evil, evilly, sinister, fiendish, like he is up to something, like she is up to something, butter would not melt
smug | 0.85 | smarmy, self congratulatory, self-congratulatory, pleased with themselves, cocksure, like he owns the place, like she owns the place, like he knows better, like she knows better
sheepish | 0.7 | chastened, caught in the act, hand in the cookie jar, with his hand in the cookie jar, with her hand in the cookie jar, cookie jar, caught out again, guilty grin, guilty smile, oops, whoops, my bad
embarrassed | 0.8 | tongue tied, tongue-tied, mousy, red to the ears, red to the tips of her ears, red to the tips of his ears, wishes she could disappear, wishes he could disappear
blank | 0.6 | glassy eyed, glassy-eyed, glassy, thousand mile stare, staring blankly, vacant stare, dead behind the eyes
tired | 0.8 | woozy, zonked, dizzy, loopy, dead on her feet, dead on his feet, running on fumes, barely awake, can barely keep her eyes open, can barely keep his eyes open
pensive | 0.7 | earnest, earnestly, sincere, sincerely, broody, wistful look, lost in her thoughts, lost in his thoughts, miles away
pain | 0.9 | stepped on his toe, stepped on her toe, stepped on his foot, stepped on her foot, stubbed his toe, stubbed her toe, stung by a bee, stung by a wasp, bee sting, paper cut, hit his thumb, hit her thumb, banged his head, banged her head, twisted ankle, kicked in the shin, like a punch in the gut, punched in the gut, gut punch
disgust | 0.9 | grossed, like she swallowed a fly, like he swallowed a fly, swallowed a fly, like she tasted something rotten, like he tasted something rotten, smells like feet, smelly socks, sour stomach, turned her stomach, turned his stomach, stomach turning, gag, gags, gagging, retch, retches, retching, dry heave, dry heaving, about to throw up, about to be sick, going to be sick, wants to vomit
alarm | 0.85 | with a start, wakes with a start, woke with a start, waking with a start, jolts awake, jolted awake, jumps out of her chair, jumps out of his chair, startled awake
terror | 1.0 | scared witless, frightened witless, shaking like a leaf, trembling like a leaf, white with terror, frozen with fear, frozen in terror, rigid with fear
stare | 0.7 | unblinking, unblinkingly, without blinking, fixed stare, stares fixedly, staring fixedly, intent stare, piercing stare, piercing gaze, stares him down, stares her down, staring contest
sneeze | 0.9 | sneeze, sneezes, sneezing, sneezed, about to sneeze, achoo, atchoo
shock | 1.0 | blanch, blanches, blanched, blanching, goes pale, went pale, turns pale, turned pale, pales, paled
worry | 0.75 | shadow crosses her face, shadow crosses his face, a shadow crosses her face, a shadow crosses his face, shadow passes over her face, shadow passes over his face, clouds over, face clouds, swallows hard, swallowed hard, gulps, gulp, gulped, gulping
stern | 0.7 | hardens, hardened, hardening, face hardens, expression hardens, eyes harden, turns cold, goes cold, went cold
dreamy | 0.7 | tipsy, drunk, drunken, sloshed, woozy grin, giddy drunk, intoxicated
shock | 1.0 | like he had been slapped, like she had been slapped, as if he had been slapped, as if she had been slapped, been slapped, slap in the face, like a slap in the face, sucker punched, blindsided by the news, like a bucket of cold water, doused with cold water
disgust | 0.9 | cockroach, cockroaches, a cockroach, maggot, maggots, vermin, slug, something the cat dragged in, something on her shoe, something on his shoe, dog mess, sewage, roadkill, rancid, mouldy, moldy, gone off, past its sell by date
amused | 0.75 | dirty joke, a joke, joke, jokes, good joke, private joke, inside joke, punchline, pun, a funny story, funny story, tickled pink, chuckling to himself, chuckling to herself
suspicious | 0.8 | eyes like a hawk, like a hawk, hawk eyed, hawk-eyed, hawkish, eagle eyed, eagle-eyed, beady eyed, beady-eyed, beady eyes, narrowed like a cat, like a cat watching a mouse
contempt | 0.8 | scoff, scoffs, scoffing, scoffed, pshaw, tut, tuts, tutting, sniff disdainfully, turns up her nose, turns up his nose, nose in the air
curious | 0.8 | realises, realizes, realise, realize, realising, realizing, realisation, realization, it dawns on her, it dawns on him, dawns on her, dawns on him, the penny drops, penny drops, light bulb moment, lightbulb moment, epiphany, aha, a ha
mischief | 0.8 | butter would not melt in her mouth, butter would not melt in his mouth, as if butter would not melt, innocent act, angelic smile, picture of innocence, too innocent
rage | 1.0 | steam practically coming out of his ears, seething like a kettle, like a kettle about to boil, boiling over, blows a gasket, blew a gasket, blowing a gasket, flips his lid, flips her lid, hits the roof, hit the roof, sees red, saw red, fit to be tied
blank | 0.6 | deer in the headlights stare, lights on but nobody home, nobody home, a million miles away
neutral | 0.0 | deadpan, dead pan, straight faced, straight-faced, keeps a straight face, poker faced, composed face, nothing on her face, nothing on his face, gives nothing away, gave nothing away, giving nothing away
joy | 1.0 | rhapsodic, rhapsodical, giddy with joy, overjoyed grin, ebullient, effervescent, beatific, blissed out, radiantly, jubilantly, exultantly, rapturously, ecstatically, euphorically, deliriously happy, ecstatic grin, elatedly, gleefully, joyfully, joyously, starry, triumphalist
happy | 0.75 | ?hope, hopefulness, optimistic, optimism, upbeat mood, gladdened, heartened, uplifted, cheered, cheered up, sunnily, brightly, brightening, brightens, brightened, beamish, smiley faced, good humoured, good humored, good natured, good-natured, chirpily, merrily, jauntily, jaunty, breezy, breezily, bouncy, zestful, spirited, ?confidence, self assurance, reassured smile, satisfied smile, pleasantly, warmth, glad eyed, welcoming smile
content | 0.6 | contentedly, comfortably, serenely content, placidly, benignly, indulgent, indulgently, fondness, kindliness, gentleness, approvingly, appreciative, appreciatively, thankful, thankfully, touched smile, wholesome
grin | 0.9 | wolfish, wolfishly, wolfish grin, shit eating grin, shit-eating grin, ear to ear grin, toothsome grin, megawatt smile, thousand watt smile, dazzling smile, grinned, grinnin, beamed
laugh | 0.95 | hysteria, hysterics, uproarious, uproariously, hilarity, hilarious, mirth, guffaws, guffawing, belly laughs, laughs out loud, laugh out loud, lol, lmao, rofl, cackles, cackled, howls, howling, roars, roaring, in fits, fits of laughter, doubled over, doubles over, keeled over laughing, shrieking with laughter
smirk | 0.8 | smirked, smirkingly, half smirk, wryly, sardonic, sardonically, ironic, ironically, sly look, knowingly, archly, arch look, tongue in cheek, mocking, mockingly, derisive, derisively, sneery
amused | 0.7 | droll, drolly, whimsical, whimsically, tickled, chuffed smile, entertained smile, funny, comical, comically, jokey, joking, jokingly, kidding, kiddingly, in jest, jesting, waggish, puckishly, bemusement
shy | 0.7 | bashfully, timidly, meekly, shyness, sheepish smile, retiring, self effacing, self-effacing, introverted, blushingly
flush | 0.8 | face turns red, ?goes red, cheeks burn, cheeks burning, crimson, scarlet, reddening, reddens, reddened, colours up, colors up, flushes, flushed
embarrassed | 0.8 | flushed with embarrassment, embarrassedly, sheepishly red, abashedly, discomfited, discomfort, squirm, squirms, squirming, cringey, cringy, cringeworthy, awkwardness
proud | 0.7 | proudly smiling, prideful, dignity, haughtily, lordly, imperious, imperiously, stately, majestic, triumphant look, chin up, head held high
contempt | 0.85 | disdain, disdainful, disdainfully, contemptuous, contemptuously, scorn, scornfully, derision, dismissive, dismissively, condescending, condescendingly, sniffy, sniffily, snide, snidely, withering, withering look, withering glance, sneering contempt, haughty, haughtily, superior look, looks down her nose, looks down his nose, down her nose, down his nose, eye roll, eyerolling, unimpressed look
sad | 0.8 | brimmed, brimming, brims, eyes brim, eyes filled, eyes fill, eyes filling, eyes fills, brimming eyes, glistening eyes, watery eyes, watery, sorrowfully, mournfully, dolefully, forlornly, glumly, morosely, dejectedly, despondently, wretchedly, miserably, sadly smiling, heavy heart, heavy-hearted, broken spirited, melancholically, downcast look, droopy, drooping, wilts, wilted, wilting, crestfallen look, sullenly, blue face, long faced, long-faced, grieved, sorrowing, weepily, lachrymose, maudlin, teary eyed look
grief | 0.95 | stricken, stricken look, stricken face, stricken expression, devastation, anguished cry, keening, keens, bereavement, griefstricken, heartbroken sob, despair-stricken, wracked with grief, prostrate with grief, in mourning
cry | 0.9 | tearing up, tears up, teared up, tearfully, eyes water, eyes watering, eyes watered, blubbers, bawls, weeps openly, waterworks, sniffles, snivelling, sniveling, snivel, tears spill, tears spilling, tears fall, tears falling
dismay | 0.8 | dismayed look, chagrin, consternation, deflates, deflating, sinking feeling, heart drops, heart dropped, stomach drops, stomach dropped, face sinks, face sank, crestfallen face
disappointed | 0.75 | disappointedly, letdown, let down look, unfulfilled, dissatisfied, dissatisfaction, displeased look
hurt | 0.75 | hurtful, wounded look, injured look, stung look, offendedly, woundedly, pained look, aggrievedly
pleading | 0.8 | pleadingly, imploringly, beseechingly, entreating, entreaty, beggingly, desperation, puppyish, wheedling, cajoling
lonely | 0.7 | lonesomely, forsakenly, isolation, solitary, friendless, bereft look
sulky | 0.8 | sulkily, sullen pout, petulantly, peevishly, grumpily, grouchily, crankily, crabbily, moodily, huffily, surlily, in a strop, strop, stroppily, mardy, scowly, grouch, grump, grumpiness, pettish
surprise | 0.85 | surprisedly, astonishedly, amazedly, astounding, startling, startlingly, wonderstruck, dumbfounded look, gobsmacking, flabbergasting, eyes widening, eyebrows shooting up, brows shoot up, double takes
shock | 1.0 | shellshock, horror stricken, slack jawed, slack-jawed, jaw slack, gaping, gapes, gaped, openmouthed, open mouthed, open-mouthed, stunned silence, shocked silence, dumbstruck look, thunderstruck look, aghast look, pole axed, poleaxed, gutpunched
stunned | 0.85 | ?slack, stunned look, dazedly, stupefaction, numbly, benumbed, shell-shock, gormless, vacantly stunned, goggle eyed, goggle-eyed, goggling, goggles
awe | 0.8 | awestricken, wondering look, worshipfully, reverently, marveling look, spellbound look, enraptured, agape with wonder, openmouthed wonder
disbelief | 0.8 | unbelievingly, doubtingly, incredulous look, cannot credit it, in denial, denial, disbelieving, sceptically surprised
curious | 0.7 | curiously tilted, inquiringly, interestedly, intrigue, nosily, nosiness, prying, snooping, probing, searching look, searchingly, inquisitively, engaged, engrossed, riveted, absorbed interest, perked up, perks up, ears prick up, ?understanding, comprehension, recognition, recognises, recognizes, recognising, recognizing, enlightened, enlightenment
confused | 0.75 | confusedly, puzzledly, perplexedly, bewilderedly, baffledly, befuddlement, bafflement, perplexity, bewilderment, mystification, flummoxed look, addled, fuddled, foggy, dazed and confused, discombobulated, nonplussed look, clueless, cluelessly, lost look, uncomprehending, uncomprehendingly, blankly confused
skeptical | 0.75 | skeptically, sceptically, doubtfully, dubiously, suspiciously doubtful, unconvincedly, sidelong doubt, squinty doubt, askance, look askance, looks askance
suspicious | 0.8 | suspiciously, suspicion, mistrust, distrust, warily watching, narrow eyed, narrow-eyed, shifty, shiftily, furtive, furtively, sidelong, sidelong glance, sidelong look, askance glance, guarded, guardedly, cagey, cagily, calculating look, appraising, appraisingly, sizing up, sizes up, sizing him up, sizing her up
thinking | 0.7 | thoughtful look, pondering look, ruminating, ruminates, cogitating, mulling over, weighs it up, considers, considered, contemplates, contemplation, reflects, reflection, introspection, musingly, speculative, speculatively, puzzling over, brainstorming, scheming look, calculating, computing, working it out, working out
pensive | 0.7 | stoic, stoical, stoically, impassive, impassively, unreadable, inscrutable, solemn look, sombrely, somberly, gravely serious, grim, grimly, grimness, dour, dourly, stony faced, stony-faced, stone faced, stone-faced, po faced, po-faced, unsmiling, humourless, humorless, straight laced, sternly serious, earnestness
fear | 0.85 | fearful look, frightened look, afraidly, scaredly, nervy, trepidation, trepidatious, timorously, quailing, quails, quail, shrinking, shrinks back, recoils in fear, panic-struck, alarmedly, fright-filled, dread-filled, creeping dread, spooked out, unnerving, shivery, aquiver, trembly, shaky, shakily, tremulous, tremulously
terror | 1.0 | terrorised, terrorized, terror struck, paralytic with fear, horror-stricken, screaming, screams, screamed, shrieking, shrieks, shrieked, wailing in terror, petrified look, white knuckled, white-knuckled, panic attack, blind panic, abject fear, sheer panic, frenzied, frenzy
horror | 0.95 | horror-filled, horrorstruck, horrified look, repulsed horror, sickened look, aghast horror, appalled look, mortified horror
worry | 0.75 | worriedly, anxiously, uneasily, fretfully, apprehensively, concernedly, troubledly, tensely, edgily, nervously biting, jumpiness, disquiet, disquieted, perturbation, fraught, careworn, harassed, furrowed with worry, knotted brow, worried frown, anxious frown, dread-laden, on tenterhooks, antsy worry, agitation, unsettled, ill at ease
nervous | 0.75 | nervy smile, jittery grin, twitchy, twitchily, fidgeting, fidgets, skittishly, self-conscious smile, tight nervous smile
anger | 0.85 | angrily staring, irately, crossly, heatedly, indignantly, resentfully, wrathfully, menacingly, threateningly, belligerently, truculent, truculently, pugnacious, pugnaciously, hostile look, black look, dark look, dirty look, filthy look, evil eye, looks daggers, death stare, death glare, stink eye, the stink eye, simmering, simmers, smouldering, smoldering, fuming look, steamed, riled look, bristles, bristled, prickly anger, snappish, snappy, snaps, snapped, grudge, irascible, choleric, splenetic, cross look, annoyed scowl
rage | 1.0 | enragedly, livid with rage, seething rage, explodes with rage, explosive rage, volcanic rage, blazing, blazingly, incensed look, outraged look, tantrum, temper tantrum, throws a fit, having a fit, raving, ranting, rants, fulminating, fulminates, white hot, white-hot anger, purple with rage, red with rage, spitting with rage, apoplexy, wild eyed, wild-eyed, maniacal, manic rage
annoyed | 0.7 | irritatedly, exasperatedly, impatiently tapping, testily, tetchily, crabby look, irked look, peeved look, huffing, huffs, harrumph, harrumphs, pfft, ugh, eye rolling, eye-rolling, rolls her eyes, rolls his eyes, rolled her eyes, rolled his eyes
frustrated | 0.8 | frustratedly, frustration, thwarted, stymied, exasperated groan, at the end of her tether, at the end of his tether, at wits end, tearing her hair out, tearing his hair out, banging her head, banging his head, fed up look
determined | 0.8 | resolute, resolutely, resolved, steely, steely eyed, steely-eyed, grimly determined, dogged, doggedly, single minded, focused, focussed, intent, intently, purposeful, purposefully, unwavering, unflinching, unflinchingly, unyielding, steadfast, gritted determination, game face, war face, fighting spirit
stern | 0.7 | sternly, severe, severely, strict, strictly, austere, disapproving, disapprovingly, reproving, reprovingly, reproachful, reproachfully, admonishing, chiding, forbidding, flinty, icily, frostily, coldly, coolly, hard faced, hard-faced, hard eyed, hard-eyed, stony, stonily, unamused, not amused, unimpressed stare
disgust | 0.9 | disgustedly, revulsion, repulsion, repulsed, repelled, repugnance, abhorrence, loathsome, nauseated, nauseous, nauseously, queasily, sickly, seasick, carsick, airsick, green around the gills, green at the gills, grossed out, icked out, squicked, ick, eww, ew, yuck, yuk, blech, bleh, ugh disgust, distaste, distastefully, with distaste, wrinkled nose, nose wrinkled, turns up her nose at, turns up his nose at
sour | 0.8 | sourly, sour faced, sour-faced, vinegary, acerbic, acidly, acid, tart look, lemony, pinched, pinch faced, pinch-faced, prune faced, prune-faced, puckered, mouth puckered, sucked a lemon, sucking a lemon, bitten a lemon, bit a lemon, bites a lemon, biting a lemon, sucking lemons, lemon face
jealous | 0.8 | jealously, envious, enviously, envy, covetous, covetously, green eyed, green-eyed, green with envy, begrudging, begrudgingly, possessive
guilt | 0.75 | guiltily, guilty look, remorse, remorseful, remorsefully, penitent, repentant, regretful, regretfully, regret, conscience stricken, conscience-stricken, shamefully, ashamedly, hangdog, hang dog, hangdog look
bored | 0.75 | boredly, boredom, bored stiff, bored to tears, bored to death, uninterested, disinterested, indifferent, indifference, apathetic, apathy, listless, listlessly, lackluster, lacklustre, jaded look, blasé, blase, unenthused, unenthusiastic, meh, ho hum, glazed over, glazes over, zoned out, zones out, tuned out
tired | 0.8 | tiredly, wearily, weary, weariness, fatigued, fatigue, worn, worn out, worn-out, spent look, sapped, drowsily, groggy, groggily, bleary, bleary eyed, bleary-eyed, half asleep, nodding off, nods off, dozy, sluggish, lethargic, lethargy, torpid, run down, knackered, shattered tired, pooped, beat tired, burnt out, burned out, burnout, sleep deprived, sleep-deprived, unfocused, unfocussed
exhausted | 0.95 | exhaustedly, utterly spent, bone tired, bone weary, bone-weary, dog tired, dead tired, dead beat, wiped out, done in, dragging, on her last legs, on his last legs
pain | 0.9 | painfully, in pain, pained grimace, agonising, agonizing, excruciating, throbbing, aching, aches, achy, hurting, smarting, stinging, writhing, writhes, doubled up in pain, suffering, suffers, tortured, torment, tormented, ow, oww, owww
wince | 0.85 | winced, wincing, winces, flinched, cringed in pain, screws up her face, screws up his face, screwed up face
grimace | 0.85 | grimaced, grimacing, grimaces, gritted teeth, through gritted teeth, gritting her teeth, gritting his teeth, clenched teeth, through clenched teeth, teeth clenched, bares her teeth, bares his teeth, baring her teeth, baring his teeth, bared teeth, teeth bared
effort | 0.9 | straining, strained effort, exertion, heaving, heaves, lifting something heavy, pushing hard, pulls hard, pulling hard, grunting, grunts, grunt, struggling, struggles hard
concentrate | 0.75 | concentrating, concentration, focusing, focussing, focused look, intent look, studious, studiously, absorbed look, engrossed look, squinting in concentration
calm | 0.6 | calmness, placidity, composure, composedly, unperturbed, imperturbable, untroubled look, easygoing smile, languid, languidly, leisurely, mellowed, loosened up, loosens up, unwinds, unwind, unwinding, at rest face, restful look, even keeled, even-keeled
blank | 0.6 | blankly, vacantly, emptily staring, glazed look, glassy stare, thousand yard stare, zombie stare, dead eyed, dead-eyed, lifeless, lifelessly, expressionlessly, poker face, unexpressive, emotionless, emotionlessly, hollow eyed, hollow-eyed
excited | 0.85 | excitedly, excitement, exhilarated, exhilaration, thrilled look, pumped, psyched, stoked, hyped, giddy, giddily, bubbly, animatedly, breathless excitement, eager beaver, raring to go, can not wait, cannot wait, cant wait, buzzing, fizzing
loving | 0.75 | adoringly, dotingly, worshipping, cherishing, mooning over, doe eyed, doe-eyed, cow eyed, sappy, soppy, mushy, gooey, gooey eyed, swooning, swoons, swoon
grateful | 0.75 | gratefully, gratitude, thankful smile, appreciative smile, obliged, indebted
defiant | 0.8 | defiantly, defiance, rebellious, rebelliously, mutinous, mutinously, insolent, insolently, cheekily defiant, obstinate, obstinately, stubborn, stubbornly, headstrong, unrepentant, chin jutting, jutting chin, squares her jaw, squares his jaw, set her jaw, set his jaw
sorry | 0.8 | sorrily, apologising, apologizing, apologises, apologizes, remorseful look, contritely, penitently, sorrowful apology
pity | 0.75 | pitying, pityingly, sympathetic, sympathetically, sympathy, commiserating, compassion, compassionately, empathetic, empathy, poor thing
relief | 0.75 | relievedly, thankfully relieved, sighs with relief, breathes again, breathes out, exhales, exhaled, exhaling, unclenches, unclench, unwinds with relief
gasp | 0.85 | gasped, gasping, gasps, sharp intake of breath, intake of breath, catches her breath, catches his breath, breath catches, sucks in a breath
sigh | 0.7 | sighed, sighing, sighs, heavy sigh, long sigh, weary sigh, deep breath out
scream | 1.0 | screech, screeches, screeching, bloodcurdling scream, howls in terror, yells in fear
yell | 0.95 | yelled, yelling, yells, shout, shouts, shouting, shouted, bellow, bellows, bellowing, roar, roars, roared, bark, barks, barking orders, holler, hollers, hollering
sneeze | 0.9 | sneezy
wistful | 0.75 | tremulous smile, uncertain smile, hesitant smile, weak smile, watery smile, faltering smile, brave smile, brave little smile, shaky smile, wobbly smile
neutral | 0.0 | perfectly still, face still, still face, keeps a still face, not a flicker, not a flicker of emotion, no emotion, without emotion, no expression, without expression, shows nothing, betrays nothing, betraying nothing, gives away nothing, mask of calm, impassive mask, blank mask
sad | 0.8 | face as long as, long in the face, face a mile long
sour | 0.7 | pull a face, pulls a face, pulled a face, pulling a face
stare | 0.7 | goes still, went still, very still, motionless, unmoving, fixed on, eyes fixed, eyes fixed on, transfixed stare
lookup | 0.8 | lifted her eyes, lifted his eyes, lifts her eyes, lifts his eyes, lift her eyes, lift his eyes, raised her eyes, raised his eyes, raises her eyes, raises his eyes, raise her eyes, raise his eyes, eyes lifted, eyes raised
fear | 0.7 | wild eyes, with wild eyes, eyes wild, eyes were wild, wild look, a wild look in her eyes, a wild look in his eyes
shock | 0.8 | white to the lips, pale to the lips, ?colour left, ?color left, ?colour had left, ?color had left, ?colour drained, ?color drained, grew pale, grows pale, grow pale, growing pale, turning pale, turn pale, going pale, go pale, ?grew white, ?grows white, ?turned white, ?turns white, ?turning white, ?went white, ?goes white, deadly pale, deathly pale, deadly white, deathly white, pallor, pallid, paleness, paler, palest, ashy pale
flush | 0.8 | ?turned red, ?turns red, ?turning red, ?went red, ?grew red, ?grows red, ?turned crimson, ?turns crimson, ?went crimson, ?turned scarlet, ?turns scarlet, ?went scarlet, ?grew crimson, ?grew scarlet, flushed crimson, flushed scarlet, flushed red, red in the face, cheeks reddened, cheeks flushed, flush over her face, flush over his face, vivid flush, deep flush, hot flush
cry | 0.85 | wiped his eyes, wiped her eyes, wipes his eyes, wipes her eyes, wiping his eyes, wiping her eyes, dried his eyes, dried her eyes, dries his eyes, dries her eyes, drying his eyes, drying her eyes, tear stained, tear-stained, tearstained, tears into her eyes, tears into his eyes, eyes filled with tears, eyes full of tears, wet eyes, moist eyes, bathed in tears
scowl | 0.8 | darkened brow, darkening brow, clouded brow, clouded forehead, eyes darkened, eyes darken, eyes darkening, contracted brow, contracted brows
nervous | 0.6 | face twitched, face twitching, face twitches, features twitched, features twitching
surprise | 0.9 | eyes starting out, eyes starting from, eyes started out, bulging eyes, eyes bulging, eyes bulged, popping eyes, eyes popped
sour | 0.75 | made a face, make a face at, makes a face at, making a face, pulled a face, pull a face, pulls a face, pulling a face, made faces, making faces, make faces at, pulled faces, pulling faces, wry face, made a wry face, pulled a wry face, screwed up her face, screwed up his face, screws up her face, screws up his face, screwing up her face, screwing up his face
joy | 0.9 | eyes lit up, eyes light up, eyes lights up, eyes lighting up, eyes shone with delight, eyes shining with delight, eyes sparkled, eyes sparkling, eyes danced, eyes dancing, face lit up, face lights up
dismay | 0.8 | long as a fiddle, face as long as a fiddle, long face, pulled a long face, face like a wet weekend
disgust | 0.7 | green about the gills, green around the gills, looked green, looking green
blank | 0.6 | face was a mask, face is a mask, mask-like face, masklike face, expressionless mask, expression did not change, face did not change, expression never changed, face never changed, expression unchanged, without a change of expression, without changing expression
stare | 0.7 | staring eyes, eyes staring, with staring eyes, fixed stare, unblinking stare
tongue | 0.8 | moistening her lips, moistening his lips, moistened her lips, moistened his lips, moistens her lips, moistens his lips, licked her lips, licked his lips, licking her lips, licking his lips, wetting her lips, wetting his lips, wets her lips, wets his lips
"""


# Rarer, regional, colloquial and literary words and idioms (British and American, older novels): the words people
# reach for beyond the everyday ones ("narked", "dolorous", "in the doldrums", "at the end of his tether", "went
# beetroot"), read directly instead of by a guess of meaning (the text encoder places a rare single word near
# unrelated ones: "jocund" is nearest "lugubrious"). Rows as in ``TABLE``; a phrasing already there keeps its row.
WIDER = """
joy | 1.0 | cock-a-hoop, in seventh heaven, seventh heaven, on a high, tickled to death, happy as a lark, happy as a sandboy, happy as a pig in mud, pig in muck, like a kid in a sweet shop, full of the joys of spring, wreathed in smiles, leaping for joy, whooping with joy, split his face in two, split her face in two, splits his face in two, splits her face in two, smile that split his face, smile that split her face, grin that split his face, grin that split her face, smiling from ear to ear, beaming with pride, beaming from ear to ear
happy | 0.75 | jocund, jocundly, blithesome, genially, gratified, in good spirits, in high spirits, high spirited, good-humoured, good-humored, bright eyed and bushy tailed, as pleased as punch, like a dog with a new bone, like a dog with a new toy
content | 0.6 | benevolently, well pleased, well-pleased, beatifically
amused | 0.7 | jocular, jocularly, waggishly, twinkling eyes, eyes twinkling, eyes twinkled, a twinkle in his eye, a twinkle in her eye, tongue-in-cheek, joshing, facetious, facetiously, wry amusement, mock serious, mock-serious, laughing eyes, eyes laughing
laugh | 0.95 | rolling in the aisles, in fits of laughter, doubled up with laughter, doubled over laughing, doubled up laughing, falling about laughing, fell about laughing, falls about laughing, split his sides, split her sides, splitting his sides, splitting her sides, laughing his head off, laughing her head off, laughed his head off, laughed her head off, hooting with laughter, hooted with laughter, roared with laughter, roars with laughter, shrieked with laughter, howled with laughter, guffawed, hysterical with laughter, helpless with laughter
giggle | 0.8 | tittered, titters, sniggers, sniggered, snickered, snickers, chortles, chortled, chuckled, giggled
sad | 0.75 | dolorous, dolorously, heartsore, sick at heart, heavy of heart, with a heavy heart, heart heavy, in the doldrums, down on his luck, down on her luck, downtrodden, plaintively, low spirited, low-spirited, in low spirits, out of sorts, cheerless, joyless, sad eyed, sad-eyed, funereal, elegiac, choking up, a lump in the throat, lump in the throat, brink of tears, close to crying, near to tears, fights back tears, fought back tears, holding back tears, wells up, welled up, dewy eyed, watery eyed, watery-eyed, moist eyed, wet eyed, eyes brimming, eyes brimmed, eyes swimming, eyes swam, sick as a parrot, as sick as a parrot, hang-dog look, like a wet weekend, a study in despair, picture of misery, face falling
grief | 0.9 | keened, wailed, ?lamentation, beside herself with grief, beside himself with grief, crushed with grief, broken by grief
cry | 0.9 | blubbing, blubbed, blubs, snivelled, sniveled, snivels, sniffled, snuffling, whimpering, whimpers, whimpered, whimper, tears welled, crying her eyes out, crying his eyes out, cries her eyes out, cries his eyes out, cried her eyes out, cried his eyes out, turned on the waterworks
sob | 0.95 | sobbing her heart out, sobbing his heart out, sobs her heart out, sobs his heart out, sobbed her heart out, sobbed his heart out, heaving sobs, racked with sobs, convulsed with sobs
fear | 0.85 | craven, cravenly, cowed, quailed, afeared, affrighted, fear stricken, fearstricken, frightened out of her skin, frightened out of his skin, jumped out of her skin, jumped out of his skin, shaking in her boots, shaking in his boots, quaking in her boots, quaking in his boots, knees knocking, hair stood on end, blood ran cold, blood runs cold, lily livered, lily-livered, chicken hearted, chicken-hearted, faint hearted, faint-hearted, yellow bellied
terror | 1.0 | frightened half to death, scared half to death, frightened out of her wits, frightened out of his wits, frightened out of her mind, frightened out of his mind, scared out of her mind, scared out of his mind, pure panic, mortally afraid, deathly afraid, shrieking in terror
worry | 0.75 | on pins and needles, like a cat on hot bricks, like a cat on a hot tin roof, niggled, shaken up, hot and bothered, in a stew, in a flap, in a tizzy, in a tizz, in a lather, all of a dither, dithering, care worn, care-worn, harrowed, with bated breath, wringing her hands, wringing his hands, worried sick, worried stiff, worried to death, sweating bullets, bricking it, butterflies in her stomach, butterflies in his stomach
surprise | 0.85 | wrong-footed, wrong footed, knocked for six, knocked sideways, pop-eyed, eyes on stalks, boggled, mind blown, mind-blown, lost for words, at a loss for words, knocked down with a feather, could have knocked her down with a feather, could have knocked him down with a feather, gawping, gawp, gawps, gawped, gawking, gawks, gawked, goggled, agape, eyes out on stalks, does a double take, sprouted antlers, grown a second head, grew a second head
shock | 1.0 | ashen-faced, white faced, white-faced, pale as death, grey faced, gray faced, grey-faced, gray-faced, pasty faced, chalk white, chalk-white, bloodless face, blood drained from her face, blood drained from his face, colour drained from her face, colour drained from his face, color drained from her face, color drained from his face, the colour left his cheeks, the colour left her cheeks, colour left his cheeks, colour left her cheeks, color left his cheeks, color left her cheeks, colour left his face, colour left her face, pole-axed, gut punched, sky had fallen
awe | 0.8 | bewitched, wonder struck, gazing in wonder, open mouthed wonder, open-mouthed wonder, slack jawed with wonder, wide eyed wonder, wide-eyed wonder
curious | 0.7 | nosey, ?all ears, perking up, pricked up his ears, pricked up her ears, ears pricked
confused | 0.75 | ?muzzy, none the wiser, bamboozled, puzzlement, scratching their head, knitted in puzzlement
skeptical | 0.75 | not born yesterday, with a pinch of salt, with a grain of salt, looked askance, looking askance, side eyed, side-eyed, side eyeing, side-eyeing, beady eye, beady look, doubting thomas
thinking | 0.7 | trying to remember, tries to remember, try to remember, tried to remember, trying to recall, tries to recall, try to recall, racking his brain, racking her brain, racking his brains, racking her brains, wracking his brains, wracking her brains, cudgelling his brains, mulling it over, chewing it over, ruminative, ?cogitates, in a brown study, chin in hand, thinking hard, deep in concentration
pensive | 0.7 | soberly, grave faced, grave-faced, sober faced, sober-faced, solemn faced, solemn-faced
rage | 1.0 | white hot fury, white-hot fury, white hot rage, white-hot rage, blazing mad, boiling mad, beside herself with rage, beside himself with rage, beside herself with fury, beside himself with fury, blind with fury, purple with fury, white with rage, white with fury, in a towering rage, towering rage, towering fury, frothing at the mouth, went berserk, goes berserk, blew a fuse, blows a fuse, blew his top, blew her top, lost his rag, lost her rag, loses his rag, loses her rag, hit the ceiling, hits the ceiling, went spare, going spare, goes spare, spitting blood, spitting nails, raving mad, wild with rage, wild with fury, boiling with anger, steaming like a pressure cooker, fuming like a kettle, like a bull in a china shop
anger | 0.85 | shirty, ?ratty, het up, steamed up, cheesed off, hacked off, brassed off, browned off, teed off, peed off, in a paddy, threw a wobbly, throws a wobbly, throwing a wobbly, cob on, a right cob on, in high dudgeon, high dudgeon, smoulders, smolders, losing his temper, losing her temper, thunderous look, ?thunderously, glowered, narked, narky, like a storm cloud, ?stormcloud
annoyed | 0.7 | irked, peeved, needled, waspish, waspishly, snippily, snappishly, short-tempered, ill tempered, ill-tempered, in a foul temper, in a foul mood, in a bad mood, in a filthy mood, in a black mood, black mood, foul mood, bad mood, sick and tired, tried her patience, tried his patience, losing patience, lost patience, pursed with irritation
frustrated | 0.8 | end of his tether, end of her tether, at his wits end, at her wits end, banging his head against a wall, banging her head against a wall, fit to scream
determined | 0.75 | single-minded, hell bent, hell-bent, grim determination, ?jaw set, with a set jaw, jaw squared, squared jaw
stern | 0.7 | flint eyed, flint-eyed, granite faced, granite-faced, face of granite, turned to stone, turns to stone, iron faced, iron-faced, steel eyed, steel-eyed, gimlet eyed, gimlet-eyed, forbiddingly, prissy, thin lipped, thin-lipped, censorious, judgmental, judgemental, schoolmarmish, like a headmistress, like a headmaster
glare | 0.85 | gimlet stare, basilisk stare, baleful, balefully, baleful glare, murderous look, looks that could kill, if looks could kill, staring holes, boring holes, a filthy look, giving him the evils, giving her the evils, hairy eyeball, look that would strip paint, look that could strip paint, eyes blazing, blazing eyes, eyes like hot coals, eyes like coals
scowl | 0.85 | louring, lours, lowering brows, knit brows, knitted brows, brows knitted, brow knitted, knitted brow, a face like a slapped backside, face like a smacked backside
disgust | 1.0 | retched, gagging with disgust, turns his stomach, turns her stomach, stomach turned, stomach churned, stomach churning, loathes, loathed, detestation, odium, utterly repelled
disgust | 0.7 | bilious, minging, manky, skanky, repugnant, repellent, off-putting, offputting, whiff of the bins, smell of the bins, found a worm, half a worm, tasted something rotten, smelled something rotten, smelt something rotten
contempt | 0.8 | snobby, stuck up, stuck-up, toffee nosed, toffee-nosed, hoity toity, hoity-toity, high and mighty, turned up her nose, turned up his nose, patronisingly, patronizingly, disparagingly, snarky, snarkily
smug | 0.8 | smug as a bug, smug as a bug in a rug, cock of the walk, puffed up, full of himself, full of herself, sanctimonious, sanctimoniously, preening
mischief | 0.8 | elfin grin, rascally, scampish, a glint in his eye, a glint in her eye, glint in his eye, glint in her eye, up to mischief, fiendish grin, machiavellian, conspiratorial, conspiratorially, knowing wink
flirty | 0.75 | come-hither, come hither look, making eyes at, making eyes, smouldering look, smoldering look, kittenish, vampish, fluttering her lashes, batting her eyelashes, bats her eyelashes, batted her eyelashes
shy | 0.7 | shrinking violet
embarrassed | 0.75 | went beetroot, turned beetroot, scarlet with embarrassment, crimson with shame, crimson with embarrassment, toe curling, toe-curling, squirmed, discomfiture
guilt | 0.75 | guilty conscience, caught passing notes, like a naughty schoolboy, like a naughty child
bored | 0.75 | eyes glazed over, ?ennui, world weary, world-weary, weary of the world, dull eyed, dull-eyed, bored silly, bored rigid
tired | 0.8 | ?bushed, droopy eyed, droopy-eyed, washed out, washed-out, bedraggled, what the cat dragged in, hadnt slept, had not slept, not slept, up all night, worn to a frazzle, worn to the bone, fagged out, tuckered out, drained and spent, out on her feet, out on his feet, asleep on her feet, asleep on his feet
sleepy | 0.85 | heavy-eyed, half awake, eyes drooping, eyelids drooping, lids drooping, fighting sleep
pain | 0.9 | stabbing pain, sharp pain, racked with pain, wracked with pain, doubled over in pain, stepped on a plug, stepped on a lego, stepped on a nail, trodden on a nail, trod on a nail
relief | 0.75 | sighed with relief, weight lifted, out of the woods, breathing easy, breathes easy, breathed easy, breathing easier, breathed a sigh of relief
calm | 0.6 | unflappable, cool as a cucumber, cool calm and collected, phlegmatic, even tempered, even-tempered, zen like, zen-like
neutral | 0.0 | inscrutably, woodenly, blank faced, blank-faced, unreadable expression, face unreadable, keeping a straight face, kept a straight face
excited | 0.85 | full of beans, beside herself with excitement, beside himself with excitement, champing at the bit, chomping at the bit, bouncing off the walls, atwitter, ?aflutter, ?in a flutter, over excited, agog with excitement
loving | 0.75 | goo goo eyes, googly eyed, making sheep's eyes, sheep's eyes, sheeps eyes, calf eyed, calf-eyed, lovey dovey, lovey-dovey, sweet on her, sweet on him, twitterpated, loved up, loved-up, lovesick grin, dopey grin
pleading | 0.8 | entreatingly, cap in hand, on bended knee
hurt | 0.75 | ill used, ill-used
disappointed | 0.75 | ?hopes dashed, crest fallen
sulky | 0.8 | in a sulk, nose out of joint, his nose out of joint, her nose out of joint, bear with a sore head, like a bear with a sore head, grizzling, grizzles, whingeing, whinging, whingy, crotchety, querulous, querulously, curmudgeon, with a face like a wet weekend, wet cat, like a wet cat, dunked in the bath, like a cat that had been dunked
pout | 0.8 | lower lip out, bottom lip out, stuck out her lower lip, stuck out his lower lip, stuck out her bottom lip, stuck out his bottom lip, bottom lip stuck out, lower lip stuck out, moue, made a moue
scream | 1.0 | screamed blue murder, screaming blue murder, caterwauling
yell | 0.95 | bawled out, bawling out, tore a strip off, tearing a strip off, yelled blue murder, giving him an earful, giving her an earful
"""


# Everyday words with other meanings ("blue eyes", "a cold drink", "what time is it"): weak wherever they appear.
WEAK = frozenset("""
blue down low cold cool flat bright warm warmly kind kindly nice sweet beat broken lost caught mean cross push
pushes pushing what really seriously whatever interest interesting interested focus firm firmly tough steady quiet
grave gravely sober alone rest at rest default normal nothing thanks thank you challenge mock mocks medicine pickle
tart monster ghost chicken spent drained dull flat flatly heavy light up lit up glowing bouncing frozen strain
strains struggle struggles aiming solving reading carefully hard at work working hard studying wonder marvel
love daggers stormy positive good news beam cheesy concern interest mm mmm huh pant pants puff puffs wow whoa
stress tense tensed deadpan impressed touched moved blessed sting rotten stinks smelly bad smell vile foul nasty
lemons lemon underwater bracing eager eagerly keen alert attentive reserved set jaw heated boiling steaming
explodes exploding explosive scheming plotting cunning crafty composed collected chill relax relaxes relaxing
relaxed calm calmly peace default nothing hollow empty emptily zombie robotic robotically dazzled bright light
lights up light up lively animated question questioning wondering considering reflecting reflective absorbed
distant vacant glazed switched off checked out sleeping asleep sleeps wakes up waking up dozing blank
sore gag gags evil ticked dizzy funeral glassy earnest earnestly sincere sincerely trembling shaking shivering quaking
quivering haunted hunted cornered shaken shook drunk gulp gulps won the game won the race won the cup gold medal oops whoops
strict strictly severe severely considered considers reflects reflection computing calculating recognition recognises
recognizes recognising recognizing recognises resolved intent intently focused focussed engaged dragging indifferent solitary
possessive obliged denial snaps snapped bark barks roar roars shout shouts grunt grunts acid worn fatigue heaving straining
blazing blazingly sluggish lethargic spirited crimson scarlet flushes flushed lifeless emptily probing prying snooping
comprehension enlightenment enlightened clueless ironic ironically mocking mockingly kidding funny pinched screaming hysteria
exhales exhaled exhaling unwinds unwind unwinding loosens up snappy simmering simmers stinging aching tortured raving ranting
rants frenzy frenzied arch archly dismissive dismissively condescending superior look stately majestic dignity imperious
searching look searchingly appraising engrossed riveted absorbed interest pumped stoked hyped buzzing fizzing obstinate
stubborn stubbornly headstrong resolute resolutely steadfast unwavering purposeful purposefully dogged doggedly breathes out
evenly sorrily ow hang dog grim grimly warmth brightly brightening brightens brightened breezy bouncy cheered heartened
uplifted optimistic optimism thankful thankfully entertained comical comically jokey joking whimsical whimsically droll
retiring introverted introspection speculative speculatively brainstorming working out working it out compute considered
throbbing writhing suffering suffers torment tormented sympathy sympathetic compassion empathy poor thing recoils
unsettled fraught harassed agitation disquiet shaky shakily trembly tremulous meh ugh pfft ick denial void
""".split())


@dataclass(frozen=True)
class VocabEntry:
    """One phrasing of the vocabulary: its words, the face it names, how strong, and how to use it."""

    phrase: str  # as written
    label: str  # the recipe's name, what was understood ("rage", "sour")
    weights: np.ndarray  # (52,) the face at full strength, read-only
    strength: float  # how strong the word itself is, in [0, 1]
    weak: bool  # an everyday word with other meanings: needs a step that reads mostly as a face
    action: bool  # a named action (wink, look up): overrides the regions it moves, like a named part
    claims: frozenset[str] = frozenset()  # regions a named action takes over even where it sets them to rest


def _recipe_weights(spec: str) -> tuple[np.ndarray, bool, frozenset[str]]:
    action = spec.startswith("!")
    aus_text, _, extra = spec.lstrip("!").partition(";")
    vector = au_vector(aus_text.split()).astype(np.float64) if aus_text.split() else np.zeros(NUM_CHANNELS)
    named: set[str] = set()
    for item in extra.split():
        key, _, value = item.partition("=")
        names = [key] if key in INDEX else [f"{key}Left", f"{key}Right"]
        for name in names:
            vector[INDEX[name]] += float(value)
            named.add(region_of(name))
    weights = np.clip(vector, 0.0, 1.0).astype(np.float32)
    weights.setflags(write=False)
    # an action's extra channels name regions it takes over, at rest too ("forced": cheeks stay down)
    return weights, action, frozenset(named) if action else frozenset()


@lru_cache(maxsize=1)
def recipes() -> dict[str, tuple[np.ndarray, bool, frozenset[str]]]:
    """Recipe name -> (weights at full strength, is a named action, regions the action claims at rest too)."""
    out = {}
    for line in RECIPES.strip().splitlines():
        name, _, spec = line.partition(":")
        out[name.strip()] = _recipe_weights(spec.strip())
    return out


@lru_cache(maxsize=1)
def vocabulary() -> tuple[VocabEntry, ...]:
    """Every phrasing of ``TABLE`` (first row wins for a phrasing written twice)."""
    table = recipes()
    seen: set[str] = set()
    entries: list[VocabEntry] = []
    rows = [tuple(part.strip() for part in line.split("|"))
            for line in (TABLE.strip() + "\n" + WIDER.strip()).splitlines()]
    # "face beaming": "beaming" already says it; a weak word said of a face ("her features relaxed") is kept: the
    # face noun is what makes it clear
    own = {p.strip() for _, _, phrases in rows for p in phrases.split(",")
           if not p.strip().startswith("?") and p.strip() not in WEAK}
    rows += [(name, str(strength), ", ".join(p for p in phrases if p.split(" ", 1)[1] not in own))
             for name, strength, phrases in face_change_rows()]
    for name, strength, phrases in rows:
        weights, action, claims = table[name]
        for phrase in (p.strip() for p in phrases.split(",")):
            if not phrase:
                continue
            weak = phrase.startswith("?") or phrase.lstrip("?") in WEAK
            phrase = phrase.lstrip("?")
            if phrase in seen:
                continue
            seen.add(phrase)
            entries.append(VocabEntry(phrase, name, weights, float(strength), weak, action, claims))
    return tuple(entries)
