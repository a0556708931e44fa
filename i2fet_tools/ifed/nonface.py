"""Real strings that are not face instructions, harvested at evaluation time from the installed packages.

Sources (none written by this project for this purpose, except the short foreign list below):
module docstrings of installed packages, lines of their license texts (``*.dist-info/LICENSE*``, a few lines from each),
lines of their code, version numbers from their metadata; plus punctuation-only strings, emoji
strings and zero-width-joined strings drawn from fixed character sets, and ``FOREIGN``: everyday
sentences in other languages, written by hand for this list. Selection is seeded (deterministic for a
given set of installed packages), without network. Strings that name a face part or an expression in
English (``FACE_WORDS``) are dropped: a docstring saying "smile" could fairly be read as a face.
"""

from __future__ import annotations

import ast
import random
import re
import sysconfig
from pathlib import Path

FACE_WORDS = re.compile(r"\b(smil\w*|frown\w*|fac(e|es|ial)|eye\w*|brow\w*|mouth\w*|lip\w*|grin\w*|laugh\w*|cr(y|ies|ying)|"
                        r"ang(er|ry)|sad\w*|happ\w*|surpris\w*|fear\w*|disgust\w*|wink\w*|blink\w*|jaw\w*|cheek\w*|"
                        r"nose\w*|expression\w*|emotion\w*|look\w*|scowl\w*|sneer\w*|pout\w*|squint\w*|tear\w*)\b", re.I)

FOREIGN = (  # written by hand for this list: everyday sentences that are not about faces
    "Le train pour Lyon part à huit heures du matin.", "Il pleut depuis trois jours sur la côte bretonne.",
    "Nous avons acheté du pain et du fromage au marché.", "La réunion est reportée à jeudi prochain.",
    "Der Zug nach Berlin hat zwanzig Minuten Verspätung.", "Bitte schließen Sie das Fenster, es zieht.",
    "Wir haben gestern den ganzen Tag im Garten gearbeitet.", "Die Rechnung liegt auf dem Küchentisch.",
    "El autobús llega cada quince minutos a la plaza.", "Mañana vamos a pintar la cocina de azul.",
    "La biblioteca cierra a las nueve de la noche.", "Necesito cambiar la rueda de la bicicleta.",
    "Il museo è chiuso il lunedì per manutenzione.", "Ho dimenticato le chiavi in ufficio.",
    "O mercado abre às sete horas da manhã.", "A ponte foi construída no século dezanove.",
    "De fiets staat achter het huis bij de schuur.", "Vi ses på stationen klockan tre.",
    "Pociąg do Krakowa odjeżdża z peronu drugiego.", "Zítra bude v Praze pršet celý den.",
    "Поезд прибывает на вокзал в шесть часов вечера.", "Мы купили новый стол для кухни.",
    "明日の会議は午後三時から始まります。", "駅の近くに新しい図書館ができました。",
    "この書類を金曜日までに提出してください。", "今天的天气很好，我们去公园散步吧。",
    "这本书在图书馆的三楼。", "我明天早上八点坐火车去上海。",
    "오늘 저녁에 친구와 영화를 볼 거예요.", "버스 정류장은 학교 앞에 있습니다.",
    "القطار يغادر المحطة في الساعة الثامنة صباحا.", "اشترينا خبزا وجبنا من السوق.",
    "הרכבת לחיפה יוצאת בעוד עשר דקות.", "Το λεωφορείο φτάνει στις εννέα το πρωί.",
    "Yarın sabah erkenden İstanbul'a gidiyoruz.", "Kesho asubuhi tutaenda sokoni kununua matunda.",
    "आज शाम को बारिश होने की संभावना है।", "Chuyến tàu đến Hà Nội khởi hành lúc bảy giờ.",
    "Huomenna sataa koko päivän Helsingissä.", "Holnap reggel korán indul a vonat Budapestre.",
)
PUNCTUATION = "~!@#$%^&*()_+-=[]{}|;:'\",.<>/?`\\…–—«»¿¡§¶•"
EMOJI = ["😀", "😂", "🙂", "😢", "😡", "😱", "🤔", "👍", "🎉", "🔥", "🌧️", "🚗", "🍕", "⚽", "🐈", "🌍", "💡", "📦",
         "🧪", "🎵", "👩‍💻", "👨‍👩‍👧", "🏳️‍🌈", "✈️", "⏰", "❤️", "⭐", "🍀", "🧩", "🛠️"]
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
COUNTS = {"docstring": 400, "license": 200, "code": 300, "version": 80, "punctuation": 100, "emoji": 60,
          "zero_width": 20}


def _site_packages() -> Path:
    return Path(sysconfig.get_paths()["purelib"])


def _python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if p.stat().st_size < 150_000)


def _docstrings(files: list[Path], rng: random.Random, count: int) -> list[str]:
    out: list[str] = []
    for path in rng.sample(files, min(len(files), count * 4)):
        try:
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8", errors="replace")))
        except (SyntaxError, ValueError, RecursionError):
            continue
        if doc:
            paragraph = " ".join(doc.strip().split("\n\n")[0].split())[:300]
            if len(paragraph) >= 12:
                out.append(paragraph)
        if len(out) >= count:
            break
    return out


def _lines(files: list[Path], rng: random.Random, count: int, low: int = 12, high: int = 160) -> list[str]:
    out: list[str] = []
    for path in rng.sample(files, min(len(files), count * 3)):
        try:
            lines = [ln.strip() for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()]
        except OSError:
            continue
        lines = [ln for ln in lines if low <= len(ln) <= high]
        if lines:
            out.append(rng.choice(lines))
        if len(out) >= count:
            break
    return out


def _versions(root: Path, rng: random.Random, count: int) -> list[str]:
    found = []
    for meta in sorted(root.glob("*.dist-info/METADATA")):
        for line in meta.read_text(encoding="utf-8", errors="replace").splitlines()[:20]:
            if line.startswith("Version: "):
                found.append(line[9:].strip())
    numbers = [f"{rng.uniform(-1e4, 1e4):.{rng.randint(0, 6)}f}" for _ in range(count)]
    return (rng.sample(found, min(len(found), count // 2)) + numbers)[:count]


def _drawn(rng: random.Random, alphabet, count: int, low: int, high: int, joiner: str = "") -> list[str]:
    return [joiner.join(rng.choice(alphabet) for _ in range(rng.randint(low, high))) for _ in range(count)]


def harvest(seed: int = 0, counts: dict[str, int] | None = None, face_worded: bool = False) -> list[tuple[str, str]]:
    """(source, string) pairs, deduplicated, with no English face word in them; ``face_worded``: only those that
    have one instead ("a regular expression", "look up the key", "the faces of the mesh"), the hard cases for a gate
    that trusts face words (a development check, not part of the refusal measure)."""
    counts = dict(COUNTS, **(counts or {}))
    rng = random.Random(seed)
    root = _site_packages()
    files = _python_files(root)
    licenses = sorted(p for p in root.glob("*.dist-info/LICEN[CS]E*") if p.is_file())
    licenses += sorted(p for p in root.glob("*.dist-info/licenses/*") if p.is_file())
    words = ["data", "file", "value", "the", "error", "module", "time", "user"]
    pairs = ([("docstring", s) for s in _docstrings(files, rng, counts["docstring"])]
             + [("license", s) for s in _lines(licenses * 4, rng, counts["license"], low=20)]
             + [("code", s) for s in _lines(files, rng, counts["code"])]
             + [("version", s) for s in _versions(root, rng, counts["version"])]
             + [("punctuation", s) for s in _drawn(rng, PUNCTUATION, counts["punctuation"], 1, 12)]
             + [("emoji", s) for s in _drawn(rng, EMOJI, counts["emoji"], 1, 6)]
             + [("zero_width", rng.choice(ZERO_WIDTH).join(rng.sample(words, 3))) for _ in range(counts["zero_width"])]
             + [("foreign", s) for s in FOREIGN])
    seen: set[str] = set()
    out = []
    for source, text in pairs:
        if text.strip() and text not in seen and bool(FACE_WORDS.search(text)) == face_worded:
            seen.add(text)
            out.append((source, text))
    return out
