"""Install the backend's packages into Blender's Python with pip, into the add-on's own folder.

``pip install --target <deps folder>`` never touches Blender's bundled packages; numpy is
constrained to the version Blender ships so pip does not bring a second one. Output lines
are turned into progress: one step per package collected, then the install itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import GenerationError, TaskCancelled
from . import environment
from .tasks import Report, Task, start

TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def pip_command(target: Path, requirements: Sequence[str], constraints: Path, cpu_only: bool = True,
                find_links: str = "", no_index: bool = False) -> list[str]:
    """The pip command line; ``find_links``/``no_index`` install from a local folder of wheels."""
    command = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
               "--progress-bar", "off", "--upgrade", "--target", str(target), "-c", str(constraints)]
    if cpu_only and not no_index:
        command += ["--extra-index-url", TORCH_CPU_INDEX]
    if find_links:
        command += ["--find-links", find_links]
    if no_index:
        command.append("--no-index")
    return command + list(requirements)


def numpy_constraint() -> str:
    """Pin numpy to Blender's own version (pip must not install another one beside it)."""
    import numpy

    return f"numpy=={numpy.__version__}"


def writable_problem(target: Path) -> str:
    """Why pip cannot write into ``target`` ('' when it can), checked before pip starts."""
    folder = target
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    if os.access(folder, os.W_OK | os.X_OK):
        return ""
    return (f"I2FET cannot write to {folder}, where the packages go: run Blender as a user who may write there, "
            "or install torch into a Python environment of your own and set 'Python Environment' to it.")


def install_packages(target: Path, requirements: Sequence[str], report: Report, cancelled, cpu_only: bool = True,
                     find_links: str = "", no_index: bool = False) -> str:
    """Run pip in a subprocess, reporting progress; returns pip's last line."""
    problem = writable_problem(target)
    if problem:
        raise GenerationError(problem)
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="i2fet-pip-") as scratch:
        constraints = Path(scratch) / "constraints.txt"
        constraints.write_text(numpy_constraint() + "\n")
        command = pip_command(target, requirements, constraints, cpu_only, find_links, no_index)
        report(f"Running pip for {', '.join(requirements)}", 0.02)
        env = dict(os.environ, PYTHONNOUSERSITE="1")
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        collected, last, lines = 0, "", []
        for line in process.stdout:
            line = line.strip()
            if not line:
                continue
            lines.append(line)
            last = line
            if cancelled():
                process.terminate()
                process.wait()
                raise TaskCancelled()
            if line.startswith("Collecting") or line.startswith("Processing"):
                collected += 1
                report(line, min(0.8, 0.05 + 0.03 * collected))
            elif line.startswith("Installing collected packages"):
                report("Installing the downloaded packages", 0.85)
            elif line.startswith("Downloading"):
                report(line, min(0.8, 0.05 + 0.03 * collected))
        code = process.wait()
    if code != 0:
        tail = " | ".join(lines[-4:])
        raise RuntimeError(f"pip could not install the packages (exit code {code}): {tail}")
    report("Installed; the generator can be used now", 1.0)
    return last


def default_requirements() -> list[str]:
    """What the one-click install brings: torch (CPU), plus the wheel packages when this is not the extension
    (the extension zip brings those itself). Download: torch's CPU wheel is about 200 MB (750 MB installed)."""
    wanted = [spec for spec, _ in environment.REQUIRED.values()]
    wanted += [spec for name, (spec, _) in environment.WHEELS.items() if name in environment.missing_packages(environment.WHEELS)]
    return wanted


def photo_requirements() -> list[str]:
    """What 'Install Photo Packages' brings for Head from Photo: MediaPipe (with OpenCV and its other
    dependencies, about 260 MB on disk). Apart from the generator's install: not everyone starts from photos."""
    return [spec for spec, _ in environment.PHOTO.values()]


def start_install(prefs, threaded: bool = True, requirements: Sequence[str] | None = None, find_links: str = "",
                  no_index: bool = False) -> Task:
    """Install the backend's packages into the add-on's folder with pip, as the 'install' background task."""
    wanted = list(requirements) if requirements is not None else default_requirements()
    if requirements is None and prefs.text_encoder == "clip":
        wanted.append(environment.OPTIONAL["open_clip"][0])
    target = environment.deps_folder()
    problem = writable_problem(target)
    if problem:
        raise GenerationError(problem)
    cpu_only = prefs.install_cpu_only
    python_env, assets_path, landmarker = prefs.python_env, prefs.assets_path, prefs.landmarker_path

    def work(report, cancelled):
        return install_packages(target, wanted, report, cancelled, cpu_only, find_links, no_index)

    def activate(task: Task) -> None:
        if task.state == task.DONE:
            environment.activate(python_env, assets_path, landmarker)

    return start(Task("install", "Install backend packages", work, on_done=activate), threaded)
