"""Blender-side writers: shape keys, weight animation, FBX in/out and the default head.

Plain functions on bpy data, callable from operators and scripts alike. They never import
torch or the backend; ARKit channel names and name matching come in as arguments.
"""
