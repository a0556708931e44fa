"""People differ, and a character is one person: the eyes' roll with a blink (``blinks.roll_people``) and how often
the eyes move (``saccades.fixation_people``) come from the same take as the blink face (``life.blink_face``), drawn
from the seed and the variation key; the model refuses per-person lists that do not match its people; the fit keeps
each take's own fixation durations and falls back to the pooled fit where a take holds too few."""

import json

import numpy as np
import pytest

from i2fet_tools.motion.fit_performance import _log_normal
from ml_backend.errors import I2FETError
from ml_backend.motion.life import LifeOptions, blink_face, blink_roll, life_rng, perform, person_saccades
from ml_backend.motion.performance_model import MODEL_PATH, model_from_dict


def _model():
    return model_from_dict(json.loads(MODEL_PATH.read_text()))


def test_roll_and_fixations_come_from_the_person_whose_blink_face_is_drawn():
    model = _model()
    people = model.blinks.upper_face_people
    assert len(model.blinks.roll_people) == len(model.saccades.fixation_people) == len(people) >= 2
    seen = set()
    for key in [f"c{i}" for i in range(30)]:
        person = people.index(blink_face(model, life_rng(7, key, "person")))
        seen.add(person)
        assert blink_roll(model, life_rng(7, key, "person")) == model.blinks.roll_people[person]
        saccades = person_saccades(model, life_rng(7, key, "person"))
        assert (saccades.fixation_log_mean, saccades.fixation_log_sd) == model.saccades.fixation_people[person]
        assert saccades.amplitude_log_mean == model.saccades.amplitude_log_mean  # the rest is the pooled fit
    assert len(seen) >= 3  # characters differ


def test_without_people_the_pooled_fit_is_used():
    data = json.loads(MODEL_PATH.read_text())
    data["blinks"]["upper_face_people"], data["blinks"]["roll_people"], data["saccades"]["fixation_people"] = [], [], []
    model = model_from_dict(data)
    assert blink_roll(model, np.random.default_rng(0)) == model.blinks.gaze_pitch
    assert person_saccades(model, np.random.default_rng(0)) == model.saccades


def test_same_seed_and_object_same_clip_and_two_objects_differ():
    weights = np.full((600, 52), 0.05)
    first = perform(weights, 60.0, LifeOptions(seed=2, variation_key="Alice"))
    again = perform(weights, 60.0, LifeOptions(seed=2, variation_key="Alice"))
    other = perform(weights, 60.0, LifeOptions(seed=2, variation_key="Bob"))
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert np.abs(first[1] - other[1]).max() > 1e-3


@pytest.mark.parametrize("section, key, entry", [("blinks", "roll_people", None), ("saccades", "fixation_people", None),
                                                 ("blinks", "roll_people", [1.0, 2.0]),
                                                 ("saccades", "fixation_people", 0.5)])
def test_per_person_lists_that_do_not_match_the_people_are_refused(section, key, entry):
    data = json.loads(MODEL_PATH.read_text())
    if entry is None:
        data[section][key] = data[section][key][:-1]
    else:
        data[section][key][0] = entry
    with pytest.raises(I2FETError, match=key):
        model_from_dict(data)


def test_a_take_with_few_fixations_keeps_the_pooled_fit():
    assert _log_normal([0.5, 0.7, 1.0], -0.4, 1.1) == [-0.4, 1.1]
    durations = list(np.exp(np.random.default_rng(1).normal(-0.9, 0.6, 400)))
    log_mean, log_sd = _log_normal(durations, -0.4, 1.1)
    assert abs(log_mean + 0.9) < 0.1 and abs(log_sd - 0.6) < 0.1
