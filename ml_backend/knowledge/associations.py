"""Things that call up a feeling: the words of similes and figures of speech, by the expression they evoke.

"as if she'd bitten a lemon", "a face like thunder", "like someone ran over his cat": the compared
thing carries the feeling (a lemon is sour, thunder is anger, a death is sorrow). The reader uses this
table only for a comparison or a figure it does not know as a whole ("like ...", "as if ...", a clause
about the face): the expression most of its words point to is the step's face, matched weakly
(lower confidence than a word the vocabulary knows). Rows are ``recipe | words``; recipes are those of
``vocabulary.RECIPES``; words are stemmed when loaded, phrases of two words are matched as pairs; a word written ``=word`` is matched as written,
not by its stem ("=drain", a sewer's drain, is not "drained", tired).
Our own word lists, written by meaning (what each thing evokes in English usage), not measured.

A compared thing the table does not name ("a gathering tempest", "a snared beast", "as if he had buried his best
friend") is read by meaning (``evoked_by_meaning``): each of its words votes for the feelings of the listed things
nearest to it in the sentence encoder's space ("tempest" ~ storm, "buried" ~ burial, cemetery), so the table's few
hundred things stand for the many more that people compare faces with.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

NEIGHBOURS = 3  # listed things nearest to a word that vote for their feelings
NEIGHBOUR_COSINE = 0.5  # below this a listed thing is not near enough to vote
MEANING_SUPPORT = 1.0  # the winning feeling needs this much summed cosine ...
MEANING_MARGIN = 1.5  # ... and this many times the runner-up's
# Feelings whose listed things are school and office words (sums, puzzles, foreign script): by meaning they would
# meet the words of documentation and code, so they are evoked only by the words listed.
NOT_BY_MEANING = frozenset({"thinking", "confused"})
# The people of a sentence are who is compared, not what the face evokes: "at the mention of his brother, the farmer's
# face darkened" has no joy in "brother" (near "kid") and no fear in "farmer" (near "deer"), so they do not vote.
PEOPLE = frozenset("""man men woman women boy boys girl girls child children kid kids baby person people brother
brothers sister sisters mother father mum mom dad parent parents son daughter wife husband uncle aunt cousin nephew
niece grandmother grandfather granny grandma grandpa friend friends neighbour neighbor stranger teenager teenagers
farmer clerk doctor nurse teacher soldier sailor officer captain colonel sergeant lady gentleman sir madam master
servant maid king queen prince princess player someone somebody everyone anyone nobody fellow chap guy lad lass""".split())

ASSOCIATIONS = """
disgust | rotten, rot, rotting, rancid, putrid, sewage, sewer, vomit, puke, manure, dung, muck, slime, slimy, maggot, maggots, cockroach, cockroaches, rat, rats, stink, stinks, stinking, stench, smell, smelled, smelt, smells, odour, odor, reek, reeks, filth, filthy, garbage, trash, toilet, mould, mold, mouldy, moldy, snot, booger, pus, skunk, fart, germs, grease, greasy, curdle, curdles, curdled, spoiled, spoilt, gross, yuck, eww, ew, slug, leech, sludge, gutter, sickening, nauseous, nausea, queasy, seasick, carsick, dead mouse, dead rat, old milk, sour milk, bad egg, bad eggs, dog muck, dog mess, her shoe, his shoe, something nasty
sour | lemon, lemons, lime, limes, vinegar, pickle, pickles, grapefruit, bitter, sourdough, crab apple, wasp, wasps, medicine, cough syrup
sad | burden, burdened, gravedigger, undertaker, funeral, funerals, coffin, burial, mourner, mourners, died, dies, death, killed, ran over, run over, loss, orphan, widow, rain, rainy, drizzle, wet weekend, wilted, wilting, deflated, puppy, puppies, kicked, abandoned, stray, shattered, sinking, sank, sunk, rainy day, grey day, gray day, last leaf, ice cream, goldfish, balloon, lonely, empty, hollow, graveyard, cemetery, tombstone, farewell, goodbye, homesick, dumped, jilted, heartbreak, broken heart, sad song, violin, tragedy, tragic, wake
anger | bear, wolf pack, thunder, thunderous, storm, stormy, stormcloud, thundercloud, volcano, volcanic, kettle, bull, hornet, hornets, nails, daggers, murder, murderous, strangle, throttle, punch, fist, fists, spit, spitting, fiery, steam, steaming, boil, boiling, explode, exploding, dragon, lion, tiger, growl, growling, snarling, wolf, bulldog, devour, tear him apart, tear her apart, bite his head off, bite her head off, hulk, inferno, lava, hurricane, tornado, wrecking ball, attack dog, pit bull, rottweiler, warpath, battle, vengeance, revenge
stern | ice, icy, frost, frosty, freeze, freezing, glacier, glacial, stony, granite, steely, marble, statue, headmaster, headmistress, drill sergeant, sergeant, executioner, frozen lake, winter
fear | deer, fox, hawk, ghost, ghosts, monster, monsters, haunted, corpse, skeleton, spider, spiders, snake, snakes, shark, sharks, predator, hunted, prey, rabbit, rabbits, headlights, cornered, trapped, cliff, abyss, drowning, nightmare, nightmares, axe, murderer, killer, zombie, zombies, demon, demons, devil, chalk, ash, ashen, bogeyman, vampire, werewolf, witch, graveyard at night, firing squad, guillotine, scaffold, footsteps, scream, horror film, horror movie, chainsaw, cat and mouse, lamb, slaughter, execution, gallows, noose
shock | lightning, slap, slapped, smacked, punched, cold water, ground opened, floor dropped, rug pulled, bombshell, freight train, ton of bricks, bricks, thunderbolt, electrocuted, jolted, sledgehammer, hammer blow, brick wall, earthquake, explosion, blindsided, winded, gut punch
joy | sun, kid, dance, dancing, singing, treasure, diamond, gift, toy, toys, lottery, jackpot, christmas, birthday, sunshine, sunrise, rainbow, bride, bridegroom, wedding, funfair, carnival, candy, sweets, cake, winner, medal, trophy, champion, victory, heaven, angel, firework, fireworks, lighthouse, beacon, christmas tree, holiday, vacation, flower, flowers, blossom, bloom, blooming, sunflower, balloon ride, puppy love, playground, ice cream van, rollercoaster, chocolate, parade, festival, fairground, spotlight, grand prize, promotion, good news, sunbeam, daisy, glowing, beaming, radiant
sheepish | caught, stealing, cookie, cookies, cookie jar, biscuit tin, red handed, broke the vase, spilled, naughty dog, guilty dog, busted, schoolboy, schoolgirl
calm | cucumber, millpond, mill pond, monk, buddha, yoga, still lake, summer breeze, lazy sunday, hammock
smug | canary, cream, gloat, know it all, i told you, peacock, trophy wife, bragging, boast, boasting, victory lap, last laugh, checkmate
tired | pillow, slept, sleep, sleepless, insomnia, night shift, marathon, zombie, hedge, nap, drained, wrung, dishrag, snail, sloth, hibernation, hangover, jet lag, red eye, all nighter, dead on her feet, dead on his feet, half asleep, yawning
thinking | division, arithmetic, maths, math, equation, puzzle, crossword, calculus, sudoku, riddle, chess, homework, algebra, philosopher, professor, detective, sherlock
confused | maze, labyrinth, foreign, alien, aliens, hieroglyphs, riddle, gibberish, another language, lost tourist, dog watching television, dog watching tv
pain | toe, stubbed, thumb, splinter, bee, sting, stung, needle, injection, dentist, scald, scalded, cramp, headache, migraine, knee, elbow, shin, paper cut, toothache, ouch, pinched, stabbed
embarrassed | tomato, beetroot, beet, naked, underwear, trousers, pants down, stage fright, busted, red as
surprise | owl, dinner plates, saucers, moons, golf balls, tennis balls, headlamps, jack in the box, fireworks going off, surprise party, magic trick, rabbit out of a hat
awe | miracle, unicorn, spaceship, cathedral, galaxy, northern lights, aurora, angel choir, wonderland, masterpiece, sunset
disgust | =drain, =drains, drainpipe, gutter, slug, slugs, bad egg, bad eggs, rotten egg, rotten eggs, sulphur, dead fish, fish guts, sweaty socks, dirty nappy, nappy, diaper, dog mess, cowpat, leech, leeches, roadkill, vermin, lice, fleas, mildew, phlegm, snot, sour milk, spoiled milk, gone off, something the cat dragged in, dustbin
sour | sloe, sloes, quince, quinces, unripe, green apple, gooseberry, gooseberries, rhubarb, lemon juice, alum, curdle, curdled, soured
sad | lost a pound, found a penny, wet week, monday morning, rainy day, drowned rat, wet cat, wet dog, scarecrow, downpour, lost lamb, lost sheep, lost child, lost puppy, kicked dog, beaten dog, whipped dog, basset hound, mourning, graveside, tombstone, gravestone, hearse, wreath, eulogy, requiem, dirge, lament, farewell, wilted lettuce, lettuce, deflated balloon, burst balloon, sinking ship, shipwreck, dropped ice cream, broken toy, broken doll, world on his shoulders, world on her shoulders, weight of the world, wet blanket, souffle, sagging, drooping, willow, weeping willow, overcast, grey sky, gray sky, april sky, autumn
anger | chew glass, chew nails, chew iron, bite nails, gargoyle, bulldog, pit bull, rottweiler, red rag, hornet's nest, pressure cooker, powder keg, tinderbox, gunpowder, dynamite, furnace, forge, wildfire, inferno, bonfire, thunderstorm, tempest, hurricane, tornado, typhoon, squall, brimstone, devil, fiend, fury, furies, harpy, scorpion, charging bull, bruise, purple, puce, apoplectic, tiger, tigress, panther, wildcat, hellcat, wet hen, sore head, storm front, storm cloud, black cloud, struck flint, hedgehog, porcupine, bristling, pawing
stern | flint, iron, steel, stone, slate, anvil, hangman, judge, magistrate, schoolmistress, schoolmaster, governess, matron, warden, jailer, gaoler, sentry, winter pond, frozen pond, north wind, january, iceberg, icicle, closed door, shut door, locked door, fortress, castle wall
fear | stoat, weasel, timid mouse, frightened mouse, church mouse, trapped bird, caged bird, bird in a cage, startled horse, spooked horse, fawn, hare, gazelle, antelope, walked over his grave, walked over her grave, walked over my grave, over his grave, over her grave, grave, graveyard, crypt, tomb, vampire, werewolf, witch, banshee, phantom, spectre, specter, apparition, wraith, poltergeist, gallows, noose, firing squad, scaffold, guillotine, bogeyman, boogeyman, lion's den, avalanche, tidal wave, stampede, bear trap, mousetrap, precipice, ledge, pistol, barrel of a gun, haunted house
shock | hit by a bus, lorry, steamroller, wrecking ball, cricket bat, frying pan, wet fish, ice bucket, bucket of ice water, live wire, electric fence, electric shock, fried eggs, putty, candle wax, wax, tallow, chalk, parchment, dough, whey, skimmed milk, ashes, porridge, flour, house burned down, burned down, burnt down, bad news, telegram
joy | sandboy, lark, skylark, clam, pig in clover, clover, two tails, dog with two tails, candy store, sweet shop, christmas morning, new bicycle, new bike, sunbeam, springtime, summer's day, summer morning, daisy, daisies, sunflower, melting butter, butter melting, cheshire cat, got the job, good news, promotion, pay rise, windfall, inheritance, bonanza, first prize, gold medal, honeymoon, valentine, watermelon, lantern, chandelier, christmas tree, fairground, circus, holiday, beach, chuffed, tickled, schoolgirl, schoolboy giggling, spring arriving, hearth
smug | poker player, four aces, aces, royal flush, winning hand, trump card, con man, conman, card sharp, cardsharp, used car salesman, teacher's pet, cock of the walk, rooster, cockerel, king of the castle, goldfish, pickpocket
tired | wrung out, limp rag, wet rag, dishcloth, tortoise, dog tired, sleepwalker, sleepwalking, walking dead, living dead, insomniac, graveyard shift, double shift, hamster wheel, treadmill, drudge, workhorse, pack horse, ditchwater, dishwater
pain | tinfoil, kidney stone, dentist's drill, root canal, ingrown toenail, bunion, rusty nail, thorn, thistle, nettle, nettles, wasp sting, hot coal, hot coals, broken glass, bitten tongue
calm | lily pond, still pond, sleeping baby, sleeping child, cat in the sun, cat by the fire, lazy river
sheepish | sunday roast, ate the roast, hand in the till, truant, naughty child, naughty boy, naughty girl, caught smoking
flush | lobster, boiled lobster, cherry, ripe cherry, radish, pillar box, postbox, strawberry, poppy, raspberry
surprise | corks, champagne cork, popping cork, jack in a box, startled cat
joy | keys to the city, freedom of the city, lighthouse, scoreboard, new toy, new bone, pools win, promotion, pay rise, payday, pay day, snow day, school holidays, summer holidays, first day of the holidays, christening, newborn, new baby, grandchild, sunflower, fairground, ice cream, ice cream van, twenty pound note, a twenty, a tenner, a fiver, found money, banknote, homecoming, graduation, hat trick, cup final, won the cup, first prize, blue ribbon, gold star
sad | souffle, deckchair, deck chair, collapsed tent, stone down a well, down a well, let in five, lost the final, relegated, sinking ship, shipwreck, grey sky, overcast, november, autumn leaves, dead leaves, wilted flower, wilted lettuce, punctured, flat tyre, flat tire, burst balloon, popped balloon, deflated balloon, empty house, orphaned, wet blanket, rain cloud, raincloud, deathbed, sickbed, sick bed, hospice, lost his job, lost her job, sacked, dumped, jilted, left at the altar, stood up, spun sugar, eggshell, eggshells, china doll, thin ice, cracked glass, last leaf, bare tree, empty nest, empty chair
anger | squall, tempest, gale force, hurricane, tornado, typhoon, cyclone, wasp's nest, wasps nest, angry bees, live coals, burning coals, embers, glowing embers, branding iron, blowtorch, blast furnace, boiling kettle, whistling kettle, paint stripper, strip paint, rabid dog, mad dog, charging bull, raging bull, tiger, wildcat, wolverine, badger, sergeant major, brawler, prizefighter, prize fighter, bouncer, thug, warpath, on the warpath, lit fuse, short fuse, boiling pot, pot boiling over, boiling over
fear | leaf in a gale, aspen, aspen leaf, whippet, the vet, vet's, vets, kitten, lamb to the slaughter, slaughter, slaughterhouse, gallows, firing squad, cornered rat, burglar, intruder, axe murderer, haunted house, graveyard, wolf, wolves, dark alley, footsteps, creaking door, bogeyman, bogey man
surprise | antlers, sprouted, second head, two heads, trapdoor, trap door, stunned mullet, startled hare, pop goes the weasel, cuckoo clock
disgust | worm, half a worm, the bins, wheelie bin, dustbin, compost, loo, latrine, cesspit, sick bucket, bin bag, mouldy, moldy, sour milk, curdled milk, gone off, off milk, rancid butter, cat sick, hairball, bogey, snot, phlegm, dead mouse, fly in his soup, fly in her soup, hair in the soup, toenail, toenails, sweaty feet, blue cheese, wet sock, used tissue, nappy bin
stern | headmistress, traffic warden, bailiff, tax inspector, customs officer, prison guard, warder, nun, mother superior, drill instructor, parade ground, courtroom, hanging judge, tombstone, monument, obelisk
sheepish | passing notes, broke the window, broken window, ate the homework, chewed the slipper, chewed slipper, dog that chewed, cat on the counter, hand in the biscuit tin, biscuit tin, cookie jar, caught out
tired | cat dragged in, the cat dragged in, dragged through a hedge, dragged backwards, wet noodle, overcooked noodle, limp lettuce, old dishcloth, spent match, dead battery, flat battery, run down battery, wrung out dishcloth, melting candle, guttering candle, last candle
smug | henhouse, hen house, chicken coop, hen coop, sly fox, fox in a henhouse, fox in the henhouse, cat with the cream, fat cat, cat that got the cream, peacock
pain | lego brick, drawing pin, thumbtack, stubbed toe, banged knee, funny bone, hot stove, hot plate, hot pan, burnt finger, stung finger, paper cuts
"""


def _listed() -> list[tuple[str, str]]:
    """(feeling, term) for every listed term, in table order."""
    out = []
    for line in ASSOCIATIONS.strip().splitlines():
        label, _, terms = (part.strip() for part in line.partition("|"))
        out.extend((label, term.strip()) for term in terms.split(",") if term.strip())
    return out


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[tuple[str, ...], str], dict[tuple[str, ...], str]]:
    """The stemmed table and the table of ``=word`` terms matched as written (the first row naming a key wins)."""
    from ..reading.tokens import stem, words

    stemmed: dict[tuple[str, ...], str] = {}
    exact: dict[tuple[str, ...], str] = {}
    for label, term in _listed():
        if term.startswith("="):
            exact.setdefault(tuple(w.lower() for w in words(term[1:])), label)
        elif key := tuple(stem(w) for w in words(term)):
            stemmed.setdefault(key, label)
    return stemmed, exact


def associations() -> dict[tuple[str, ...], str]:
    """Stemmed word (or word pair) -> the recipe name it evokes (the first row that names it wins)."""
    return _tables()[0]


def exact_associations() -> dict[tuple[str, ...], str]:
    """Lower-case words (``=word`` rows) -> the recipe they evoke, matched as written, before any stem."""
    return _tables()[1]


def evoked(tokens: list[str]) -> tuple[str | None, int]:
    """The recipe most of the words evoke and how many words point to it (longest matches first, up to five words;
    ties: first seen)."""
    from ..reading.tokens import stem

    table, exact = associations(), exact_associations()
    stems = [stem(t) for t in tokens]
    lowered = [t.lower() for t in tokens]
    votes: dict[str, int] = {}
    order: list[str] = []
    i = 0
    while i < len(stems):
        for size in (5, 4, 3, 2, 1):  # "dog with two tails", "world on his shoulders"
            key, written = tuple(stems[i:i + size]), tuple(lowered[i:i + size])
            if len(key) == size and (written in exact or key in table):
                label = exact[written] if written in exact else table[key]
                votes[label] = votes.get(label, 0) + size
                if label not in order:
                    order.append(label)
                i += size
                break
        else:
            i += 1
    if not votes:
        return None, 0
    best = max(order, key=lambda label: (votes[label], -order.index(label)))
    return best, votes[best]


@lru_cache(maxsize=1)
def _terms() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every listed thing and the feeling it evokes, in table order (the first row that names it wins)."""
    seen: dict[str, str] = {}
    for label, term in _listed():
        seen.setdefault(term.lstrip("="), label)
    return tuple(seen), tuple(seen.values())


@lru_cache(maxsize=1)
def _vocabulary_words() -> frozenset[str]:
    """The one-word phrasings of the vocabulary: words the reader reads by themselves."""
    from .vocabulary import vocabulary

    return frozenset(e.phrase.lower() for e in vocabulary() if " " not in e.phrase)


_TERM_VECTORS: dict[str, np.ndarray] = {}
_WORD_VOTES: dict[tuple[str, str], dict[str, float]] = {}


def term_vectors(encoder) -> np.ndarray:
    """The listed things' embeddings (rows in ``_terms`` order), from the embedding cache."""
    from ..text.embedding_cache import cached_embeddings

    if encoder.name not in _TERM_VECTORS:
        _TERM_VECTORS[encoder.name] = cached_embeddings("associations", encoder.name, _terms()[0], encoder.encode)
    return _TERM_VECTORS[encoder.name]


def _votes_of(encoder, unknown: list[str]) -> dict[str, dict[str, float]]:
    """Each word's summed cosine per feeling over its nearest listed things (cached per encoder and word)."""
    labels = _terms()[1]
    missing = [w for w in dict.fromkeys(unknown) if (encoder.name, w) not in _WORD_VOTES]
    if missing:
        scores = np.nan_to_num(np.asarray(encoder.encode(missing), np.float32) @ term_vectors(encoder).T)
        for word, row in zip(missing, scores):
            votes: dict[str, float] = {}
            for i in np.argsort(-row)[:NEIGHBOURS]:
                if row[i] >= NEIGHBOUR_COSINE and labels[i] not in NOT_BY_MEANING:
                    votes[labels[i]] = votes.get(labels[i], 0.0) + float(row[i])
            _WORD_VOTES[(encoder.name, word)] = votes
    return {w: _WORD_VOTES[(encoder.name, w)] for w in unknown}


def evoked_by_meaning(encoder, tokens: list[str]) -> tuple[str | None, int]:
    """The feeling a comparison's unlisted words evoke by meaning, and how many words point to it; (None, 0) when
    no feeling clearly leads (``MEANING_SUPPORT``, ``MEANING_MARGIN``). The encoder runs only for words not yet seen."""
    from ..reading.tokens import FUNCTION_WORDS, is_latin_word

    known = _vocabulary_words()
    content = [t.lower() for t in tokens if len(t) >= 3 and is_latin_word(t) and t.lower() not in FUNCTION_WORDS
               and t.lower() not in known and t.lower() not in PEOPLE]  # "lost" is read as the vocabulary says, not as what "loss" evokes
    if not content:
        return None, 0
    per_word = _votes_of(encoder, content)
    total: dict[str, float] = {}
    for votes in per_word.values():
        for label, score in votes.items():
            total[label] = total.get(label, 0.0) + score
    ranked = sorted(total.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < MEANING_SUPPORT:
        return None, 0
    if len(ranked) > 1 and ranked[0][1] < MEANING_MARGIN * ranked[1][1]:
        return None, 0
    best = ranked[0][0]
    return best, sum(best in votes for votes in per_word.values())
