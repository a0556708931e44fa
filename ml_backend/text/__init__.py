"""Text encoders (MiniLM offline by default, open_clip CLIP optional)."""
