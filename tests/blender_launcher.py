"""Stands in for a Blender binary where there is none: runs ``blender -b ... --python SCRIPT -- ARGS``
with the bpy module from PyPI, so the pytest-blender path of the suite can be exercised anywhere."""

import runpy
import sys

import bpy  # noqa: F401  (the script expects to run inside Blender)

argv = sys.argv[1:]
if "--python" not in argv:
    sys.exit("usage: blender_launcher.py -b [--python-use-system-env] --python SCRIPT -- ARGS")
script = argv[argv.index("--python") + 1]
sys.argv = ["blender"] + argv
runpy.run_path(script, run_name="__main__")
