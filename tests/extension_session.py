"""Run in a fresh Python: install the extension zip into a new Blender user folder, enable it, Generate.

Prints one JSON line with what happened (used by tests/test_extension.py and the add-on benchmark).
Usage: python tests/extension_session.py <zip> [--generate]
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time


def main() -> None:
    zip_path, generate = sys.argv[1], "--generate" in sys.argv
    started = time.perf_counter()
    import bpy

    report = {"bpy_import_s": time.perf_counter() - started, "version": bpy.app.version_string}
    started = time.perf_counter()
    bpy.ops.extensions.package_install_files(filepath=zip_path, repo="user_default", enable_on_install=True)
    report["install_enable_s"] = time.perf_counter() - started
    report["enabled"] = [name for name in bpy.context.preferences.addons.keys() if "i2fet" in name]
    report["torch_imported_by_enable"] = "torch" in sys.modules
    report["has_generate"] = hasattr(bpy.ops.i2fet, "generate")
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    report["wheel_root"] = os.path.join(bpy.utils.user_resource("EXTENSIONS"), ".local", "lib", version, "site-packages")
    if generate:
        bpy.ops.i2fet.add_default_head()
        settings = bpy.context.scene.i2fet
        settings.prompt, settings.duration_unit, settings.frames = "a faint smile turning into surprise", "FRAMES", 48
        started = time.perf_counter()
        report["generate"] = sorted(bpy.ops.i2fet.generate())
        report["generate_s"] = time.perf_counter() - started
        report["clips"] = [a.get("i2fet_prompt") for a in bpy.data.actions if a.get("i2fet_generated")]
        report["backend_modules"] = sorted({name.split(".ml_backend")[0] + ".ml_backend" if ".ml_backend" in name else name
                                            for name in sys.modules if "ml_backend" in name})
        report["face_pack"] = os.environ.get("I2FET_FACE_PACK", "")
        heavy = {"sentence_transformers", "transformers", "torchvision", "open_clip", "scipy", "matplotlib", "sympy"}
        report["heavy_modules"] = sorted({name.split(".")[0] for name in sys.modules} & heavy)
        report["wheel_modules"] = {name: getattr(sys.modules.get(name), "__file__", "") for name in ("safetensors", "tokenizers")}
        report["encoder_weights"] = next((str(m.weights_path()) for n, m in sys.modules.items()
                                          if n.endswith("ml_backend.text.minilm_file")), "")
        meaning = importlib.import_module(report["backend_modules"][0] + ".reading.meaning_cache")
        report["embedding_files"] = [str(path) for path in meaning.warm()]
    print("I2FET_REPORT " + json.dumps(report), flush=True)
    os._exit(0)  # bpy 4.2 as a module can crash while tearing down at exit; the report is already out


if __name__ == "__main__":
    main()
