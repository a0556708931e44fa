#!/usr/bin/env python3
"""One entry point for set-up, the demo, tests, benchmarks, docs and the extension build.

    python3 build.py demo "a faint smile turning into surprise"   # set up, then animate the default head
    python3 build.py test                                          # set up, then run the whole test suite

Set-up creates ``.venv`` (pinned requirements + constraints; skipped when already installed)
and builds the face-model pack from the ICT FaceKit assets (``$I2FET_ASSETS`` or ../shared/assets).
Only the standard library is used here: this file runs before the environment exists.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
CONSTRAINTS = ROOT / "constraints.txt"
STAMP = VENV / ".i2fet-installed"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(args: list[str | Path], env: dict | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, env=env)


def child_env() -> dict:
    """Environment for project commands: offline hub, Blender's user folder kept inside the project."""
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    env.setdefault("BLENDER_USER_RESOURCES", str(ROOT / ".cache" / "blender-user"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _requirements_digest() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes() + CONSTRAINTS.read_bytes()).hexdigest()


def ensure_venv() -> Path:
    """Create .venv and install the pinned packages, unless they are already there."""
    python = venv_python()
    if not python.exists():
        print(f"[setup] creating the virtual environment {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = _requirements_digest()
    if not STAMP.exists() or STAMP.read_text().strip() != digest:
        print("[setup] installing pinned packages (about 2 minutes the first time)", flush=True)
        run([python, "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off",
             "-r", REQUIREMENTS, "-c", CONSTRAINTS])
        STAMP.write_text(digest)
    else:
        print("[setup] packages already installed", flush=True)
    return python


def ensure_face_pack(python: Path) -> None:
    """Build the runtime face pack from the ICT FaceKit assets (once; cached)."""
    run([python, "-c", "import sys; from ml_backend.face_model import ensure_pack; "
         "p = ensure_pack(lambda m, f: print(f'[face model] {f*100:5.1f}% {m}', flush=True) if f in (0.0, 1.0) or int(f*100) % 25 == 0 else None); "
         "print('[face model] pack:', p)"], env=child_env())


def setup() -> Path:
    python = ensure_venv()
    ensure_face_pack(python)
    return python


def cmd_setup(args: argparse.Namespace) -> None:
    setup()


def cmd_demo(args: argparse.Namespace) -> None:
    python = setup()
    run([python, "-m", "i2fet_blender.demo", args.instruction, "--frames", str(args.frames), "--out", args.out]
        + (["--no-render"] if args.no_render else []), env=child_env())


def cmd_test(args: argparse.Namespace) -> None:
    python = setup()
    if args.bpy:
        python = ensure_bpy_lts_venv(args.bpy, python)
    env = child_env()
    if args.blender:
        # pytest-blender runs the suite inside that Blender; its Python (3.11 for Blender 4.2-5.0) sees the
        # project and the venv's packages through PYTHONPATH, honoured with --python-use-system-env.
        site = next((VENV / "lib").glob("python3*/site-packages"))
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(site)])
        command = ["--blender-executable", args.blender, "tests", *args.pytest_args, "--", "--python-use-system-env"]
    else:
        command = ["-p", "no:pytest-blender", "tests", *args.pytest_args]
    run([python, "-m", "pytest", *command], env=env)


def cmd_bench(args: argparse.Namespace) -> None:
    python = setup()
    run([python, "-m", "tests.benchmarks.run_all"], env=child_env())


def cmd_fit_timing(args: argparse.Namespace) -> None:
    python = setup()
    run([python, "-m", "ml_backend.motion.timing_fit", *args.takes] + (["--dry-run"] if args.dry_run else [])
        + (["--reset"] if args.reset else []), env=child_env())


def cmd_train(args: argparse.Namespace) -> None:
    python = setup()
    run([python, "-m", "i2fet_tools.ifed.train", *args.extra], env=child_env())


def cmd_eval(args: argparse.Namespace) -> None:
    python = setup()
    run([python, "-m", "i2fet_tools.ifed.evaluate", *args.extra], env=child_env())
    if args.judge:
        run([python, "-m", "i2fet_tools.ifed.judge"], env=child_env())


def cmd_eval_photo(args: argparse.Namespace) -> None:
    python = setup()
    run([python, "-m", "i2fet_tools.photo.evaluate", *args.extra], env=child_env())


def cmd_docs(args: argparse.Namespace) -> None:
    python = setup()
    run([python, "-m", "docs.make_figures"], env=child_env())


EXTENSION_STAGE = ROOT / ".cache" / "extension-stage"
PACK_DATA = Path("ml_backend") / "data"


def _copy_tree(source: Path, target: Path) -> None:
    import shutil

    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"), dirs_exist_ok=True)


def blender_ext_tool(python: Path) -> Path:
    """Blender's own extension tool, shipped inside the bpy wheel (same as ``blender --command extension``)."""
    found = sorted(python.parent.parent.glob("lib/python3*/site-packages/bpy/*/scripts/addons_core/bl_pkg/cli/blender_ext.py"))
    if not found:
        sys.exit("Blender's extension tool (bpy/.../bl_pkg/cli/blender_ext.py) was not found in the virtual environment.")
    return found[-1]


def stage_extension(python: Path, stage: Path = EXTENSION_STAGE) -> Path:
    """Lay out the extension: the add-on, the manifest, the backend as ``ml_backend``, the face pack and its license."""
    import shutil

    shutil.rmtree(stage, ignore_errors=True)
    _copy_tree(ROOT / "i2fet_blender", stage)
    shutil.copy2(ROOT / "blender_manifest.toml", stage / "blender_manifest.toml")
    _copy_tree(ROOT / "ml_backend", stage / "ml_backend")
    ensure_face_pack(python)
    code = ("from ml_backend.face_model import pack_path; from ml_backend.paths import assets_root; "
            "print(pack_path()); print(assets_root() / 'ict-facekit')")
    lines = subprocess.run([str(python), "-c", code], check=True, cwd=ROOT, env=child_env(), capture_output=True,
                           text=True).stdout.splitlines()
    pack, ict = Path(lines[-2]), Path(lines[-1])
    data = stage / PACK_DATA
    data.mkdir(parents=True, exist_ok=True)
    shutil.copy2(pack, data / pack.name)
    for name, target in (("LICENSE", "ICT-FaceKit-LICENSE.txt"), ("CREDITS.md", "ICT-FaceKit-CREDITS.md")):
        if (ict / name).is_file():
            shutil.copy2(ict / name, data / target)
    if not (data / "ICT-FaceKit-LICENSE.txt").is_file():
        sys.exit(f"The ICT FaceKit LICENSE was not found in {ict}: the face pack cannot be shipped without it.")
    return stage


def build_extension(python: Path, out_dir: Path) -> Path:
    """Validate and build the installable extension zip with Blender's extension tool; returns the zip."""
    stage = stage_extension(python)
    tool = blender_ext_tool(python)
    out_dir.mkdir(parents=True, exist_ok=True)
    run([python, tool, "validate", stage])
    run([python, tool, "build", "--source-dir", stage, "--output-dir", out_dir])
    version = next(line.split("=")[1].strip().strip('"') for line in (ROOT / "blender_manifest.toml").read_text().splitlines()
                   if line.startswith("version"))
    zip_path = out_dir / f"i2fet-{version}.zip"
    print(f"[extension] {zip_path} ({zip_path.stat().st_size / 1e6:.1f} MB)", flush=True)
    return zip_path


BPY_LTS = {"4.2": "bpy==4.2.23"}


def ensure_bpy_lts_venv(series: str, main_python: Path) -> Path:
    """A venv with the LTS bpy (and its numpy/pytest) that falls back on .venv's packages for torch and the rest.

    A ``.pth`` file appends .venv's site-packages after this venv's own, so ``import bpy`` finds the
    LTS build while the backend's packages are shared instead of installed twice.
    """
    folder = ROOT / f".venv-bpy{series.replace('.', '')}"
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    stamp = folder / ".i2fet-installed"
    if not python.exists():
        venv.EnvBuilder(with_pip=True).create(folder)
    if not stamp.exists():
        run([python, "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off",
             BPY_LTS[series], "numpy==1.26.4", "pytest==9.2.0"])
        stamp.write_text(BPY_LTS[series])
    main_site = subprocess.run([str(main_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip()
    own_site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              check=True, capture_output=True, text=True).stdout.strip()
    Path(own_site, "zz_i2fet_main_venv.pth").write_text(main_site + "\n")
    return python


def cmd_extension(args: argparse.Namespace) -> None:
    build_extension(setup(), Path(args.out))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("setup", help="create .venv and build the face-model pack").set_defaults(func=cmd_setup)

    demo = commands.add_parser("demo", help="animate the default head from an instruction; writes .blend, .fbx, .csv, preview")
    demo.add_argument("instruction", nargs="?", default="a faint smile that slowly turns into open-mouthed surprise, then back to neutral")
    demo.add_argument("--frames", type=int, default=120, help="clip length in frames (30 fps)")
    demo.add_argument("--out", default=str(ROOT / "out" / "demo"), help="output folder")
    demo.add_argument("--no-render", action="store_true", help="skip the Cycles preview sheet")
    demo.set_defaults(func=cmd_demo)

    test = commands.add_parser("test", help="run the test suite (bpy module; or a Blender binary with --blender); "
                               "other arguments go to pytest")
    test.add_argument("--blender", default=None, help="path to a Blender executable: run the suite inside it through pytest-blender")
    test.add_argument("--bpy", choices=sorted(BPY_LTS), default=None,
                      help="run the suite against this Blender LTS bpy (kept in .venv-bpy42, sharing .venv's other packages)")
    test.set_defaults(func=cmd_test)

    commands.add_parser("bench", help="print speed and memory figures").set_defaults(func=cmd_bench)
    commands.add_parser("docs", help="regenerate the pictures in docs/").set_defaults(func=cmd_docs)

    train = commands.add_parser("train", help="train the IFED instruction model (2 CPU cores, minutes); "
                                "other arguments go to i2fet_tools.ifed.train (see its --help)")
    train.set_defaults(func=cmd_train)
    evaluate = commands.add_parser("eval", help="held-out evaluation of IFED against the lexicon baseline; "
                                   "other arguments go to i2fet_tools.ifed.evaluate")
    evaluate.add_argument("--judge", action="store_true", help="also render held-out apexes and read them back with MediaPipe")
    evaluate.set_defaults(func=cmd_eval)

    photo = commands.add_parser("eval-photo", help="head from a photo: landmark error, expression agreement and time per "
                                "photo; writes the sheets in docs/img (other arguments go to i2fet_tools.photo.evaluate)")
    photo.set_defaults(func=cmd_eval_photo)
    fit = commands.add_parser("fit-timing", help="fit the transition timing to your Live Link Face takes (used from then on)")
    fit.add_argument("takes", nargs="*", help="Live Link Face CSV takes")
    fit.add_argument("--dry-run", action="store_true", help="print the fitted parameters without saving them")
    fit.add_argument("--reset", action="store_true", help="forget fitted parameters, back to the defaults")
    fit.set_defaults(func=cmd_fit_timing)
    extension = commands.add_parser("extension", help="build the installable extension zip (add-on, backend, face pack)")
    extension.add_argument("--out", default=str(ROOT / "dist"), help="output folder for the zip")
    extension.set_defaults(func=cmd_extension)
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in ("test", "train", "eval", "eval-photo"):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.pytest_args = args.extra = extra
    try:
        args.func(args)
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode or 1)


if __name__ == "__main__":
    main()
