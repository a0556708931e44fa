"""Blender data in and out: shape keys and keyframes (``shape_keys``, ``keyframes``), a mesh from arrays
(``mesh_build``), FBX and glTF from one table (``scene_files``), Live Link Face CSV, preview renders.
Plain functions on bpy data; ARKit names and backend models come in as arguments."""
