"""The ICT FaceKit face model: runtime pack building and the linear blendshape model."""

from .model import HIDDEN_MATERIALS, MATERIAL_COLORS, FaceModel, load_face_model, load_pack
from .pack import PACK_FORMAT, build_pack, ensure_pack, pack_path

__all__ = ["FaceModel", "load_face_model", "load_pack", "build_pack", "ensure_pack", "pack_path",
           "PACK_FORMAT", "MATERIAL_COLORS", "HIDDEN_MATERIALS"]
