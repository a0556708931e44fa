"""Download what the extension may not ship, from upstream, with the user's consent: the ICT FaceKit face model,
and MediaPipe's face landmarker model (Head from Photo).

Each is allowed only when the user ticked its consent box in the preferences *and* Blender's
"Allow Online Access" is on (``bpy.app.online_access``); ``check_download_allowed`` and
``check_landmarker_download_allowed`` say why not otherwise. Nothing is fetched by default. The
archive of the pinned upstream commit is streamed to a temporary file, and ``FaceXModel/`` (OBJs,
``vertex_indices.json``) with the upstream LICENSE is extracted. The landmarker model is streamed
to a ``.partial`` file beside its destination, checked against its pinned SHA-256, and only then
renamed into place: a failed or altered download leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from ..errors import AddonError, TaskCancelled
from .bridge import backend_module
from .environment import addon_preferences
from .tasks import Report, Task, start

UPSTREAM_COMMIT = "da5f95a607f5e6b37755b38d3385d7f2853732e5"
UPSTREAM_URL = f"https://github.com/ICT-VGL/ICT-FaceKit/archive/{UPSTREAM_COMMIT}.zip"
UPSTREAM_NAME = "ICT FaceKit (USC Institute for Creative Technologies, MIT license)"
CHUNK = 1 << 20
LANDMARKER_TASK = "Download face landmarker model"  # the task's title: the preferences show it in the photo box


def check_download_allowed(consent: bool, online_access: bool) -> str:
    """'' when downloading is allowed, else the reason, in the user's words."""
    if not online_access:
        return ("Blender's online access is off: turn on Edit > Preferences > System > Network > "
                "'Allow Online Access' to download the face model, or point 'Face Model Assets' to a folder you downloaded.")
    if not consent:
        return f"Tick 'Allow Downloading the Face Model' first: it downloads {UPSTREAM_NAME} from GitHub (about 300 MB)."
    return ""


def download_face_model(destination: Path, report: Report, cancelled, url: str = UPSTREAM_URL) -> str:
    """Fetch and unpack the face model into ``destination/ict-facekit``; returns that folder."""
    target = Path(destination) / "ict-facekit"
    with tempfile.TemporaryDirectory(prefix="i2fet-download-") as scratch:
        archive = Path(scratch) / "ict-facekit.zip"
        report("Connecting to GitHub", 0.0)
        with urllib.request.urlopen(url, timeout=60) as response, archive.open("wb") as handle:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while chunk := response.read(CHUNK):
                if cancelled():
                    raise TaskCancelled()
                handle.write(chunk)
                done += len(chunk)
                fraction = 0.8 * done / total if total else min(0.8, done / 3e8)
                report(f"Downloading the face model: {done / 1e6:.0f} MB", fraction)
        report("Unpacking", 0.85)
        extract_face_model(archive, target, cancelled)
    report("Face model downloaded", 1.0)
    return str(target)


def extract_face_model(archive: Path, target: Path, cancelled=lambda: False) -> None:
    """Copy ``FaceXModel/`` and the LICENSE out of an upstream archive (any top folder name)."""
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    with zipfile.ZipFile(archive) as zipped:
        members = [m for m in zipped.infolist() if not m.is_dir()]
        wanted = [m for m in members if "/FaceXModel/" in f"/{m.filename}" or Path(m.filename).name in ("LICENSE", "CREDITS.md")]
        if not any(Path(m.filename).name.startswith("generic_neutral_mesh") for m in wanted):
            raise RuntimeError("The downloaded archive holds no FaceXModel/generic_neutral_mesh.obj: it is not the ICT FaceKit.")
        for member in wanted:
            if cancelled():
                shutil.rmtree(staging, ignore_errors=True)
                raise TaskCancelled()
            parts = Path(member.filename).parts
            relative = Path(*parts[parts.index("FaceXModel"):]) if "FaceXModel" in parts else Path(parts[-1])
            if relative.parent == Path(".") and len(parts) > 2:
                continue  # a LICENSE deeper in the tree that is not the repository's own
            out = staging / relative
            out.parent.mkdir(parents=True, exist_ok=True)
            with zipped.open(member) as source, out.open("wb") as sink:
                shutil.copyfileobj(source, sink)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)


def start_download(prefs, destination: Path, threaded: bool = True, url: str = UPSTREAM_URL) -> Task:
    """Download the face model as the 'download' background task when allowed (AddonError with the reason otherwise).

    When it is done, the preferences' 'Face Model Assets' points at the downloaded folder.
    """
    import bpy

    reason = check_download_allowed(prefs.allow_download, bpy.app.online_access)
    return _start_allowed(reason, "Download face model", lambda report, cancelled: download_face_model(
        destination, report, cancelled, url), "assets_path", lambda result: str(Path(result).parent), threaded)


def _start_allowed(reason: str, label: str, work, preference: str, value, threaded: bool) -> Task:
    """Start ``work`` as the 'download' task unless ``reason`` says why not (AddonError, before anything is
    fetched); when it is done, the preference named ``preference`` is set to ``value(result)``."""
    if reason:
        raise AddonError(reason)

    def point_preferences(task: Task) -> None:
        current = addon_preferences()  # looked up again: the add-on may have been re-enabled meanwhile
        if task.state == task.DONE and task.result and current is not None:
            setattr(current, preference, value(task.result))

    return start(Task("download", label, work, on_done=point_preferences), threaded)


def check_landmarker_download_allowed(consent: bool, online_access: bool) -> str:
    """'' when downloading the face landmarker model is allowed, else the reason, in the user's words."""
    model = backend_module("photo.landmarker_model")
    if not online_access:
        return ("Blender's online access is off: turn on Edit > Preferences > System > Network > 'Allow Online Access' "
                "to download the face landmarker model, or choose a copy you downloaded as 'Face Landmarker Model'.")
    if not consent:
        return f"Tick 'Allow Downloading the Landmarker Model' first: it downloads {model.MODEL_NAME} from Google."
    return ""


def download_landmarker(destination: Path, report: Report, cancelled, url: str | None = None) -> str:
    """Fetch MediaPipe's face landmarker model into ``destination``, check its SHA-256; returns the file's path.

    A file already there with the right hash is kept as it is (nothing downloaded). The download goes to a
    ``.partial`` file that is removed on any failure, so the model file is either complete and verified or absent.
    """
    model = backend_module("photo.landmarker_model")
    target = Path(destination) / model.MODEL_FILE
    if target.is_file() and model.file_sha256(target) == model.MODEL_SHA256:
        report("The face landmarker model is already downloaded", 1.0)
        return str(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    try:
        report("Connecting to Google's model storage", 0.0)
        with urllib.request.urlopen(url or model.MODEL_URL, timeout=60) as response, partial.open("wb") as handle:
            total = int(response.headers.get("Content-Length") or 0) or model.MODEL_BYTES
            done = 0
            while chunk := response.read(CHUNK // 4):
                if cancelled():
                    raise TaskCancelled()
                handle.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                report(f"Downloading the face landmarker model: {done / 1e6:.1f} MB", min(0.95, 0.95 * done / total))
        if digest.hexdigest() != model.MODEL_SHA256:
            raise AddonError(f"The downloaded file is not {model.MODEL_NAME} (SHA-256 {digest.hexdigest()[:16]}..., "
                             f"expected {model.MODEL_SHA256[:16]}...): nothing was installed. Try again later, or download "
                             f"{model.MODEL_URL.split('?')[0]} yourself and choose it as 'Face Landmarker Model'.")
        partial.replace(target)
    except (urllib.error.URLError, OSError) as error:
        raise AddonError(f"Could not download {model.MODEL_NAME}: {getattr(error, 'reason', error)}. Check the network, "
                         f"or download {model.MODEL_URL.split('?')[0]} yourself and choose it as 'Face Landmarker Model'."
                         ) from error
    finally:
        partial.unlink(missing_ok=True)
    report("Face landmarker model downloaded", 1.0)
    return str(target)


def start_landmarker_download(prefs, destination: Path, threaded: bool = True, url: str | None = None) -> Task:
    """Download the face landmarker model as the 'download' background task when allowed (AddonError with the
    reason otherwise, before anything is fetched). When it is done, 'Face Landmarker Model' points at the file."""
    import bpy

    reason = check_landmarker_download_allowed(prefs.allow_landmarker_download, bpy.app.online_access)
    return _start_allowed(reason, LANDMARKER_TASK, lambda report, cancelled: download_landmarker(
        destination, report, cancelled, url), "landmarker_path", lambda result: result, threaded)
