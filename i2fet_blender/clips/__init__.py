"""Clips: generated or imported takes stored as ordinary actions (their recipe in custom properties),
edited (rename, delete, replace, scale, retime) and sequenced on the NLA."""
