"""Fax clean-up: resolution, skew and orientation."""
import pytest
from PIL import Image

from clinidex import synthetic
from ingest.ocr import engine, read_upright
from ingest.preprocess import Applied, Options, despeckle, estimate_skew, prepare, resample, speckle_ratio
from ingest.render import PageImage


def clean_page(seed: int, dpi: int = 300) -> Image.Image:
    _, pages = synthetic.referral_pages(seed, pages=1)
    return synthetic.render_page(pages[0], (dpi, dpi)).convert("L")


@pytest.mark.parametrize("angle", [-2.7, -1.2, 1.0, 2.2, 3.0])
def test_skew_is_measured_to_a_fraction_of_a_degree(angle):
    skewed = clean_page(81).rotate(angle, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
    assert estimate_skew(skewed) == pytest.approx(-angle, abs=0.25)


def test_straight_pages_are_left_alone():
    page = PageImage(1, clean_page(82), 300)
    prepared, applied = prepare(page)
    assert applied == Applied() and prepared.image is page.image


def test_low_resolution_is_raised_to_300_dpi_and_high_is_kept():
    original = clean_page(83, dpi=150)
    low = resample(PageImage(1, original, 150), Options())
    assert low.dpi == 300 and low.image.size == (2 * original.width, 2 * original.height)
    high = PageImage(1, clean_page(83), 300)
    assert resample(high, Options()) is high


@pytest.mark.parametrize("turned", [180, 90])
def test_pages_sent_upside_down_or_sideways_are_read_upright(turned):
    seed = 84
    image = clean_page(seed).rotate(turned, expand=True)
    result = read_upright(engine("tesserocr", "eng"), 1, image, dpi=300, timeout_s=60)
    assert synthetic.marker_word(seed, 1) in result.text
    assert (result.rotation + turned) % 360 == 0
    assert result.mean_confidence > 80


def test_upright_pages_pay_for_one_reading_only():
    calls = []
    real = engine("tesserocr", "eng")

    class Counting:
        def read(self, *args, **kwargs):
            calls.append("read")
            return real.read(*args, **kwargs)

        def orientation(self, image):
            calls.append("orientation")
            return real.orientation(image)

    result = read_upright(Counting(), 1, clean_page(85), dpi=300, timeout_s=60)
    assert calls == ["read"] and result.rotation == 0


def test_line_noise_is_detected_and_voted_away_and_clean_faxes_are_untouched():
    from clinidex.degrade import CONDITIONS
    from ingest.render import render_page

    noisy, clean = CONDITIONS["noisy"](3), CONDITIONS["fine"](3)
    noisy_page = render_page(noisy.data, noisy.media_type, 1)
    clean_page_ = render_page(clean.data, clean.media_type, 1)
    assert speckle_ratio(noisy_page.image) > 0.1 and speckle_ratio(clean_page_.image) < 0.01
    assert speckle_ratio(despeckle(noisy_page.image)) < 0.01
    _, applied = prepare(noisy_page)
    assert applied.despeckled
    _, applied = prepare(clean_page_)
    assert not applied.despeckled
