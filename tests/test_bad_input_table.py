"""The bad-input table: named cases across the CLI, the Python API, the writers and the add-on's operators.

Each case gives bad input through one path and asserts the message (a regular expression), that it was
refused before any work (status 2 for the CLI, an I2FETError/AddonError for the API, a report and
CANCELLED for an operator), and that nothing changed: no file left behind or altered in the case's
folder, and the user's Blender data byte-identical (``checksum``). ``docs/bad_input_table.py`` runs
this file with ``I2FET_BAD_INPUT_RECORD`` set and renders ``docs/bad_input.md`` from the record.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from ml_backend import cli
from ml_backend.errors import AssetsMissingError, BadInputError, BadInstructionError, BadTimingError, CheckpointError
from ml_backend.errors import I2FETError, OutputPathError
from ml_backend.ifed.checkpoint import DEFAULT_CHECKPOINT

RECORD_ENV = "I2FET_BAD_INPUT_RECORD"
RECORD: list[dict] = []
SMILE = "a faint smile then surprise"


@pytest.fixture(scope="module", autouse=True)
def _write_record():
    """Write the cases' outcomes as JSON when ``$I2FET_BAD_INPUT_RECORD`` names a file (the docs script does)."""
    yield
    target = os.environ.get(RECORD_ENV)
    if target:
        Path(target).write_text(json.dumps(RECORD, indent=1, ensure_ascii=False), encoding="utf-8")


def _record(name: str, path: str, given: str, message: str) -> dict:
    entry = {"case": name, "path": path, "input": given, "message": message, "verdict": "FAILED"}
    RECORD.append(entry)
    return entry


def folder_state(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` with a digest of its bytes: what 'nothing changed' compares."""
    state = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            state[key] = f"link to {os.readlink(path)}"
        else:
            state[key] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return state


# ---------------------------------------------------------------------------------------------- files used by cases

def _flip_middle(path: Path, size: int = 4096) -> Path:
    """Invert ``size`` bytes in the middle of a file (a damaged copy: same length, no header touched)."""
    data = bytearray(path.read_bytes())
    start = len(data) // 2 - size // 2
    data[start:start + size] = bytes(b ^ 0xFF for b in data[start:start + size])
    path.write_bytes(bytes(data))
    return path


def _checkpoint_copy(folder: Path, how: str) -> Path:
    target = folder / "model" / f"{how}.safetensors"
    target.parent.mkdir(exist_ok=True)
    blob = DEFAULT_CHECKPOINT.read_bytes()
    if how == "flipped":
        target.write_bytes(blob)
        _flip_middle(target)
    elif how == "truncated":
        target.write_bytes(blob[: len(blob) // 2])
    elif how == "empty":
        target.write_bytes(b"")
    elif how == "unhashed":
        size = struct.unpack("<Q", blob[:8])[0]
        header = json.loads(blob[8:8 + size])
        del header["__metadata__"]["sha256"]
        text = json.dumps(header).encode()
        target.write_bytes(struct.pack("<Q", len(text)) + text + blob[8 + size:])
    elif how == "metadata-edited":
        size = struct.unpack("<Q", blob[:8])[0]
        header = json.loads(blob[8:8 + size])
        header["__metadata__"]["training"] = '{"steps": 1}'
        text = json.dumps(header).encode()
        target.write_bytes(struct.pack("<Q", len(text)) + text + blob[8 + size:])
    return target


def _setup(folder: Path) -> dict[str, str]:
    """Files and folders the cases point at, made fresh in each case's folder."""
    (folder / "a_file.txt").write_text("the user's notes\n")
    (folder / "x.csv").mkdir()
    (folder / "x.json").mkdir()
    (folder / "existing.json").write_text('{"the user": "data"}')
    (folder / "model").mkdir()
    (folder / "gone").symlink_to(folder / "nowhere")
    (folder / "gone.csv").symlink_to(folder / "nowhere.csv")
    (folder / "loop").symlink_to("loop")
    _photo_files(folder / "photos")
    return {"tmp": str(folder)}


def _photo_files(folder: Path) -> None:
    """Bad photos for Head from Photo and --from-photo: a text file renamed .jpg, an empty file, a tiny image,
    a plain grey picture without a face and a JPEG cut in half."""
    from PIL import Image

    folder.mkdir()
    (folder / "notes.jpg").write_text("the user's notes, not a photo\n")
    (folder / "empty.jpg").write_bytes(b"")
    Image.fromarray(np.full((8, 8, 3), 128, np.uint8)).save(folder / "tiny.png")
    Image.fromarray(np.full((400, 400, 3), 128, np.uint8)).save(folder / "no_face.png")
    noise = np.random.default_rng(0).integers(0, 255, (400, 400, 3), dtype=np.uint8)
    whole = io.BytesIO()
    Image.fromarray(noise).save(whole, "JPEG")
    (folder / "cut.jpg").write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])


# ----------------------------------------------------------------------------------------------------- CLI cases

@dataclass(frozen=True)
class CliCase:
    name: str
    argv: tuple[str, ...]
    expect: str  # regular expression the error output must match
    checkpoint: str = ""  # make a damaged checkpoint copy: flipped, truncated, empty, unhashed, metadata-edited
    env_checkpoint: str = ""  # the same, chosen through $I2FET_CHECKPOINT
    env_cache: str = ""  # $I2FET_CACHE, "{tmp}" filled in
    env_threads: str = ""  # $I2FET_THREADS (silently ignored when it was not a usable count)


LONG_NAME = "n" * 300 + ".csv"
CLI_CASES = [
    CliCase("--out under /proc", ("generate", SMILE, "--out", "/proc/i2fet/clip.csv"), r"Cannot write .*/proc.*does not accept new files"),
    CliCase("--out through a file", ("generate", SMILE, "--out", "{tmp}/a_file.txt/clip.csv"), r"a_file.txt' is a file, not a folder"),
    CliCase("--out is an existing folder named x.csv", ("generate", SMILE, "--out", "{tmp}/x.csv"), r"is a folder, not a file"),
    CliCase("--out through a broken link ('is a file')", ("generate", SMILE, "--out", "{tmp}/gone/clip.csv"), r"/gone' is a link to '[^']*/nowhere', which does not exist"),
    CliCase("--out through a link to itself ('is a file')", ("generate", SMILE, "--out", "{tmp}/loop/clip.csv"), r"/loop' is a link to 'loop', which does not exist \(or links to itself\)"),
    CliCase("--out is a broken link", ("generate", SMILE, "--out", "{tmp}/gone.csv"), r"/gone.csv' is a link to '[^']*/nowhere.csv', which does not exist"),
    CliCase("--out with another extension", ("generate", SMILE, "--out", "{tmp}/clip.txt"), r"must end in \.csv or \.json"),
    CliCase("--out with a 300-character name", ("generate", SMILE, "--out", "{tmp}/" + LONG_NAME), r"longer than the 255 bytes"),
    CliCase("--out empty", ("generate", SMILE, "--out", ""), r"needs a path ending in \.csv or \.json"),
    CliCase("--out holding a NUL character", ("generate", SMILE, "--out", "{tmp}/a\0b.csv"), r"NUL character"),
    CliCase("--intensity nan", ("generate", SMILE, "--intensity", "nan", "--out", "{tmp}/c.json"), r"intensity must be a number from 0 to 2.*'nan'"),
    CliCase("--intensity inf", ("generate", SMILE, "--intensity", "inf"), r"intensity must be a number from 0 to 2.*'inf'"),
    CliCase("--intensity negative", ("generate", SMILE, "--intensity", "-0.5"), r"intensity must be a number from 0 to 2.*'-0.5'"),
    CliCase("--intensity above 2", ("generate", SMILE, "--intensity", "3"), r"intensity must be a number from 0 to 2.*'3'"),
    CliCase("--intensity not a number", ("generate", SMILE, "--intensity", "strong"), r"intensity must be a number.*'strong'"),
    CliCase("--seed negative", ("generate", SMILE, "--seed", "-1"), r"seed must be a whole number from 0 to 4,294,967,295"),
    CliCase("--seed above 2^64", ("generate", SMILE, "--seed", str(2**64 + 1)), r"seed must be a whole number.*18446744073709551617"),
    CliCase("--seed not whole", ("generate", SMILE, "--seed", "1.5"), r"seed must be a whole number.*'1.5'"),
    CliCase("--seed None", ("generate", SMILE, "--seed", "None"), r"seed must be a whole number.*'None'"),
    CliCase("--fps 0", ("generate", SMILE, "--fps", "0"), r"frame rate must be a number of frames per second from 1 to 1000.*'0'"),
    CliCase("--fps 0.000001 (hung in blink planning)", ("generate", SMILE, "--fps", "0.000001"), r"frame rate .* from 1 to 1000.*'0.000001'"),
    CliCase("--fps nan", ("generate", SMILE, "--fps", "nan"), r"frame rate .*'nan'"),
    CliCase("--fps negative", ("generate", SMILE, "--fps", "-30"), r"frame rate .*'-30'"),
    CliCase("--fps 1e9", ("generate", SMILE, "--fps", "1e9"), r"frame rate .*'1e9'"),
    CliCase("--frames 0", ("generate", SMILE, "--frames", "0"), r"at least one frame \(got 0\)"),
    CliCase("--frames negative", ("generate", SMILE, "--frames", "-5"), r"at least one frame \(got -5\)"),
    CliCase("--frames not whole", ("generate", SMILE, "--frames", "1.5"), r"number of frames must be a whole number, got '1.5'"),
    CliCase("--frames 1e9", ("generate", SMILE, "--frames", "1e9"), r"1,000,000,000 frames is more than the 100,000"),
    CliCase("--frames with 401 digits (a 530-character message)", ("generate", SMILE, "--frames", "1" + "0" * 400), r"^error: a 401-digit number frames is more than the 100,000 a clip may have; generate it in parts\.\n$"),
    CliCase("--frames negative with 401 digits", ("generate", SMILE, "--frames", "-1" + "0" * 400), r"^error: A clip needs at least one frame \(got a negative 401-digit number\)\.\n$"),
    CliCase("--frames not a number", ("generate", SMILE, "--frames", "ten"), r"number of frames must be a whole number, got 'ten'"),
    CliCase("--seconds 0", ("generate", SMILE, "--seconds", "0"), r"duration must be a number of seconds above 0.*'0'"),
    CliCase("--seconds negative", ("generate", SMILE, "--seconds", "-2"), r"duration must be .*'-2'"),
    CliCase("--seconds nan", ("generate", SMILE, "--seconds", "nan"), r"duration must be .*'nan'"),
    CliCase("--seconds inf", ("generate", SMILE, "--seconds", "inf"), r"duration must be .*'inf'"),
    CliCase("--frames and --seconds together", ("generate", SMILE, "--frames", "10", "--seconds", "2"), r"--frames or as --seconds, not both"),
    CliCase("a clip longer than an hour", ("generate", SMILE, "--frames", "100000", "--fps", "1"), r"longer than the 60 minutes"),
    CliCase("empty instruction", ("generate", ""), r"instruction is empty"),
    CliCase("blank instruction", ("generate", " \t\n "), r"instruction is empty"),
    CliCase("undecodable bytes in the instruction", ("generate", "smile \udcff then frown"), r"broken character at position 7"),
    CliCase("a 20,004-character instruction", ("generate", "smile " * 3334), r"20,004 characters long, more than the 20,000"),
    CliCase("not a face (a red car)", ("generate", "a red car"), r"facial expression"),
    CliCase("ANSI escapes only", ("generate", "\x1b[2J\x1b[31m"), r"only control characters or terminal escape codes"),
    CliCase("ANSI escapes around a non-face prompt", ("generate", "\x1b[31ma red car\x1b[0m"), r"'a red car' reads as a facial expression|not .*face"),
    CliCase("punctuation only", ("generate", "~~~ ]["), r"holds no words, only punctuation"),
    CliCase("--checkpoint missing", ("generate", SMILE, "--reader", "ifed", "--checkpoint", "{tmp}/model/none.safetensors"), r"checkpoint \(--checkpoint\) .* does not exist"),
    CliCase("--checkpoint is a folder", ("generate", SMILE, "--reader", "ifed", "--checkpoint", "{tmp}/model"), r"must be a \.safetensors file|is a folder"),
    CliCase("--checkpoint with another extension", ("generate", SMILE, "--reader", "ifed", "--checkpoint", "{tmp}/a_file.txt"), r"must be a \.safetensors file"),
    CliCase("--checkpoint with the default reader", ("generate", SMILE, "--checkpoint", "{tmp}/model/flipped.safetensors"), r"reader has none \(add --reader ifed\)", checkpoint="flipped"),
    CliCase("--checkpoint with the lexicon reader", ("generate", SMILE, "--reader", "lexicon", "--checkpoint", "{tmp}/model/flipped.safetensors"), r"the 'lexicon' reader has none \(add --reader ifed\)", checkpoint="flipped"),
    CliCase("--checkpoint with 4 KB flipped in the middle", ("generate", SMILE, "--reader", "ifed", "--out", "{tmp}/c.csv", "--checkpoint", "{tmp}/model/flipped.safetensors"), r"flipped.safetensors is damaged: its content does not match the SHA-256", checkpoint="flipped"),
    CliCase("--checkpoint truncated", ("generate", SMILE, "--reader", "ifed", "--checkpoint", "{tmp}/model/truncated.safetensors"), r"truncated.safetensors is (damaged|unreadable)", checkpoint="truncated"),
    CliCase("--checkpoint empty", ("generate", SMILE, "--reader", "ifed", "--checkpoint", "{tmp}/model/empty.safetensors"), r"empty.safetensors is unreadable", checkpoint="empty"),
    CliCase("--checkpoint without a recorded hash", ("generate", SMILE, "--reader", "ifed", "--checkpoint", "{tmp}/model/unhashed.safetensors"), r"records no SHA-256 .* i2fet_tools.ifed.rehash", checkpoint="unhashed"),
    CliCase("--checkpoint with edited metadata", ("generate", SMILE, "--reader", "ifed", "--checkpoint", "{tmp}/model/metadata-edited.safetensors"), r"is damaged", checkpoint="metadata-edited"),
    CliCase("$I2FET_CHECKPOINT damaged", ("generate", SMILE, "--reader", "ifed", "--out", "{tmp}/c.json"), r"flipped.safetensors is damaged", env_checkpoint="flipped"),
    CliCase("$I2FET_THREADS is not a number (was silently ignored)", ("generate", SMILE, "--out", "{tmp}/c.csv"), r"\$I2FET_THREADS must be a whole number of threads, 1 or more .*got 'abc'", env_threads="abc"),
    CliCase("$I2FET_THREADS is negative (was silently ignored)", ("generate", SMILE, "--out", "{tmp}/c.csv"), r"\$I2FET_THREADS must be a whole number of threads, 1 or more .*got '-3'", env_threads="-3"),
    CliCase("$I2FET_CACHE through a file (FileExistsError)", ("generate", SMILE, "--out", "{tmp}/c.csv"), r"cache folder .*a_file.txt/cache \(I2FET_CACHE\) cannot be used: .*a_file.txt is a file, not a folder", env_cache="{tmp}/a_file.txt/cache"),
    CliCase("several problems at once", ("generate", "", "--fps", "0", "--seed", "-3"), r"(?s)instruction is empty.*\nerror: The frame rate.*\nerror: The seed"),
    CliCase("unknown option", ("generate", SMILE, "--colour", "red"), r"unrecognized arguments: --colour red"),
    CliCase("unknown reader", ("generate", SMILE, "--reader", "gpt"), r"invalid choice: 'gpt'"),
    CliCase("unknown command", ("animate", SMILE), r"invalid choice: 'animate'"),
    CliCase("ANSI escapes in an unknown option", ("generate", SMILE, "--\x1b[2Jx"), r"\\x1b\[2Jx"),
    CliCase("build-pack --out is a folder", ("build-pack", "--out", "{tmp}/x.csv"), r"must end in \.npz"),
    CliCase("photo: a text file renamed .jpg", ("head-from-photo", "{tmp}/photos/notes.jpg", "--out", "{tmp}/h.glb"), r"is not an image Pillow can read"),
    CliCase("photo: an empty file", ("head-from-photo", "{tmp}/photos/empty.jpg", "--out", "{tmp}/h.glb"), r"is empty \(0 bytes\)"),
    CliCase("photo: 8x8 pixels", ("head-from-photo", "{tmp}/photos/tiny.png", "--out", "{tmp}/h.glb"), r"only 8x8 pixels; the face detector needs at least"),
    CliCase("photo: a JPEG cut in half", ("head-from-photo", "{tmp}/photos/cut.jpg", "--out", "{tmp}/h.glb"), r"damaged or truncated"),
    CliCase("photo: no file there", ("head-from-photo", "{tmp}/photos/none.jpg", "--out", "{tmp}/h.glb"), r"No file at .*none.jpg"),
    CliCase("photo: a folder", ("head-from-photo", "{tmp}/photos", "--out", "{tmp}/h.glb"), r"is a folder, not a photo"),
    CliCase("photo: no face in it", ("head-from-photo", "{tmp}/photos/no_face.png", "--out", "{tmp}/h.glb"), r"No face was found in 'no_face.png'"),
    CliCase("photo: --out not .glb", ("head-from-photo", "{tmp}/photos/no_face.png", "--out", "{tmp}/h.txt"), r"--out must end in \.glb"),
    CliCase("--from-photo without a face", ("generate", SMILE, "--from-photo", "{tmp}/photos/no_face.png", "--out", "{tmp}/c.csv"), r"No face was found"),
    CliCase("--from-photo not an image", ("generate", SMILE, "--from-photo", "{tmp}/photos/notes.jpg", "--out", "{tmp}/c.csv"), r"is not an image Pillow can read"),
]


@pytest.mark.parametrize("case", CLI_CASES, ids=[c.name for c in CLI_CASES])
def test_cli_refuses_before_work(case: CliCase, tmp_path, monkeypatch):
    places = _setup(tmp_path)
    for how in {case.checkpoint, case.env_checkpoint} - {""}:
        _checkpoint_copy(tmp_path, how)
    if case.env_checkpoint:
        monkeypatch.setenv("I2FET_CHECKPOINT", str(tmp_path / "model" / f"{case.env_checkpoint}.safetensors"))
    else:
        monkeypatch.delenv("I2FET_CHECKPOINT", raising=False)
    if case.env_cache:
        monkeypatch.setenv("I2FET_CACHE", case.env_cache.format(**places))
    if case.env_threads:
        monkeypatch.setenv("I2FET_THREADS", case.env_threads)
    else:
        monkeypatch.delenv("I2FET_THREADS", raising=False)
    argv = [a.format(**places) if "{tmp}" in a else a for a in case.argv]
    before = folder_state(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(argv)
    message = err.getvalue()
    shown = [a.replace(str(tmp_path), "TMP") for a in argv]
    shown = [a[:40] + "…" if len(a) > 60 else a for a in shown]
    given = " ".join(repr(a) if " " in a or not a.isprintable() or not a else a for a in shown)
    if case.env_threads:
        given = f"I2FET_THREADS={case.env_threads} {given}"
    entry = _record(case.name, "CLI", given,
                    message.strip().replace(str(tmp_path), "TMP"))
    assert status == 2, (status, message)
    assert re.search(case.expect, message), message
    assert "Traceback" not in message and "\x1b" not in message + out.getvalue()
    assert "wrote" not in out.getvalue() and "generated in" not in out.getvalue()
    assert folder_state(tmp_path) == before
    assert not Path("/proc/i2fet").exists()
    entry["verdict"] = "refused, nothing written"


# ----------------------------------------------------------------------------------------------- API cases

def _generate(**kwargs):
    from ml_backend.pipeline import generate

    kwargs.setdefault("instruction", SMILE)
    kwargs.setdefault("frames", 12)
    return generate(**kwargs)


def _write_json(folder: Path, weights, name="existing.json", fps=30.0):
    from ml_backend.export.clip_json import write_clip_json

    return write_clip_json(folder / name, {"instruction": "x"}, weights, fps)


def _write_csv(folder: Path, weights, name="take.csv"):
    from ml_backend.export.livelink_csv import write_livelink_csv

    return write_livelink_csv(folder / name, weights, 30.0)


def _failing_write(folder: Path):
    from ml_backend.export.atomic import atomic_write

    with atomic_write(folder / "existing.json") as handle:
        handle.write('{"half": ')
        raise OutputPathError("No space left on the device (simulated while writing).")


def _load_pack(folder: Path, how: str):
    from ml_backend.face_model import ensure_pack, load_pack

    source = ensure_pack()
    target = folder / "model" / f"pack-{how}.npz"
    data = source.read_bytes()
    if how == "truncated":
        data = data[: len(data) // 3]
    target.write_bytes(data)
    if how == "flipped":
        _flip_middle(target)
    return load_pack(target)


def _load_checkpoint(folder: Path, how: str):
    from ml_backend.ifed.checkpoint import load_checkpoint

    return load_checkpoint(_checkpoint_copy(folder, how))


def _cache_in(folder: Path):
    from ml_backend.paths import cache_dir

    os.environ["I2FET_CACHE"] = str(folder)
    try:
        return cache_dir()
    finally:
        del os.environ["I2FET_CACHE"]


def _read_take(folder: Path, content: bytes):
    from ml_backend.export.livelink_csv import read_livelink_csv

    path = folder / "take_in.csv"
    path.write_bytes(content)
    return read_livelink_csv(path)


def _take_bytes(timecodes: list[str], decimal_commas: bool = False) -> bytes:
    """A Live Link take holding one row of small weights per timecode (the writer's header)."""
    from ml_backend.export.livelink_csv import HEADER

    cells = ["0.25"] * (len(HEADER) - 2)
    rows = [",".join(HEADER)] + [",".join([code, "61"] + cells) for code in timecodes]
    text = "\n".join(rows) + "\n"
    return (text.replace("0.25", "0,25") if decimal_commas else text).encode()


TEN_HOUR_JUMP = ["00:00:00:00.000", "00:00:00:01.000", "00:00:00:02.000", "10:00:00:00.000"]


@dataclass(frozen=True)
class ApiCase:
    name: str
    call: Callable[[Path], object]
    error: type
    expect: str
    given: str


NAN_START = np.zeros(52)
NAN_START[17] = np.nan
API_CASES = [
    ApiCase("frames nan", lambda d: _generate(frames=float("nan")), BadTimingError, r"whole number, got 'nan'", "frames=nan"),
    ApiCase("frames True", lambda d: _generate(frames=True), BadTimingError, r"whole number, got 'True'", "frames=True"),
    ApiCase("frames as text", lambda d: _generate(frames="many"), BadTimingError, r"whole number, got 'many'", "frames='many'"),
    ApiCase("fps 0.000001", lambda d: _generate(fps=1e-6), BadTimingError, r"from 1 to 1000", "fps=1e-06"),
    ApiCase("fps None", lambda d: _generate(fps=None), BadTimingError, r"frame rate .*'None'", "fps=None"),
    ApiCase("intensity nan", lambda d: _generate(intensity=float("nan")), BadInputError, r"intensity .*'nan'", "intensity=nan"),
    ApiCase("intensity negative", lambda d: _generate(intensity=-1), BadInputError, r"intensity .*'-1'", "intensity=-1"),
    ApiCase("seed None", lambda d: _generate(seed=None), BadInputError, r"seed .*'None'", "seed=None"),
    ApiCase("seed above 2^64", lambda d: _generate(seed=2**64 + 1), BadInputError, r"seed must be a whole number from 0", "seed=2**64+1"),
    ApiCase("seed a float", lambda d: _generate(seed=0.5), BadInputError, r"seed .*'0.5'", "seed=0.5"),
    ApiCase("start weights with NaN", lambda d: _generate(start_weights=NAN_START), BadInputError, r"not numbers .* for jawOpen", "start_weights[jawOpen]=nan"),
    ApiCase("start weights of the wrong length", lambda d: _generate(start_weights=np.zeros(51)), BadInputError, r"52 numbers, one per ARKit channel, got 51", "start_weights=zeros(51)"),
    ApiCase("start weights as text", lambda d: _generate(start_weights=["a"] * 52), BadInputError, r"must be 52 numbers", "start_weights=['a']*52"),
    ApiCase("instruction None", lambda d: _generate(instruction=None), BadInstructionError, r"must be text, got NoneType", "instruction=None"),
    ApiCase("instruction as bytes", lambda d: _generate(instruction=b"smile"), BadInstructionError, r"must be text, got bytes", "instruction=b'smile'"),
    ApiCase("instruction with a lone surrogate", lambda d: _generate(instruction="smile \ud800"), BadInstructionError, r"broken character at position 7", "'smile \\ud800'"),
    ApiCase("unknown reader", lambda d: _generate(reader="gpt"), BadInputError, r"Unknown instruction reader 'gpt'; choose one of .*ifed", "reader='gpt'"),
    ApiCase("life options of the wrong type", lambda d: _generate(life="yes"), BadInputError, r"LifeOptions, got str", "life='yes'"),
    ApiCase("life seed negative", lambda d: _generate(life=__import__("ml_backend.motion.life", fromlist=["x"]).LifeOptions(seed=-1)), BadInputError, r"seed .*'-1'", "LifeOptions(seed=-1)"),
    ApiCase("several problems at once", lambda d: _generate(frames=0, fps=0, intensity=9), BadTimingError, r"(?s)at least one frame.*\nThe frame rate.*\nThe intensity", "frames=0, fps=0, intensity=9"),
    ApiCase("checkpoint with 4 KB flipped", lambda d: _generate(reader="ifed", checkpoint=str(_checkpoint_copy(d, "flipped"))), CheckpointError, r"is damaged: its content does not match", "checkpoint=flipped copy"),
    ApiCase("load_checkpoint truncated", lambda d: _load_checkpoint(d, "truncated"), CheckpointError, r"is (damaged|unreadable)", "load_checkpoint(truncated copy)"),
    ApiCase("load_checkpoint without hash", lambda d: _load_checkpoint(d, "unhashed"), CheckpointError, r"records no SHA-256", "load_checkpoint(unhashed copy)"),
    ApiCase("face pack with 4 KB flipped", lambda d: _load_pack(d, "flipped"), AssetsMissingError, r"pack-flipped.npz (is damaged|is unreadable)", "load_pack(flipped copy)"),
    ApiCase("face pack truncated", lambda d: _load_pack(d, "truncated"), AssetsMissingError, r"pack-truncated.npz is unreadable", "load_pack(truncated copy)"),
    ApiCase("JSON of weights with NaN", lambda d: _write_json(d, np.full((3, 52), np.nan)), I2FETError, r"not numbers .* nothing was written", "write_clip_json(NaN weights)"),
    ApiCase("JSON of a plan with Infinity", lambda d: __import__("ml_backend.export.clip_json", fromlist=["x"]).write_clip_json(d / "existing.json", {"intensity": float("inf")}, np.zeros((2, 52)), 30.0), I2FETError, r"plan.intensity", "plan intensity=inf"),
    ApiCase("CSV of weights with NaN", lambda d: _write_csv(d, np.full((3, 52), np.nan)), I2FETError, r"finite frames x 52 weights; nothing was written", "write_livelink_csv(NaN weights)"),
    ApiCase("CSV at fps nan (ValueError while writing)", lambda d: __import__("ml_backend.export.livelink_csv", fromlist=["x"]).write_livelink_csv(d / "take.csv", np.zeros((3, 52)), float("nan")), BadTimingError, r"frame rate .* from 1 to 1000, got 'nan'", "write_livelink_csv(fps=nan)"),
    ApiCase("CSV at fps -5 (wrote a take)", lambda d: __import__("ml_backend.export.livelink_csv", fromlist=["x"]).write_livelink_csv(d / "take.csv", np.zeros((3, 52)), -5), BadTimingError, r"frame rate .* from 1 to 1000, got '-5'", "write_livelink_csv(fps=-5)"),
    ApiCase("CSV with NaN rotations (wrote 'nan' cells)", lambda d: __import__("ml_backend.export.livelink_csv", fromlist=["x"]).write_livelink_csv(d / "take.csv", np.zeros((3, 52)), 30.0, rotations=np.full((3, 9), np.nan)), I2FETError, r"rotations hold values that are not numbers .* nothing was written", "write_livelink_csv(rotations=NaN)"),
    ApiCase("JSON at fps -1 (wrote \"fps\": -1.0)", lambda d: _write_json(d, np.zeros((3, 52)), fps=-1), BadTimingError, r"frame rate .* from 1 to 1000, got '-1'", "write_clip_json(fps=-1)"),
    ApiCase("JSON at fps 'x' (ValueError)", lambda d: _write_json(d, np.zeros((3, 52)), fps="x"), BadTimingError, r"frame rate .*, got 'x'", "write_clip_json(fps='x')"),
    ApiCase("CSV of the wrong width", lambda d: _write_csv(d, np.zeros((3, 51))), I2FETError, r"frames x 52", "write_livelink_csv(3 x 51)"),
    ApiCase("a write that fails halfway", _failing_write, OutputPathError, r"No space left", "atomic_write raising mid-file"),
    ApiCase("Live Link take that is empty", lambda d: _read_take(d, b""), I2FETError, r"is empty: not a Live Link Face take", "empty .csv"),
    ApiCase("Live Link take whose timecodes jump 10 hours (built 864,001 frames, 1 GB)", lambda d: _read_take(d, _take_bytes(TEN_HOUR_JUMP)), I2FETError, r"timecodes jump 36,000 s between lines 4 and 5", "4 rows, the last 10 h later"),
    ApiCase("Live Link rows a thousandth of a frame apart (read as 30,000 fps)", lambda d: _read_take(d, _take_bytes([f"00:00:00:00.{i:03d}" for i in range(5)])), I2FETError, r"rate of 3e\+04 a second, outside 1 to 1000 fps: give the take's frame rate", "timecodes 00:00:00:00.000, .001, ..."),
    ApiCase("Live Link take of two rows ten minutes apart (read as 0.0017 fps)", lambda d: _read_take(d, _take_bytes(["00:00:00:00.000", "00:10:00:00.000"])), I2FETError, r"rate of 0.00\d+ a second, outside 1 to 1000 fps", "timecodes 00:00:00:00, 00:10:00:00"),
    ApiCase("Live Link timecode hour 99999999999 (IndexError)", lambda d: _read_take(d, _take_bytes(["99999999999:00:00:00.000", "00:00:00:01.000"])), I2FETError, r"line 2: the timecode .* is not HH:MM:SS:FF \(hours 0-23\)", "timecode 99999999999:00:00:00"),
    ApiCase("Live Link timecode with a negative hour", lambda d: _read_take(d, _take_bytes(["-1:00:00:00.000", "00:00:00:01.000"])), I2FETError, r"line 2: the timecode '-1:00:00:00.000' is not", "timecode -1:00:00:00"),
    ApiCase("Live Link take with decimal commas (values read into the wrong columns)", lambda d: _read_take(d, _take_bytes(TEN_HOUR_JUMP[:3], decimal_commas=True)), I2FETError, r"line 2: 124 cells under a header of 63, .*decimal commas", "0,25 instead of 0.25"),
    ApiCase("Live Link take saved as UTF-16", lambda d: _read_take(d, _take_bytes(TEN_HOUR_JUMP[:3]).decode().encode("utf-16")), I2FETError, r"is not UTF-8 text .*save it as UTF-8 CSV", "UTF-16 bytes"),
    ApiCase("$I2FET_CACHE names a file (FileExistsError)", lambda d: _cache_in(d / "a_file.txt"), OutputPathError, r"a_file.txt is a file, not a folder. Set I2FET_CACHE", "I2FET_CACHE=TMP/a_file.txt"),
    ApiCase("Live Link take that is a PNG", lambda d: _read_take(d, b"\x89PNG\r\n\x1a\n" + bytes(range(256))), I2FETError, r"not a Live Link Face take|Cannot read the take", "PNG bytes as .csv"),
]


@pytest.mark.parametrize("case", API_CASES, ids=[c.name for c in API_CASES])
def test_api_refuses_before_work(case: ApiCase, tmp_path):
    _setup(tmp_path)
    before = folder_state(tmp_path)
    with pytest.raises(I2FETError) as raised:
        case.call(tmp_path)
    message = str(raised.value)
    entry = _record(case.name, "API", case.given, message.replace(str(tmp_path), "TMP"))
    assert isinstance(raised.value, case.error), type(raised.value)
    assert re.search(case.expect, message), message
    after = folder_state(tmp_path)
    made_by_case = {k for k in after if k.startswith("model/") or k == "take_in.csv"} - set(before)
    assert {k: v for k, v in after.items() if k not in made_by_case} == before
    entry["verdict"] = "refused, nothing written"


# ------------------------------------------------------------------------------------------ operator cases

def _prompt(bpy, text: str):
    bpy.context.scene.i2fet.prompt = text
    return bpy.ops.i2fet.generate()


def _activate(bpy, kind: str):
    data = bpy.data.armatures.new("Rig") if kind == "ARMATURE" else None
    obj = bpy.data.objects.new("Empty" if kind == "EMPTY" else "Rig", data)
    bpy.context.scene.collection.objects.link(obj)
    bpy.context.view_layer.objects.active = obj
    return bpy.ops.i2fet.generate()


def _no_active(bpy):
    bpy.context.view_layer.objects.active = None
    return bpy.ops.i2fet.generate()


def _slow_scene(bpy):
    bpy.context.scene.render.fps, bpy.context.scene.render.fps_base = 1, 1e6
    return bpy.ops.i2fet.generate()


def _with_clip(bpy, then: Callable):
    """Make one clip first (the clip's own keys are not the user's data), then run the bad operator."""
    bpy.context.scene.i2fet.prompt = "a big smile"
    assert bpy.ops.i2fet.generate() == {"FINISHED"}
    return then


def _clip_name(bpy) -> str:
    from i2fet_blender.clips.store import clips

    return clips()[0].name


def _small_take(folder: Path, rows: int = 200) -> Path:
    """A valid Live Link take written by the project's own writer (a clip of a smile, 30 fps)."""
    from ml_backend.export.livelink_csv import write_livelink_csv

    path = folder / "small_take.csv"
    if not path.exists():
        write_livelink_csv(path, np.linspace(0, 1, rows * 52).reshape(rows, 52) % 1.0, 30.0)
    return path


def _import_into_fast_scene(folder: Path):
    def call(bpy):
        bpy.context.scene.render.fps, bpy.context.scene.render.fps_base = 1000, 1.0
        return bpy.ops.i2fet.import_livelink_csv(filepath=str(_small_take(folder)), take_fps=1.0)
    return call


def _hide_head(bpy, folder: Path) -> None:
    bpy.context.view_layer.objects.active.hide_set(True)


def _disable_head(bpy, folder: Path) -> None:
    bpy.context.view_layer.objects.active.hide_viewport = True


def _lock_head(bpy, folder: Path) -> None:
    bpy.context.view_layer.objects.active.hide_select = True


def _user_bin(bpy, folder: Path) -> None:
    (folder / "head.bin").write_bytes(b"the user's buffer")


def _at_last_frames(bpy, folder: Path) -> None:
    """The scene's current frame a few frames before Blender's last one."""
    bpy.context.scene.frame_end, bpy.context.scene.frame_current = 1_048_574, 1_048_570


def _generate_at_last_frames(bpy, folder: Path) -> None:
    """Generate from the current frame, which sits a few frames before Blender's last one."""
    _at_last_frames(bpy, folder)
    bpy.context.scene.i2fet.use_current_frame = True


def _export_csv(path: str):
    return lambda bpy: bpy.ops.i2fet.export_livelink_csv(filepath=path)


def _export_scene(op: str, path: str):
    return lambda bpy: getattr(bpy.ops.i2fet, op)(filepath=path)


def _import_csv(path: str):
    return lambda bpy: bpy.ops.i2fet.import_livelink_csv(filepath=path)


def _import_bytes(folder: Path, name: str, content: bytes):
    path = folder / name
    path.write_bytes(content)
    return _import_csv(str(path))


def _library_mesh(bpy, folder: Path, name: str):
    """A keyed sphere written to a .blend library in ``folder``, removed here and linked back (the user's asset)."""
    from tests.addon_helpers import keyed_head

    active = bpy.context.view_layer.objects.active
    local = keyed_head(name, user_data=False)
    path = folder / f"{name}.blend"
    bpy.data.libraries.write(str(path), {local})
    mesh = local.data
    bpy.data.objects.remove(local)
    bpy.data.meshes.remove(mesh)
    with bpy.data.libraries.load(str(path), link=True) as (_, into):
        into.objects = [name]
    bpy.context.view_layer.objects.active = active
    return into.objects[0]


def _linked_active(bpy, folder: Path) -> None:
    linked = _library_mesh(bpy, folder, "LinkedHead")
    bpy.context.scene.collection.objects.link(linked)
    bpy.context.view_layer.objects.active = linked


def _linked_part(bpy, folder: Path) -> None:
    """The head and a linked keyed mesh in one collection, overlapping: the linked mesh is part of the character."""
    head = bpy.context.view_layer.objects.active
    collection = bpy.data.collections.new("Character")
    bpy.context.scene.collection.children.link(collection)
    bpy.context.scene.collection.objects.unlink(head)
    collection.objects.link(head)
    collection.objects.link(_library_mesh(bpy, folder, "LinkedTeeth"))


def _axis_angle_eye(bpy, folder: Path) -> None:
    """The head and a keyless eyeball under one armature; the eye rotates by axis angle."""
    head = bpy.context.view_layer.objects.active
    rig = bpy.data.objects.new("Rig", bpy.data.armatures.new("Rig"))
    bpy.context.scene.collection.objects.link(rig)
    eye = bpy.data.objects.new("Eye_L", bpy.data.meshes.new("Eye_L"))
    bpy.context.scene.collection.objects.link(eye)
    eye.rotation_mode = "AXIS_ANGLE"
    head.parent = eye.parent = rig


@dataclass(frozen=True)
class OperatorCase:
    name: str
    operator: str
    call: Callable  # (bpy) -> operator result, with "{tmp}" already filled in by ``make``
    expect: str
    needs_clip: bool = False
    setup: Callable | None = None  # (bpy, folder): what the scene holds before the case (counted as the user's)


def _operator_cases(tmp: Path) -> list[OperatorCase]:
    png = tmp / "picture.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    _small_take(tmp)
    return [
        OperatorCase("empty prompt", "i2fet.generate", lambda b: _prompt(b, "   "), r"prompt is empty"),
        OperatorCase("punctuation-only prompt", "i2fet.generate", lambda b: _prompt(b, "~~~ ]["), r"holds no words"),
        OperatorCase("escape-code-only prompt", "i2fet.generate", lambda b: _prompt(b, "\x1b[2J\x1b[31m"), r"only control characters or terminal escape codes"),
        OperatorCase("non-face prompt", "i2fet.generate", lambda b: _prompt(b, "a red car"), r"facial expression|face"),
        OperatorCase("non-face prompt in terminal colours", "i2fet.generate", lambda b: _prompt(b, "\x1b[31ma red car\x1b[0m"), r"'a red car'|face"),
        OperatorCase("no active object", "i2fet.generate", _no_active, r"no active object"),
        OperatorCase("an Empty selected (a/an)", "i2fet.generate", lambda b: _activate(b, "EMPTY"), r"'Empty' is an empty, not a mesh"),
        OperatorCase("an armature selected", "i2fet.generate", lambda b: _activate(b, "ARMATURE"), r"'Rig' is an armature, not a mesh"),
        OperatorCase("scene at 0.000001 fps (fps_base 1e6)", "i2fet.generate", _slow_scene, r"frame rate .* from 1 to 1000"),
        OperatorCase("regenerate an unknown clip", "i2fet.regenerate_clip", lambda b: b.ops.i2fet.regenerate_clip(clip="No Such Clip"), r"no I2FET clip named 'No Such Clip'"),
        OperatorCase("delete an unknown clip", "i2fet.delete_clip", lambda b: b.ops.i2fet.delete_clip(clip="No Such Clip"), r"no I2FET clip named 'No Such Clip'"),
        OperatorCase("retime to 2,147,483,647 frames (ran out of memory)", "i2fet.retime_clip", lambda b: b.ops.i2fet.retime_clip(clip=_clip_name(b), frame_start=1, frames=2**31 - 1), r"more than the 100,000 a clip may have", True),
        OperatorCase("retime beyond Blender's last frame", "i2fet.retime_clip", lambda b: b.ops.i2fet.retime_clip(clip=_clip_name(b), frame_start=1_048_000, frames=1000), r"outside Blender's timeline", True),
        OperatorCase("scale intensity by NaN", "i2fet.scale_clip", lambda b: b.ops.i2fet.scale_clip(clip=_clip_name(b), factor=float("nan")), r"intensity factor must be from 0 to 10", True),
        OperatorCase("scale intensity by infinity", "i2fet.scale_clip", lambda b: b.ops.i2fet.scale_clip(clip=_clip_name(b), factor=float("inf")), r"intensity factor must be from 0 to 10", True),
        OperatorCase("Live Link export under /proc", "i2fet.export_livelink_csv", _export_csv("/proc/i2fet/take.csv"), r"does not accept new files", True),
        OperatorCase("Live Link export to a folder named x.csv", "i2fet.export_livelink_csv", _export_csv(str(tmp / "x.csv")), r"is a folder, not a file", True),
        OperatorCase("Live Link export through a file", "i2fet.export_livelink_csv", _export_csv(str(tmp / "a_file.txt" / "t.csv")), r"is a file, not a folder", True),
        OperatorCase("FBX export to a folder named x.fbx", "i2fet.export_fbx", _export_scene("export_fbx", str(tmp / "x.fbx")), r"is a folder, not a file"),
        OperatorCase("glTF export with another extension", "i2fet.export_gltf", _export_scene("export_gltf", str(tmp / "head.txt")), r"must end in \.glb or \.gltf"),
        OperatorCase("Live Link import of a missing file", "i2fet.import_livelink_csv", _import_csv(str(tmp / "none.csv")), r"does not exist"),
        OperatorCase("Live Link import of a folder", "i2fet.import_livelink_csv", _import_csv(str(tmp / "x.csv")), r"is a folder, not a file"),
        OperatorCase("Live Link import at 0.001 fps (a 30,000-fold resample)", "i2fet.import_livelink_csv", lambda b: b.ops.i2fet.import_livelink_csv(filepath=str(_small_take(tmp)), take_fps=0.001), r"frame rate .* from 1 to 1000"),
        OperatorCase("Live Link import at 1 fps into a 1000-fps scene", "i2fet.import_livelink_csv", _import_into_fast_scene(tmp), r"more than the 100,000 a clip may have|longer than"),
        OperatorCase("Live Link export to '//take.csv' in an unsaved file (wrote /take.csv)", "i2fet.export_livelink_csv", _export_csv("//take.csv"), r"relative to the \.blend file, which is not saved yet", True),
        OperatorCase("FBX export to '//head.fbx' in an unsaved file (wrote /head.fbx)", "i2fet.export_fbx", _export_scene("export_fbx", "//head.fbx"), r"relative to the \.blend file, which is not saved yet"),
        OperatorCase("Live Link import of a take whose timecodes jump 10 hours", "i2fet.import_livelink_csv", _import_bytes(tmp, "jump.csv", _take_bytes(TEN_HOUR_JUMP)), r"timecodes jump 36,000 s"),
        OperatorCase("Live Link import of a timecode at hour 99999999999 (IndexError)", "i2fet.import_livelink_csv", _import_bytes(tmp, "hours.csv", _take_bytes(["99999999999:00:00:00.000", "00:00:00:01.000"])), r"is not HH:MM:SS:FF"),
        OperatorCase("rename a clip to a name holding terminal escapes", "i2fet.rename_clip", lambda b: b.ops.i2fet.rename_clip(clip=_clip_name(b), name="a\x1b[31mb"), r"cannot hold control characters or terminal escape codes: 'a\\x1b\[31mb'", True),
        OperatorCase("Generate at Blender's last frame (keys past the timeline)", "i2fet.generate", lambda b: b.ops.i2fet.generate(), r"outside Blender's timeline", setup=_generate_at_last_frames),
        OperatorCase("Live Link import at Blender's last frame (keys past the timeline)", "i2fet.import_livelink_csv", _import_csv(str(_small_take(tmp))), r"outside Blender's timeline", setup=_at_last_frames),
        OperatorCase("FBX export of a hidden head (wrote an empty FBX)", "i2fet.export_fbx", _export_scene("export_fbx", str(tmp / "head.fbx")), r"'Head' is hidden, so the exporter would leave it out", True, _hide_head),
        OperatorCase("glTF export of a head disabled in viewports (wrote an empty .glb)", "i2fet.export_gltf", _export_scene("export_gltf", str(tmp / "head.glb")), r"'Head' is hidden", True, _disable_head),
        OperatorCase("FBX export of an unselectable head (wrote an empty FBX)", "i2fet.export_fbx", _export_scene("export_fbx", str(tmp / "head.fbx")), r"'Head' cannot be selected", True, _lock_head),
        OperatorCase("save the key mapping to a folder named x.json", "i2fet.key_map_save", lambda b: b.ops.i2fet.key_map_save(filepath=str(tmp / "x.json")), r"x.json' is a folder, not a file"),
        OperatorCase("save the key mapping to '//map.json' in an unsaved file (wrote /map.json)", "i2fet.key_map_save", lambda b: b.ops.i2fet.key_map_save(filepath="//map.json"), r"relative to the \.blend file, which is not saved yet"),
        OperatorCase("save the key mapping as map.txt", "i2fet.key_map_save", lambda b: b.ops.i2fet.key_map_save(filepath=str(tmp / "map.txt")), r"must end in \.json"),
        OperatorCase("load a key mapping that does not exist", "i2fet.key_map_load", lambda b: b.ops.i2fet.key_map_load(filepath=str(tmp / "none.json")), r"mapping table .*none.json' does not exist"),
        OperatorCase("glTF export as head.gltf beside the user's head.bin (overwrote it)", "i2fet.export_gltf", _export_scene("export_gltf", str(tmp / "head.gltf")), r"'head.bin' is already in that folder", True, _user_bin),
        OperatorCase("Live Link import of a PNG named .csv", "i2fet.import_livelink_csv", _import_csv(str(png)), r"not a Live Link Face take|Cannot read the take"),
        OperatorCase("a head linked from a library", "i2fet.generate", lambda b: b.ops.i2fet.generate(), r"'LinkedHead' is linked from another file", setup=_linked_active),
        OperatorCase("a character part linked from a library", "i2fet.generate", lambda b: b.ops.i2fet.generate(), r"'LinkedTeeth' \(part of the character\) is linked from another file", setup=_linked_part),
        OperatorCase("a keyless eye that rotates by axis angle", "i2fet.generate", lambda b: b.ops.i2fet.generate(), r"'Eye_L' rotates by axis angle", setup=_axis_angle_eye),
        OperatorCase("fit a head linked from a library", "i2fet.fit_head", lambda b: b.ops.i2fet.fit_head(), r"'LinkedHead' is linked from another file", setup=_linked_active),
    ]


OPERATOR_INPUTS = {  # what each operator case gives, for the table
    "empty prompt": "prompt '   '", "punctuation-only prompt": "prompt '~~~ ]['",
    "escape-code-only prompt": "prompt '\\x1b[2J\\x1b[31m'", "non-face prompt": "prompt 'a red car'",
    "non-face prompt in terminal colours": "prompt '\\x1b[31ma red car\\x1b[0m'", "no active object": "active object None",
    "an Empty selected (a/an)": "active object: an Empty", "an armature selected": "active object: an armature",
    "scene at 0.000001 fps (fps_base 1e6)": "scene fps 1, fps_base 1e6", "regenerate an unknown clip": "clip='No Such Clip'",
    "delete an unknown clip": "clip='No Such Clip'", "Live Link export under /proc": "filepath=/proc/i2fet/take.csv",
    "Live Link export to a folder named x.csv": "filepath=TMP/x.csv (a folder)",
    "Live Link export through a file": "filepath=TMP/a_file.txt/t.csv", "FBX export to a folder named x.fbx": "filepath=TMP/x.fbx (a folder)",
    "glTF export with another extension": "filepath=TMP/head.txt", "Live Link import of a missing file": "filepath=TMP/none.csv",
    "Live Link import of a folder": "filepath=TMP/x.csv (a folder)",
    "retime to 2,147,483,647 frames (ran out of memory)": "frames=2147483647",
    "retime beyond Blender's last frame": "frame_start=1048000, frames=1000", "scale intensity by NaN": "factor=nan",
    "scale intensity by infinity": "factor=inf",
    "Live Link import at 0.001 fps (a 30,000-fold resample)": "take_fps=0.001 (200-row take)",
    "Live Link import at 1 fps into a 1000-fps scene": "take_fps=1, scene 1000 fps (200-row take)", "Live Link import of a PNG named .csv": "filepath=TMP/picture.csv (PNG bytes)",
    "a head linked from a library": "active object linked from TMP/LinkedHead.blend",
    "a character part linked from a library": "keyed mesh linked from TMP/LinkedTeeth.blend in the head's collection",
    "a keyless eye that rotates by axis angle": "eyeball 'Eye_L' under the head's armature, rotation mode AXIS_ANGLE",
    "fit a head linked from a library": "active object linked from TMP/LinkedHead.blend",
    "Live Link export to '//take.csv' in an unsaved file (wrote /take.csv)": "filepath=//take.csv, file never saved",
    "FBX export to '//head.fbx' in an unsaved file (wrote /head.fbx)": "filepath=//head.fbx, file never saved",
    "FBX export of a hidden head (wrote an empty FBX)": "head hidden (H), filepath=TMP/head.fbx",
    "glTF export of a head disabled in viewports (wrote an empty .glb)": "head hide_viewport, filepath=TMP/head.glb",
    "FBX export of an unselectable head (wrote an empty FBX)": "head hide_select, filepath=TMP/head.fbx",
    "save the key mapping to a folder named x.json": "filepath=TMP/x.json (a folder)",
    "save the key mapping to '//map.json' in an unsaved file (wrote /map.json)": "filepath=//map.json, file never saved",
    "save the key mapping as map.txt": "filepath=TMP/map.txt",
    "load a key mapping that does not exist": "filepath=TMP/none.json",
    "glTF export as head.gltf beside the user's head.bin (overwrote it)": "filepath=TMP/head.gltf, TMP/head.bin the user's",
    "rename a clip to a name holding terminal escapes": "name='a\\x1b[31mb'",
    "Generate at Blender's last frame (keys past the timeline)": "current frame 1048570, 20 frames from the current frame",
    "Live Link import at Blender's last frame (keys past the timeline)": "current frame 1048570, 200-row take",
    "Live Link import of a take whose timecodes jump 10 hours": "4 rows, the last 10 h after the others",
    "Live Link import of a timecode at hour 99999999999 (IndexError)": "timecode 99999999999:00:00:00.000",
}
OPERATOR_NAMES = [c.name for c in _operator_cases(Path(__import__("tempfile").mkdtemp(prefix="i2fet-cases-")))]


@pytest.mark.parametrize("name", OPERATOR_NAMES)
def test_operator_refuses_and_changes_nothing(name, blender, checksum, tmp_path):
    from tests.addon_helpers import keyed_head

    _setup(tmp_path)
    (tmp_path / "x.fbx").mkdir()
    case = next(c for c in _operator_cases(tmp_path) if c.name == name)
    keyed_head()
    settings = blender.context.scene.i2fet
    settings.duration_unit, settings.frames, settings.use_current_frame = "FRAMES", 20, False
    if case.setup is not None:
        case.setup(blender, tmp_path)
    if case.needs_clip:
        _with_clip(blender, case.call)
    scene = blender.context.scene
    scene.frame_set(scene.frame_current)  # animated sliders evaluated, as after any operator
    before, files_before = checksum(), folder_state(tmp_path)
    with pytest.raises(RuntimeError) as raised:
        case.call(blender)
    scene.frame_set(scene.frame_current)
    message = str(raised.value).strip()
    entry = _record(case.name, f"operator {case.operator}", OPERATOR_INPUTS.get(case.name, case.name),
                    message.removeprefix("Error: ").replace(str(tmp_path), "TMP"))
    assert re.search(case.expect, message), message
    assert "\x1b" not in message and "Traceback" not in message
    assert checksum() == before
    assert folder_state(tmp_path) == files_before
    entry["verdict"] = "refused, scene and files unchanged"
