"""Timing fit: takes synthesised from known parameters are fitted back to them, through real CSV files."""

import json

import pytest

from ml_backend.export.livelink_csv import write_livelink_csv
from ml_backend.motion import timing_fit
from i2fet_tools.motion.synthetic import synthetic_take
from ml_backend.motion.timing_params import FORMAT_VERSION, TimingParams, load_timing_params

TRUE = TimingParams(onset=0.6, amplitude_floor=0.5, release_scale=1.4, overshoot=0.04,
                    region_delays=(0.0, 0.03, 0.06, 0.12), blink_rate=20.0, blink_duration=0.22)


@pytest.fixture(scope="module")
def take_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("takes")
    return [write_livelink_csv(folder / f"take{seed}.csv", synthetic_take(TRUE, 40.0, 30.0, seed=seed), 30.0)
            for seed in range(3)]


def test_the_fit_recovers_the_parameters_the_takes_were_made_with(take_files):
    from ml_backend.export.livelink_csv import read_livelink_csv

    fit = timing_fit.fit_timing([read_livelink_csv(p) for p in take_files])
    got = fit.params
    assert fit.moves >= 40 and fit.blinks >= 20
    assert got.onset == pytest.approx(TRUE.onset, rel=0.1)
    assert got.amplitude_floor == pytest.approx(TRUE.amplitude_floor, abs=0.1)
    assert got.release_scale == pytest.approx(TRUE.release_scale, rel=0.1)
    assert got.overshoot == pytest.approx(TRUE.overshoot, abs=0.015)
    assert got.region_delays == pytest.approx(TRUE.region_delays, abs=0.02)
    assert got.blink_rate == pytest.approx(TRUE.blink_rate, rel=0.2)
    assert got.blink_duration == pytest.approx(TRUE.blink_duration, rel=0.2)
    default = TimingParams()
    assert abs(got.onset - default.onset) > 0.1  # the fit moved away from the defaults


def test_main_saves_versioned_json_that_the_scheduler_then_uses(take_files, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("I2FET_CACHE", str(tmp_path))
    assert timing_fit.main([str(take_files[0].parent), "--dry-run"]) == 0
    assert not (tmp_path / "timing_params.json").exists()
    assert timing_fit.main([str(p) for p in take_files]) == 0
    payload = json.loads((tmp_path / "timing_params.json").read_text())
    assert payload["format"] == FORMAT_VERSION and set(payload["params"]["region_delays"]) == {"eyes", "brows", "midface", "mouth"}
    params, note = load_timing_params()
    assert note is None and params.onset == pytest.approx(TRUE.onset, rel=0.1)
    assert "Saved" in capsys.readouterr().out
    assert timing_fit.main(["--reset", "x"]) == 0 and not (tmp_path / "timing_params.json").exists()


def test_unusable_takes_give_a_message_not_a_crash(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("I2FET_CACHE", str(tmp_path))
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2,3\n")
    assert timing_fit.main([str(bad)]) == 1
    assert timing_fit.main([str(tmp_path / "missing.csv")]) == 1
    assert timing_fit.main([str(tmp_path / "empty_folder_that_has_no_csv")]) == 1
    err = capsys.readouterr().err
    assert "fit-timing:" in err
