"""Row and column labels of each panel's own (one sequence per panel, e.g. the tokens of
each sequence of a batch): the forms accepted, what is kept and sent, every refusal, and
the Python exports drawing each panel's labels beside and under it."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from tokenheat import Heatmap, InvalidSetting, InvalidSettingType, _grid_export

SOURCE = ["The", "cat", "sat", "on", "the", "warm", "mat"]
OTHER = ["A", "big", "dog", "ran", "past", "the", "old", "barn", "at", "noon"]
GENERATED = [["it", "was", "warm"], ["and", "then", "slept"]]
SVG = "{http://www.w3.org/2000/svg}"


def ragged(**settings) -> Heatmap:
    """Two sequences of a batch: 7 and 10 source tokens, 3 generated tokens each."""
    rng = np.random.default_rng(0)
    values = [rng.uniform(-1, 1, (7, 3)), rng.uniform(-1, 1, (10, 3))]
    return Heatmap(
        values, **{"row_labels": [SOURCE, OTHER], "column_labels": GENERATED, **settings}
    )


def wire(w: Heatmap, name: str):
    """A trait as the browser receives it (JSON)."""
    return json.loads(json.dumps(w.get_state()[name]))


# ------------------------------------------------------------------------------ forms
def test_each_panel_keeps_its_own_labels_and_the_browser_gets_lists() -> None:
    w = ragged()
    assert w.shape == (10, 3) and w._panel_shapes == [[7, 3], [10, 3]]
    assert w.row_labels == [SOURCE, OTHER]
    assert w.column_labels == GENERATED
    assert wire(w, "row_labels") == [SOURCE, OTHER]
    assert wire(w, "column_labels") == GENERATED


def test_a_panel_may_be_given_its_padded_length_and_padding_gets_no_label() -> None:
    w = ragged(row_labels=[[*SOURCE, "", "", "pad"], OTHER])
    assert w.row_labels == [SOURCE, OTHER]  # cut to the panel's own 7 rows
    assert wire(w, "row_labels")[0] == SOURCE


def test_sequences_numbers_and_arrays_are_read_as_for_shared_labels() -> None:
    w = Heatmap(
        np.zeros((2, 3, 2)),
        row_labels=np.array([["a", "b", "c"], ["d", "e", "f"]]),  # one row per panel
        column_labels=(range(2), ("x", 1.5)),
    )
    assert w.row_labels == [["a", "b", "c"], ["d", "e", "f"]]
    assert w.column_labels == [["0", "1"], ["x", "1.5"]]


def test_a_grid_takes_one_list_per_panel_in_panel_order() -> None:
    labels = [[f"p{p}r{r}" for r in range(3)] for p in range(6)]
    w = Heatmap(np.zeros((2, 3, 3, 4)), row_labels=labels)
    assert w.panel_layout == (2, 3) and w.row_labels == labels
    assert w.column_labels == ["0", "1", "2", "3"]  # the other axis stays shared


def test_shared_labels_are_as_before_even_for_padded_panels() -> None:
    w = Heatmap([np.zeros((2, 3)), np.zeros((4, 3))], row_labels=list("abcd"))
    assert w.row_labels == ["a", "b", "c", "d"] and wire(w, "row_labels") == list("abcd")
    with pytest.raises(ValueError, match="values has 4 rows but row_labels has 2 entries"):
        w.row_labels = ["a", "b"]


# ------------------------------------------------------------------------------ refusals
PANELS = [np.zeros((7, 3)), np.zeros((10, 3))]


@pytest.mark.parametrize(
    ("values", "settings", "error", "message"),
    [
        (
            PANELS,
            {"row_labels": [SOURCE, OTHER, SOURCE]},
            InvalidSetting,
            r"^row_labels has 3 lists \(one per panel\) but values has 2 panels; to change both",
        ),
        (
            PANELS,
            {"row_labels": [SOURCE[:5], OTHER]},
            InvalidSetting,
            r"^row_labels\[0\] has 5 labels but panel 0 of values has 7 rows \(10 with padding\)",
        ),
        (
            PANELS,
            {"column_labels": [["a", "b", "c"], ["d", "e"]]},
            InvalidSetting,
            r"^column_labels\[1\] has 2 labels but panel 1 of values has 3 columns;",
        ),
        (
            np.zeros((7, 3)),
            {"row_labels": [SOURCE]},
            InvalidSetting,
            r"^row_labels has one list of labels per panel, but values is 2-D \(one matrix\)",
        ),
        (
            np.zeros((2, 3, 7, 3)),
            {"row_labels": [SOURCE] * 5},
            InvalidSetting,
            r"has 5 lists \(one per panel\) but values has 6 panels \(a 2x3 grid: one list "
            r"per panel, in panel order p = grid_row \* 3 \+ grid_col\)",
        ),
        (
            np.zeros((2, 3, 7, 3)),
            {"row_labels": [SOURCE] * 4 + [SOURCE[:2], SOURCE]},
            InvalidSetting,
            r"^row_labels\[4\] has 2 labels but panel 4 \(grid row 1, grid column 1\) of "
            r"values has 7 rows",
        ),
        (
            PANELS,
            {"row_labels": [SOURCE, "dog"]},
            InvalidSettingType,
            r"^row_labels must be one str per row \(shared by every panel\) or one sequence "
            r"of str per panel, got a mix: row_labels\[0\] is a list and row_labels\[1\] a str",
        ),
        (
            PANELS,
            {"row_labels": [SOURCE, [*OTHER[:9], None]]},
            InvalidSettingType,
            r"^row_labels\[1\]\[9\] must be a string, got NoneType None",
        ),
        (
            PANELS,
            {"column_labels": [["a", "b", "c"], ["d", "ok \ud800", "f"]]},
            InvalidSetting,
            r"^column_labels\[1\]\[1\] contains a lone surrogate '\\ud800' at position 3",
        ),
        (
            PANELS,
            {"row_labels": [*OTHER[:9], ["x"]]},
            InvalidSettingType,
            r"^row_labels\[9\] must be a string, got list \['x'\]",
        ),
        (
            PANELS,
            {"row_labels": [SOURCE, 5]},
            InvalidSettingType,
            r"got a mix: row_labels\[0\] is a list and row_labels\[1\] a int",
        ),
    ],
)
def test_labels_that_do_not_fit_are_refused_naming_the_panel(
    values, settings, error, message
) -> None:
    with pytest.raises(error, match=message):
        Heatmap(values, **settings)
    w = Heatmap(values)
    before = w.get_state()
    ((name, value),) = settings.items()
    with pytest.raises(error, match=message):
        setattr(w, name, value)
    with pytest.raises(error, match=message):
        w.update(**settings)
    assert w.get_state() == before


def test_huge_labels_of_a_panel_display_and_export(tmp_path) -> None:
    huge = "W" * 2_000_000
    w = ragged(row_labels=[SOURCE, [*OTHER[:9], huge]])
    data, _ = w._repr_mimebundle_()
    assert "image/png" in data
    svg = w.to_svg()
    assert len(svg) < 100_000 and "\u2026" in svg  # elided, as on screen
    assert Image.open(io.BytesIO(w.to_png())).size[0] < 2000
    for suffix in ("png", "svg", "html"):
        assert w.save(tmp_path / f"fig.{suffix}").stat().st_size > 0


# ------------------------------------------------------------------------ with new values
def test_update_changes_values_and_labels_of_each_panel_together() -> None:
    w = ragged()
    three = [np.zeros((4, 3)), np.zeros((2, 3)), np.zeros((3, 3))]
    with pytest.raises(InvalidSetting, match=r"has 2 lists .* 3 panels; to change both"):
        w.values = three
    with pytest.raises(InvalidSetting, match=r"^column_labels has 2 lists .* 3 panels"):
        w.update(values=three, row_labels=[list("abcd"), list("ef"), list("ghi")])
    assert w.row_labels == [SOURCE, OTHER]  # (nothing of the refused update)
    w.update(
        values=three,
        row_labels=[list("abcd"), list("ef"), list("ghi")],
        column_labels=["x", "y", "z"],  # now shared
    )
    assert w.row_labels == [list("abcd"), list("ef"), list("ghi")]
    assert w.column_labels == ["x", "y", "z"]
    assert wire(w, "row_labels") == [list("abcd"), list("ef"), list("ghi")]


def test_a_refused_update_changes_nothing() -> None:
    w = ragged()
    before = w.get_state()
    with pytest.raises(InvalidSetting, match=r"row_labels\[1\] has 3 labels"):
        w.update(values=[np.zeros((2, 3)), np.zeros((4, 3))], row_labels=[["a", "b"], list("cde")])
    assert w.get_state() == before


def test_new_values_cut_labels_given_at_what_is_now_the_padded_length() -> None:
    w = Heatmap(np.zeros((2, 4, 3)), row_labels=[list("abcd"), list("efgh")])
    w.values = [np.zeros((3, 3)), np.zeros((4, 3))]  # panel 0 now has 3 rows of its own
    assert w.row_labels == [list("abc"), list("efgh")]
    assert wire(w, "row_labels") == [list("abc"), list("efgh")]


def test_shared_and_own_labels_can_be_swapped() -> None:
    w = ragged()
    w.row_labels = [str(i) for i in range(10)]
    assert w.row_labels == [str(i) for i in range(10)]
    w.row_labels = [SOURCE, OTHER]
    assert w.row_labels == [SOURCE, OTHER]


# -------------------------------------------------------------------------------- exports
def svg_texts(svg: str) -> list[ET.Element]:
    return list(ET.fromstring(svg).iter(f"{SVG}text"))


def test_the_export_draws_each_panels_labels_beside_and_under_it() -> None:
    w = ragged(width=700)
    f = _grid_export.grid_layout(w)
    assert (f.nr, f.nc) == (1, 2) and f.own_rows and f.own_columns
    texts = svg_texts(w.to_svg())
    for p, (rows, cols) in enumerate(zip((SOURCE, OTHER), GENERATED, strict=True)):
        _, x, y, pw, ph = f.panels[p]
        # the panel's own rows, right-aligned left of it, at the middle of their rows of
        # cells (of the padded 10); a padding row has no label
        beside = [
            el
            for el in texts
            if el.get("text-anchor") == "end" and abs(float(el.get("x")) - (x - 6)) < 0.01
        ]
        assert [el.text for el in beside] == rows
        for r, el in enumerate(beside):
            assert float(el.get("y")) == pytest.approx(y + (r + 0.5) / 10 * ph)
        under = [
            el
            for el in texts
            if el.text in cols and x <= float(el.get("x")) <= x + pw and float(el.get("y")) > y + ph
        ]
        assert [el.text for el in under] == cols
        for c, el in enumerate(under):
            assert float(el.get("x")) == pytest.approx(x + (c + 0.5) / 3 * pw)
    # the second panel starts after a band of row labels as wide as the widest of any
    # panel's, right of the first panel
    (_, x0, _, w0, _), (_, x1, _, _, _) = f.panels
    assert x1 - (x0 + w0) > _grid_export.GAP + 20


def test_the_png_has_labels_left_of_each_panel_only_where_it_has_rows() -> None:
    w = ragged(width=700)
    f = _grid_export.grid_layout(w)
    image = np.asarray(Image.open(io.BytesIO(w.to_png())).convert("L")).astype(int)
    for p, own in ((0, 7), (1, 10)):
        _, x, y, _, ph = f.panels[p]
        for r in range(10):
            cy = round((y + (r + 0.5) / 10 * ph) * 2)
            band = image[cy - 4 : cy + 5, round((x - 30) * 2) : round((x - 6) * 2)]
            inked = (band < 128).sum() > 5
            assert inked == (r < own), (p, r)


def test_a_grid_exports_labels_beside_and_under_every_panel() -> None:
    labels = [[f"p{p}r{r}" for r in range(3)] for p in range(4)]
    columns = [[f"p{p}c{c}" for c in range(2)] for p in range(4)]
    w = Heatmap(np.zeros((2, 2, 3, 2)), row_labels=labels, column_labels=columns)
    texts = {el.text for el in svg_texts(w.to_svg())}
    assert {t for own in labels + columns for t in own} <= texts


def test_shared_labels_still_go_beside_the_first_column_and_under_the_lowest() -> None:
    w = Heatmap([np.zeros((7, 3)), np.zeros((10, 3))], row_labels=OTHER, width=700)
    f = _grid_export.grid_layout(w)
    assert not f.own_rows and not f.own_columns
    texts = [el.text for el in svg_texts(w.to_svg())]
    assert texts.count("barn") == 1  # once, beside the first panel only


def test_a_focused_panel_exports_with_its_own_labels() -> None:
    w = ragged(focus=1, vmin=-1, vmax=1)
    alone = Heatmap(
        w.values[1], row_labels=OTHER, column_labels=GENERATED[1], title="1", vmin=-1, vmax=1
    )
    texts = [el.text for el in svg_texts(w.to_svg())]
    assert set(OTHER) <= set(texts) and not set(SOURCE) - {"the"} & set(texts)
    assert w.to_svg() == alone.to_svg()
    w.focus = 0  # panel 0 alone: its 7 rows of labels, none for its padding
    texts = [el.text for el in svg_texts(w.to_svg())]
    assert set(SOURCE) <= set(texts) and "barn" not in texts


def test_a_label_sits_on_the_part_of_its_cell_in_view():
    """The rule of ``labelCenter`` in js/render/layout.js: a cell cut by the plot's edge
    has its label in the middle of the part shown, never outside the plot."""
    from tokenheat._axis_labels import label_centre

    assert label_centre(4, 0, 5, 500) == 450
    assert label_centre(2, 2.5, 6, 350) == pytest.approx(25)
    assert label_centre(5, 2.5, 5.5, 300) == pytest.approx(275)
    for i in range(2, 6):
        assert 0 <= label_centre(i, 2.9, 5.1, 220) <= 220
