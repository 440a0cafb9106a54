"""Degraded synthetic pages: real files of the right type, deterministic, and really degraded."""
import io

import numpy as np
import pytest
from PIL import Image

from clinidex import degrade, synthetic
from clinidex.degrade import CONDITIONS
from ingest.detect import PNG, TIFF, check_upload
from ingest.preprocess import estimate_skew

FAX_CONDITIONS = {"fine": synthetic.FINE, "standard": synthetic.STANDARD, "noisy": synthetic.FINE,
                  "skewed": synthetic.FINE, "upside_down": synthetic.FINE, "sideways": synthetic.FINE}


def pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as img:
        return np.asarray(img.convert("L"))


@pytest.mark.parametrize("name", list(CONDITIONS))
def test_every_condition_is_a_file_the_pipeline_accepts_as_its_media_type(name):
    sample = CONDITIONS[name](11)
    assert sample.name == name
    assert sample.media_type in (TIFF, PNG)
    assert check_upload(sample.data, 10**8) == sample.media_type
    _, pages = synthetic.referral_pages(11, pages=1)
    assert sample.truth == ["\n".join(lines) for lines in pages]


@pytest.mark.parametrize("name", list(CONDITIONS))
def test_same_seed_same_bytes_other_seed_other_bytes(name):
    first, again, other = CONDITIONS[name](21), CONDITIONS[name](21), CONDITIONS[name](22)
    assert first.data == again.data and first.info == again.info
    assert other.data != first.data


@pytest.mark.parametrize("name, resolution", FAX_CONDITIONS.items())
def test_fax_conditions_are_g4_tiffs_at_fax_resolution(name, resolution):
    sample = CONDITIONS[name](31)
    assert sample.media_type == TIFF
    with Image.open(io.BytesIO(sample.data)) as img:
        assert img.format == "TIFF" and img.mode == "1"
        assert img.info["compression"] == "group4"
        assert tuple(round(v) for v in img.info["dpi"]) == resolution


def test_skewed_pages_are_turned_between_one_and_three_degrees_either_way():
    angles = []
    for seed in range(41, 47):
        sample = degrade.skewed(seed)
        angle = sample.info["angle"]
        assert 1.0 <= abs(angle) <= 3.0
        clean = pixels(degrade.clean(seed).data)
        turned = pixels(sample.data)
        assert turned.shape == clean.shape and not np.array_equal(turned, clean)
        # The project's own skew measurement sees the turn (and would undo it).
        assert estimate_skew(Image.fromarray(turned)) == pytest.approx(-angle, abs=0.3)
        angles.append(angle)
    assert min(angles) < 0 < max(angles)


def test_turned_pages_are_the_clean_page_turned():
    seed = 51
    clean = pixels(degrade.clean(seed).data)
    upside_down = pixels(degrade.upside_down(seed).data)
    assert upside_down.shape == clean.shape
    # 180 degrees at the same pixel pitch: the same page, up to threshold noise at the glyph edges.
    assert np.mean(np.rot90(upside_down, 2) != clean) < 0.002
    sideways = pixels(degrade.sideways(seed).data)
    assert degrade.sideways(seed).info["rotation"] == 90
    # Landscape now: 11 in wide at 204 dpi, 8.5 in tall at 196 dpi.
    assert sideways.shape == (round(synthetic.FAX_WIDTH * 196 / 204), synthetic.LETTER_HEIGHT_IN * 204)


def test_noise_specks_the_page_but_leaves_most_of_it_alone():
    seed = 61
    clean = pixels(degrade.clean(seed).data) < 128
    noisy = pixels(degrade.noisy(seed).data) < 128
    changed = np.mean(clean != noisy)
    assert 0.001 < changed < 0.01
    streaks = degrade.noisy(seed).info["streaks"]
    assert degrade.STREAKS[0] <= len(streaks) <= degrade.STREAKS[1]


def test_low_contrast_is_faint_grey_text_on_grey_paper():
    sample = degrade.low_contrast(71)
    assert sample.media_type == PNG
    with Image.open(io.BytesIO(sample.data)) as img:
        assert img.mode == "L"
        grey = np.asarray(img)
    paper = np.median(grey)
    assert 215 - 5 <= paper <= 235 + 5
    assert 150 - 10 <= np.percentile(grey, 0.5) < paper - 30  # the darkest ink is still mid-grey
    assert grey.min() > 100
