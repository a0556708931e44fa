"""Let ``torchvision`` import next to a CPU-only torch whose torchvision build does not match.

On these machines the only torchvision wheel is a CUDA build: importing it (and so open_clip
and sentence-transformers) fails with ``operator torchvision::nms does not exist``. Declaring
the two op schemas before the import is enough for everything we use. On a machine with a
matching torchvision the import simply works and nothing is changed.
"""

from __future__ import annotations

import sys

_LIBRARY = None  # keeps the schema definitions alive for the process


def ensure_torchvision_importable() -> None:
    """Import torchvision, declaring its missing op schemas only if the plain import fails."""
    global _LIBRARY
    if "torchvision" in sys.modules and _LIBRARY is None:
        return
    try:
        import torchvision  # noqa: F401
        return
    except RuntimeError as error:
        if "torchvision::nms" not in str(error):
            raise
    import torch

    for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
        del sys.modules[name]
    _LIBRARY = torch.library.Library("torchvision", "DEF")
    _LIBRARY.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    _LIBRARY.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    import torchvision  # noqa: F401,F811
