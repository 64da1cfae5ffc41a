"""Colour maps: shipped tables match matplotlib and the published ColorBrewer stops."""

from __future__ import annotations

import numpy as np
import pytest

from tokenheat import colormaps

matplotlib = pytest.importorskip("matplotlib")

# ColorBrewer's published 11-class diverging schemes (colorbrewer2.org).
COLORBREWER_11 = {
    "RdYlGn": "a50026 d73027 f46d43 fdae61 fee08b ffffbf d9ef8b a6d96a 66bd63 1a9850 006837",
    "RdBu": "67001f b2182b d6604d f4a582 fddbc7 f7f7f7 d1e5f0 92c5de 4393c3 2166ac 053061",
    "PiYG": "8e0152 c51b7d de77ae f1b6da fde0ef f7f7f7 e6f5d0 b8e186 7fbc41 4d9221 276419",
}


@pytest.mark.parametrize("name", colormaps.available())
def test_lut_matches_matplotlib(name: str) -> None:
    ours = colormaps.get_lut(name).astype(int)
    theirs = matplotlib.colormaps[name].resampled(256)(np.arange(256))
    assert ours.shape == (256, 4)
    assert np.abs(ours[:, :3] - theirs[:, :3] * 255).max() <= 0.5 + 1e-9
    assert (ours[:, 3] == 255).all()


@pytest.mark.parametrize("name", sorted(COLORBREWER_11))
def test_diverging_maps_hit_published_stops(name: str) -> None:
    lut = colormaps.get_lut(name)
    stops = [bytes.fromhex(h) for h in COLORBREWER_11[name].split()]
    assert tuple(lut[0, :3]) == tuple(stops[0])
    assert tuple(lut[255, :3]) == tuple(stops[-1])
    # The middle stop lies between entries 127 and 128.
    mid = (lut[127, :3].astype(int) + lut[128, :3]) / 2
    assert np.abs(mid - np.frombuffer(stops[5], dtype=np.uint8)).max() <= 1.5


def test_required_maps_and_reversed_variants() -> None:
    names = colormaps.available()
    for base in ("RdYlGn", "RdBu", "PiYG", "coolwarm", "viridis", "magma", "gray"):
        assert base in names
        assert f"{base}_r" in names
        np.testing.assert_array_equal(colormaps.get_lut(f"{base}_r"), colormaps.get_lut(base)[::-1])


def test_lut_is_read_only() -> None:
    with pytest.raises(ValueError, match="read-only"):
        colormaps.get_lut("RdYlGn")[0, 0] = 1


def test_unknown_name_suggests_close_match() -> None:
    with pytest.raises(ValueError, match=r"'RdYlgn' is not a known colour map.*'RdYlGn'"):
        colormaps.get_lut("RdYlgn")
    with pytest.raises(TypeError, match="colour map name"):
        colormaps.get_lut(3)  # type: ignore[arg-type]


def test_colorize_reference_stops() -> None:
    rgba = colormaps.colorize(
        [[-1.5, 0.0, 1.5, np.nan, 9.0, -9.0]], vmin=-1.5, vmax=1.5, center=0.0, lut="RdYlGn"
    )[0]
    assert rgba[0, :3].tolist() == [165, 0, 38]  # dark red
    assert np.abs(rgba[1, :3].astype(int) - [255, 255, 191]).max() <= 2  # pale yellow
    assert rgba[2, :3].tolist() == [0, 104, 55]  # dark green
    assert rgba[3, :3].tolist() == [189, 189, 189]  # NaN: mask colour
    assert rgba[4].tolist() == rgba[2].tolist()  # above vmax: end colour
    assert rgba[5].tolist() == rgba[0].tolist()  # below vmin: end colour


def test_colorize_centre_gives_equal_intensity_for_equal_distance() -> None:
    # With an asymmetric range, +-0.5 around the centre are mirror images in the LUT.
    idx = colormaps.lut_indices([[-0.5, 0.5]], vmin=-0.5, vmax=2.0, center=0.0)[0]
    assert idx[0] + idx[1] in (255, 256)
    # Without a centre the scale is linear from vmin to vmax.
    idx = colormaps.lut_indices([[-0.5, 2.0, 0.75]], vmin=-0.5, vmax=2.0, center=None)[0]
    assert idx.tolist() == [0, 255, 128]


def test_colorize_matches_matplotlib_normalisation() -> None:
    values = np.linspace(-2, 2, 101)[None, :]
    ours = colormaps.colorize(values, vmin=-2, vmax=2, center=None, lut="viridis")[0, :, :3]
    theirs = matplotlib.colormaps["viridis"]((values[0] + 2) / 4)[:, :3] * 255
    assert np.abs(ours - theirs).max() <= 0.5 + 1e-9


@pytest.mark.parametrize("bad", ["bdbdbd", "#bdbdb", "#gggggg", "red"])
def test_parse_hex_color_rejects(bad: str) -> None:
    with pytest.raises(ValueError, match="hex colour"):
        colormaps.parse_hex_color(bad, name="nan_color")


def test_parse_hex_color_short_form() -> None:
    assert colormaps.parse_hex_color("#abc") == (0xAA, 0xBB, 0xCC)
