"""Names of the face's channels: Apple ARKit's 52 blendshapes (``arkit``) and other rigs' naming schemes (``key_presets``)."""
