"""Blink depths are fitted as a share of the room the lids had left above their level, as ``add_blinks`` closes
them (depth x (1 - level)): the takes' lids rest near 0.2, and raw heights made our closures shallower."""

import numpy as np
import pytest

from i2fet_tools.motion.fit_performance import _lid_closures
from i2fet_tools.motion.stats import Motion
from ml_backend.motion.blinks import Blink, add_blinks
from ml_backend.motion.regions import EYELID_CHANNELS

FPS = 30.0


@pytest.mark.parametrize("level", [0.0, 0.1, 0.25])
@pytest.mark.parametrize("depth", [0.5, 1.0])
def test_a_blink_added_at_any_open_lid_level_is_read_back_at_its_depth(level, depth):
    weights = np.zeros((int(20 * FPS), 52))
    weights[:, EYELID_CHANNELS] = level
    blinks = [Blink(start=float(t), duration=0.25, depth=depth) for t in range(2, 19, 3)]
    add_blinks(weights, FPS, blinks)
    motion = Motion(weights, np.zeros((len(weights), 9)), FPS, np.ones(len(weights), bool), False, "lids")
    depths = _lid_closures(motion)
    assert len(depths) == len(blinks)
    np.testing.assert_allclose(depths, depth, atol=0.03)
