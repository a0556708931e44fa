"""Which of a head's own shape keys play each ARKit channel: the mapping and its table (panel: ``ui.key_map_ui``).

Every writer resolves a head's keys through :func:`key_map_for`, in this order:

1. the table saved on the mesh data (``Mesh.i2fet_key_map``, edited in the panel), when there is one;
2. the naming preset (Character Creator, Unified Expressions, Daz Genesis...) that explains most of
   the mesh's keys, completed with ARKit-spelled keys it does not use;
3. ARKit names in their common spellings.

The table is stored on the Mesh datablock, so it is saved with the .blend file and shared by every
object using that mesh. A row holds one ARKit channel and the key name(s) that show it, separated by
commas; an empty row means the mesh has no such shape: the channel is reported missing, never
invented. Nothing here changes a shape key.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import bpy

from ..backend import bridge
from ..errors import GenerationError
from ..io.shape_keys import shape_key_names

AUTO_SCHEME = "AUTO"
TABLE_SOURCE = "table"
NAME_SEPARATOR = ","


@dataclass(frozen=True)
class KeyMap:
    """The keys a head plays each ARKit channel with, and where that mapping came from."""

    keys: dict[str, tuple[str, ...]]  # ARKit name -> existing key names (channels without keys left out)
    source: str  # TABLE_SOURCE, a preset id, or the ARKit-spelling scheme id
    label: str  # what the panel shows, e.g. "Character Creator 4 (Extended), detected"
    missing: tuple[str, ...]  # ARKit channels with no key
    unknown: tuple[str, ...] = ()  # names in the saved table that are not keys of this mesh
    shared: dict[str, list[str]] = field(default_factory=dict)  # key name -> channels, when a key is used twice
    resolved_from: tuple = field(default=(), compare=False)  # the key names and table it was resolved from

    def problem(self) -> str | None:
        """Why this mapping cannot be written, worded for the animator (None when it can)."""
        if not self.shared:
            return None
        name, channels = next(iter(self.shared.items()))
        return (f"Two channels are mapped to the same shape key: '{name}' plays {' and '.join(channels)} in the "
                "shape-key mapping. Give each channel its own key, or leave one empty.")

    def with_created(self, created: Collection[str]) -> dict[str, tuple[str, ...]]:
        """The keys to write after ``created`` (ARKit-named keys just made) were added to the mesh.

        A saved table says exactly which keys play a channel, so it stays as it is; a detected
        mapping gains each created key for its own channel.
        """
        keys = dict(self.keys)
        if self.source != TABLE_SOURCE:
            for name in created:
                keys.setdefault(name, (name,))
        return keys

    def summary(self) -> str:
        return f"{self.label}: {len(self.keys)} of {len(self.keys) + len(self.missing)} channels"


def key_map_for(obj: bpy.types.Object, known: KeyMap | None = None) -> KeyMap:
    """The one mapping every writer uses: saved table > detected preset > ARKit spellings.

    ``known``: a map resolved earlier for this mesh (when the request was made), returned as it is while the
    mesh's key names and table are still the ones it was resolved from, so one generation detects once.
    """
    names = shape_key_names(obj)
    table = saved_table(obj.data)
    resolved_from = (tuple(names), None if table is None else tuple(sorted(table.items())))
    if known is not None and known.resolved_from == resolved_from:
        return known
    presets = bridge.key_presets()
    if table is None:
        match = detected_scheme(presets, resolved_from[0])
        label = match.label if match.scheme == presets.ARKIT_SCHEME else f"{match.label}, detected"
        return KeyMap(keys=dict(match.mapping), source=match.scheme, label=label, missing=match.missing,
                      resolved_from=resolved_from)
    resolve = _resolver(names, presets.normalize)
    keys: dict[str, tuple[str, ...]] = {}
    unknown: list[str] = []
    for channel in bridge.arkit().ARKIT_NAMES:
        wanted = parse_names(table.get(channel, ""), names)
        found = tuple(dict.fromkeys(r for n in wanted if (r := resolve(n)) is not None))
        unknown += [n for n in wanted if resolve(n) is None]
        if found:
            keys[channel] = found
    missing = tuple(n for n in bridge.arkit().ARKIT_NAMES if n not in keys)
    return KeyMap(keys=keys, source=TABLE_SOURCE, label="Saved mapping table", missing=missing,
                  unknown=tuple(dict.fromkeys(unknown)), shared=presets.shared_keys(keys), resolved_from=resolved_from)


@lru_cache(maxsize=64)
def detected_scheme(presets, names: tuple[str, ...]):
    """``presets.detect_scheme`` of these key names, remembered by the names alone (the presets are fixed data):
    panels redraw often and a character's meshes often share one list of names. Callers copy what they keep."""
    return presets.detect_scheme(list(names))


def saved_table(mesh: bpy.types.Mesh) -> dict[str, str] | None:
    """The table stored on ``mesh`` as {ARKit channel: typed key names}, or None when there is none.

    Scripts may call the add-on's functions without registering it: then no mesh has a table.
    """
    rows = getattr(mesh, "i2fet_key_map", None)
    return {row.name: row.keys for row in rows} if rows is not None and len(rows) else None


def parse_names(text: str, existing: Collection[str] = ()) -> tuple[str, ...]:
    """Key names typed in a row: comma-separated, spaces trimmed; a whole text that is an existing key stays whole."""
    text = text.strip()
    if not text:
        return ()
    if text in existing:
        return (text,)
    return tuple(dict.fromkeys(part.strip() for part in text.split(NAME_SEPARATOR) if part.strip()))


def set_table(mesh: bpy.types.Mesh, mapping: dict[str, tuple[str, ...]], source: str) -> None:
    """Replace the table on ``mesh`` with one row per ARKit channel (empty rows where ``mapping`` has none)."""
    rows = mesh.i2fet_key_map
    rows.clear()
    for channel in bridge.arkit().ARKIT_NAMES:
        row = rows.add()
        row.name = channel
        row.keys = (NAME_SEPARATOR + " ").join(mapping.get(channel, ()))
    mesh.i2fet_key_map_index = 0
    mesh.i2fet_key_map_source = source


def assign_active_key(obj: bpy.types.Object, add: bool = False):
    """Put ``obj``'s active shape key into the table's selected row (``add``: beside the row's keys); return the row."""
    mesh = obj.data
    block = obj.active_shape_key
    if block is None or block == mesh.shape_keys.reference_key:
        name = block.name if block is not None else "Basis"
        raise GenerationError(f"'{name}' is the rest shape (Basis): pick an expression key in Shape Keys.")
    if not 0 <= mesh.i2fet_key_map_index < len(mesh.i2fet_key_map):
        raise GenerationError("Select a row of the mapping table first.")
    row = mesh.i2fet_key_map[mesh.i2fet_key_map_index]
    names = parse_names(row.keys, mesh.shape_keys.key_blocks.keys()) if add else ()
    row.keys = (NAME_SEPARATOR + " ").join(dict.fromkeys(names + (block.name,)))
    mesh.i2fet_key_map_source = "edited"
    return row


def clear_table(mesh: bpy.types.Mesh) -> None:
    """Remove the table: the mesh goes back to preset detection and ARKit spellings."""
    mesh.i2fet_key_map.clear()
    mesh.i2fet_key_map_index = 0
    mesh.i2fet_key_map_source = ""


def fill_table(obj: bpy.types.Object, scheme: str = AUTO_SCHEME):
    """Write the table from a preset (or from detection with AUTO_SCHEME); return the backend's SchemeMatch."""
    presets = bridge.key_presets()
    names = shape_key_names(obj)
    match = presets.detect_scheme(names) if scheme == AUTO_SCHEME else presets.match_scheme(names, scheme)
    set_table(obj.data, match.mapping, match.scheme)
    return match


def table_mapping(obj: bpy.types.Object) -> dict[str, tuple[str, ...]]:
    """The table as typed (names not on the mesh kept), or the resolved mapping when there is no table."""
    table = saved_table(obj.data)
    if table is None:
        return dict(key_map_for(obj).keys)
    names = shape_key_names(obj)
    return {channel: parsed for channel, text in table.items() if (parsed := parse_names(text, names))}


def save_table(obj: bpy.types.Object, path: str | Path) -> Path:
    """Write the head's mapping (its table, or what was detected) as JSON."""
    with bridge.translated():
        return bridge.key_presets().save_mapping(Path(path), table_mapping(obj))


def load_table(obj: bpy.types.Object, path: str | Path) -> tuple[int, list[str]]:
    """Make a JSON table the head's table; return (channels with keys, names this mesh does not have)."""
    with bridge.translated():
        mapping = bridge.key_presets().load_mapping(Path(path))
    set_table(obj.data, mapping, Path(path).name)
    return len(mapping), list(key_map_for(obj).unknown)


def _resolver(names: list[str], normalize) -> Callable[[str], str | None]:
    """Typed name -> the mesh's key: the exact name, else the key spelled alike ignoring case and separators."""
    present = set(names)
    lookup: dict[str, str] = {}
    for name in names:
        lookup.setdefault(normalize(name), name)
    return lambda typed: typed if typed in present else lookup.get(normalize(typed))


def scheme_choices() -> list[tuple[str, str, str]]:
    """(id, label, description) of every naming scheme a table can be filled from, detection first."""
    presets = bridge.key_presets()
    return [(AUTO_SCHEME, "Detect", "Use the naming scheme that explains most of this mesh's keys"),
            (presets.ARKIT_SCHEME, presets.ARKIT_LABEL, "ARKit names in their common spellings"),
            *((key, label, f"Shape-key names of {label}") for key, label in presets.PRESET_LABELS.items())]


def key_resolver(names: list[str]) -> Callable[[str], str | None]:
    """Typed name -> this mesh's key name (exact, else spelled alike), or None."""
    return _resolver(names, bridge.key_presets().normalize)
