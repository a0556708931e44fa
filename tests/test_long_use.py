"""Long use in one Blender session: Generate / Regenerate / Delete cycles through the add-on's script path.

Each cycle generates a clip on a head that carries the user's own keys and animation, regenerates it with
another seed (the new take replaces it) and deletes it. After the cycles: no orphan datablocks or actions
left over, the user's data byte-identical, memory growth within a stated bound, and the clip list
consistent after undo and after saving and reopening the file. The 500-cycle run is marked slow; the
default run does 50 cycles. Both print their figures (``-s``).
"""

from __future__ import annotations

import gc
import os
import time

import pytest

from tests.addon_helpers import keyed_head

MEMORY_BOUND_MB = {50: 20.0, 500: 40.0}  # resident-memory growth allowed after the warm-up cycles
WARM_UP = 5
PROMPTS = ("a faint smile then surprise", "a big grin", "frown, then back to neutral", "wink twice")


def _rss_mb() -> float:
    """Resident memory of this process in MB (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError):
        return 0.0


def _inventory(bpy) -> dict[str, int]:
    """How many datablocks of each kind the file holds, and how many of them nothing uses (orphans)."""
    kinds = ("actions", "meshes", "shape_keys", "objects", "materials", "images", "node_groups")
    counts = {kind: len(getattr(bpy.data, kind)) for kind in kinds}
    counts["orphans"] = sum(1 for kind in kinds for block in getattr(bpy.data, kind) if block.users == 0)
    counts["nla_tracks"] = sum(len(k.animation_data.nla_tracks) for k in bpy.data.shape_keys if k.animation_data)
    return counts


def _cycles(bpy, obj, count: int) -> dict:
    from i2fet_blender.clips.store import clips
    from i2fet_blender.generate.pipeline import generate_on_object

    settings = bpy.context.scene.i2fet
    times, rss = [], []
    for cycle in range(count):
        started = time.perf_counter()
        result = generate_on_object(obj, PROMPTS[cycle % len(PROMPTS)], frames=48, frame_start=1, fps=24.0,
                                    seed=cycle)
        name = result.action.name
        settings.clip_index = bpy.data.actions.find(name)
        assert bpy.ops.i2fet.regenerate_clip(clip=name, seed=cycle + 1) == {"FINISHED"}
        assert len(clips()) == 1, [a.name for a in clips()]
        assert bpy.ops.i2fet.delete_clip(clip=clips()[0].name) == {"FINISHED"}
        assert clips() == []
        times.append(time.perf_counter() - started)
        if cycle + 1 == WARM_UP:
            gc.collect()
            rss.append(_rss_mb())
    gc.collect()
    rss.append(_rss_mb())
    return {"seconds": times, "rss_after_warm_up": rss[0], "rss_end": rss[-1]}


def _run(blender, checksum, count: int) -> None:
    obj = keyed_head()
    scene = blender.context.scene
    scene.frame_set(1)
    before_user, before_inventory = checksum(user_only=True), _inventory(blender)
    figures = _cycles(blender, obj, count)
    scene.frame_set(1)
    after_inventory = _inventory(blender)
    growth = figures["rss_end"] - figures["rss_after_warm_up"]
    seconds = figures["seconds"]
    print(f"\nlong use: {count} Generate/Regenerate/Delete cycles in {sum(seconds):.1f} s "
          f"(median {sorted(seconds)[len(seconds) // 2] * 1000:.0f} ms a cycle); datablocks before {before_inventory}, "
          f"after {after_inventory}; resident memory {figures['rss_after_warm_up']:.0f} MB after {WARM_UP} cycles, "
          f"{figures['rss_end']:.0f} MB at the end ({growth:+.1f} MB, bound {MEMORY_BOUND_MB[count]:.0f} MB)")
    assert after_inventory == before_inventory
    assert checksum(user_only=True) == before_user
    assert growth <= MEMORY_BOUND_MB[count]


def test_50_cycles_leave_no_orphans_and_bounded_memory(blender, checksum):
    _run(blender, checksum, 50)


@pytest.mark.slow
def test_500_cycles_leave_no_orphans_and_bounded_memory(blender, checksum):
    _run(blender, checksum, 500)


def test_the_clip_list_survives_undo_and_save_and_reopen(blender, tmp_path):
    from i2fet_blender.clips.store import clips
    from i2fet_blender.generate.pipeline import generate_on_object

    obj = keyed_head()
    for prompt in PROMPTS[:3]:
        generate_on_object(obj, prompt, frames=24, frame_start=1, fps=24.0)
    names = sorted(a.name for a in clips())
    assert len(names) == 3
    blender.ops.ed.undo_push(message="three clips")
    assert blender.ops.i2fet.delete_clip(clip=names[0]) == {"FINISHED"}
    blender.ops.ed.undo_push(message="one deleted")
    assert sorted(a.name for a in clips()) == names[1:]
    blender.ops.ed.undo()
    assert sorted(a.name for a in clips()) == names
    path = tmp_path / "clips.blend"
    blender.ops.wm.save_as_mainfile(filepath=str(path))
    blender.ops.wm.open_mainfile(filepath=str(path))
    reopened = sorted(a.name for a in clips())
    assert reopened == names
    assert all(a.get("i2fet_prompt") in PROMPTS for a in clips())
