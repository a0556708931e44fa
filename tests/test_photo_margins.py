"""What the photo head's expression read-back depended on and once got wrong: landmarks of the lip and eyelid
margins tied to skin that does not move with the lips and lids, and skin right outside the face outline left
to a flat fill. Each is checked on its own (synthetic images, the face model's shapes) and on a real photo.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_backend.naming.arkit import INDEX
from ml_backend.photo.texture import skin_beyond_outline
from ml_backend.photo.topology import MARGINS, trace_to_skin

PARTS = {"skin": np.array([True, True, False]), "upper lip": np.array([True, False, False]),
         "lower lip": np.array([False, True, False]), "upper lids": np.array([True, False, False]),
         "lower lids": np.array([False, True, False])}


def _mouth(height: int, width: int, top: int, gap: int) -> np.ndarray:
    """Visible-triangle image: triangle 0 (upper lip) above row ``top``, 2 (teeth) for ``gap`` rows, then 1 (lower lip)."""
    visible = np.zeros((height, width), np.int64)
    visible[top:top + gap] = 2
    visible[top + gap:] = 1
    return visible


@settings(max_examples=60, deadline=None)
@given(top=st.integers(2, 30), gap=st.integers(0, 8), offset=st.integers(-3, 10), column=st.integers(0, 39))
def test_a_lip_margin_is_traced_to_its_own_lip_wherever_it_lands(top, gap, offset, column):
    visible = _mouth(48, 40, top, gap)
    marks = np.zeros((468, 2))
    marks[:] = (column + 0.5, top + offset + 0.5)  # every landmark at one pixel, near or in the opening
    rows, cols = trace_to_skin(marks, visible, PARTS)
    for index in MARGINS["upper lip"]:
        assert visible[rows[index], cols[index]] == 0, "an upper-lip margin must land on the upper lip"
    for index in MARGINS["lower lip"]:
        assert visible[rows[index], cols[index]] == 1, "a lower-lip margin must land on the lower lip"
    assert visible[rows[0], cols[0]] in (0, 1), "any other landmark lands on skin, never in the opening"


def test_a_part_not_in_view_falls_back_to_the_nearest_skin():
    visible = np.zeros((20, 20), np.int64)  # upper lip only
    marks = np.full((468, 2), 10.5)
    rows, cols = trace_to_skin(marks, visible, PARTS)
    index = MARGINS["lower lip"][0]
    assert (rows[index], cols[index]) == (10, 10)


def test_lip_and_lid_landmarks_move_with_their_own_lip_and_lid():
    """The bug: upper and lower inner-lip landmarks sat on one triangle and the eyelid ones on skin behind the
    eyeballs, so the fit could neither open a mouth nor close an eye through them."""
    from ml_backend.face_model import load_face_model
    from ml_backend.photo.topology import mediapipe_correspondence

    model = load_face_model()
    correspondence = mediapipe_correspondence()
    moved = np.linalg.norm(correspondence.points(model.deltas.astype(np.float64)), axis=2)  # 52 x 468
    upper_lip, lower_lip = list(MARGINS["upper lip"]), list(MARGINS["lower lip"])
    jaw = moved[INDEX["jawOpen"]]
    assert jaw[lower_lip].min() > 2 * jaw[upper_lip].max(), "the jaw opens the lower lip, not the upper"
    assert jaw[lower_lip].min() > 2.0  # cm: the lower lip's margin goes down with the jaw
    for blink, upper, lower in (("eyeBlinkRight", 159, 145), ("eyeBlinkLeft", 386, 374)):
        assert moved[INDEX[blink], upper] > 0.5, f"a blink closes the upper lid at landmark {upper}"
        assert moved[INDEX[blink], upper] > 2 * moved[INDEX[blink], lower]
    points = correspondence.points(model.neutral.astype(np.float64))
    lids = list(MARGINS["upper lids"]) + list(MARGINS["lower lids"])
    assert points[lids, 2].min() > points[:, 2].max() - 4.5, "lids lie on the eyes' front, not behind the eyeballs"


def _portrait(grey: bool = False, wall=(120.0, 122.0, 125.0), skin=(205.0, 150.0, 120.0),
              shadow: float = 0.7) -> tuple[np.ndarray, np.ndarray]:
    """A synthetic photo: grey background, a skin face (the outline), a shadowed skin neck joined below it, dark
    hair on top, and a skin-coloured patch far away; and the face's outline weights."""
    rng = np.random.default_rng(0)
    image = np.full((200, 200, 3), wall)
    skin = np.array(skin)
    yy, xx = np.mgrid[:200, :200]
    face = (yy - 90) ** 2 / 50 ** 2 + (xx - 100) ** 2 / 38 ** 2 < 1
    image[face] = skin
    image[(yy > 130) & (yy < 185) & (np.abs(xx - 100) < 22)] = skin * shadow  # the neck, in shadow
    image[(yy < 55) & (np.abs(xx - 100) < 45) & ~face] = (40.0, 30.0, 25.0)  # hair
    image[150:170, 15:35] = skin  # a skin-coloured thing away from the face
    image += rng.normal(0, 2.0, image.shape)
    if grey:
        image[:] = image.mean(axis=2, keepdims=True)
    outline = ((yy - 90) ** 2 / 40 ** 2 + (xx - 100) ** 2 / 30 ** 2 < 1).astype(np.float32)
    return np.clip(image, 0, 255).astype(np.uint8), outline


def test_skin_that_joins_the_face_is_projected_and_nothing_else():
    image, outline = _portrait()
    weight = skin_beyond_outline(image, outline, interocular=40.0)
    assert weight.shape == outline.shape
    assert weight[160, 100] > 0.9, "the shadowed neck joins the face: projected"
    assert weight[90, 134] > 0.9, "the face beyond the landmarks' outline: projected"
    assert weight[40, 60] < 0.05, "hair is left to the fill"
    assert weight[100, 190] < 0.05, "the background is left to the fill"
    assert weight[160, 25] < 0.05, "skin colour that does not join the face is not the face"


def test_a_grey_photo_adds_nothing_beyond_the_outline():
    image, outline = _portrait(grey=True)
    assert not skin_beyond_outline(image, outline, interocular=40.0).any()


def test_a_pale_face_before_a_white_wall_keeps_the_wall_out():
    image, outline = _portrait(wall=(245.0, 220.0, 205.0), skin=(240.0, 205.0, 188.0), shadow=0.85)
    weight = skin_beyond_outline(image, outline, interocular=40.0)
    assert weight[100, 190] < 0.05 and weight[60, 150] < 0.05, "a white wall is not pale skin"
    assert weight[160, 100] > 0.5 and weight[90, 134] > 0.9


def test_a_grey_photo_makes_a_head_with_the_skin_step_left_out(tmp_path):
    """End to end: a grayscale portrait is fitted (said in the notes) and its face texture stays grey."""
    from PIL import Image

    from ml_backend.paths import assets_root
    from ml_backend.photo.head import head_from_photo

    path = tmp_path / "grey.jpg"
    Image.open(assets_root() / "photos" / "03_london038_adult-woman_neutral.jpg").convert("L").save(path, quality=92)
    head = head_from_photo(path, use_cache=False)
    assert any("grayscale" in note for note in head.notes)
    assert head.metrics["landmark_error"] < 0.03
    face = head.texture[: 3 * head.texture.shape[0] // 4, : 3 * head.texture.shape[1] // 4].astype(int)  # the face tile
    assert np.abs(face[..., 0] - face[..., 2]).mean() < 3, "skin colour from nowhere"
