"""Generation: one pipeline from the panel (or a script) to a clip on the head.

``request`` (main thread: read and check) -> ``pipeline`` (the backend in a worker or inline) ->
``writer`` (main thread: shape keys and keyframes) -> ``result.GenerationResult``.
"""
