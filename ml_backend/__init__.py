"""I2FET backend: instruction -> plan -> trajectory -> ARKit weights and vertex offsets (never imports bpy)."""
