"""Everything Blender registers: panels, operators, properties, preferences, UI lists (``addon.CLASSES``).

Domain packages (``generate``, ``clips``, ``head``, ``io``, ``backend``) never import ``ui``.
"""
