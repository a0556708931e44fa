"""The add-on's door to the backend: the bridge (deferred imports of ``ml_backend``), where the backend's
packages come from (environment, installer, face-model download), and the one background-task model."""
