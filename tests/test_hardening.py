"""Defects an adversarial review found, one class each: bounded sizes and tile requests,
one minimum-view rule, safe file saving, huge text, lone surrogates, values as a
snapshot, and the small ones. (Browser tests for the front end's side are in
tests/browser/test_hardening.py.)"""

from __future__ import annotations

import errno
import io
import logging
import os
import stat
import threading

import numpy as np
import pytest
from PIL import Image

from tokenheat import Heatmap, _blocks, _data, _settings, export


def finishes(fn, seconds: float = 20.0):
    """``fn()``'s result, failing the test if it has not returned after ``seconds``
    (a hang fails instead of freezing the suite)."""
    out: dict = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # re-raised in the test's thread
            out["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in out:
        raise out["error"]
    return out.get("value")


# ------------------------------------------------------------------ 2. sizes
@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (10**9, ValueError, "from 50 to 4096, got 1000000000"),
        (10**400, ValueError, "got a number of more than 12 digits"),
        (4097, ValueError, "got 4097"),
        (49, ValueError, "got 49"),
        (-1, ValueError, "got -1"),
        (600.0, TypeError, "got float 600.0"),
        (True, TypeError, "got bool"),
        ("600", TypeError, "got str"),
    ],
)
@pytest.mark.parametrize("name", ["width", "height"])
def test_sizes_are_bounded(name, value, error, match) -> None:
    with pytest.raises(error, match=match) as info:
        Heatmap(np.eye(2), **{name: value})
    assert str(info.value).startswith(f"{name} must be None (automatic)")
    w = Heatmap(np.eye(2))
    with pytest.raises(error, match=match):
        setattr(w, name, value)
    assert getattr(w, name) is None


def test_sizes_take_numpy_integers_and_the_bounds() -> None:
    w = Heatmap(np.eye(2), width=np.int64(4096), height=np.int32(50))
    assert (w.width, w.height) == (4096, 50) and type(w.width) is int
    assert (_settings.MIN_SIZE, _settings.MAX_SIZE) == (50, 4096)


# ------------------------------------------------------------------ 3. tile requests
@pytest.fixture
def big(monkeypatch) -> Heatmap:
    monkeypatch.setattr(_data, "SEND_CELLS", 1000)
    monkeypatch.setattr(_data, "TILE_CELLS", 300)
    values = np.zeros((80, 70))
    values[33, 44] = -5
    return Heatmap(values)


def ask(w: Heatmap, content: dict) -> list:
    replies: list = []
    w.send = lambda msg, buffers=None: replies.append((msg, buffers))  # type: ignore[method-assign]
    finishes(lambda: w._handle_request(None, {"type": "tile", "id": "v:1:0", **content}, []))
    return replies


@pytest.mark.parametrize(
    "content",
    [
        {"window": [0, 80, 0, 70], "block": [10**12, 1]},  # once a loop over the block size
        {"window": [0, 80, 0, 70], "block": [1, 10**6]},
        {"window": [0, 80, 0, 70], "block": [81, 1]},  # more rows than the matrix
        {"window": [0, 80, 0, 70], "block": [1, 71]},
        {"window": [0, 10**12, 0, 70], "block": [1, 1]},
        {"window": [-1, 80, 0, 70], "block": [1, 1]},
        {"window": [0, 80, 0, 70], "block": [1, 1], "id": 5},
        {"window": [0, 80, 0, 70], "block": [1, 1], "id": "x" * 10_000},
        {"window": [0, 80, 0, 70], "block": [1.0, 1]},
        {"window": None, "block": None},
    ],
)
def test_an_unbounded_tile_request_is_ignored_at_once(big, caplog, content) -> None:
    with caplog.at_level(logging.WARNING, logger="tokenheat"):
        assert ask(big, content) == []
    assert "bad tile request" in caplog.text
    assert len(caplog.text) < 2000  # the logged request is cut short too


def test_a_block_as_big_as_the_matrix_is_one_value(big) -> None:
    [(msg, buffers)] = ask(big, {"window": [0, 80, 0, 70], "block": [80, 70]})
    assert msg["shape"] == [1, 1] and msg["block"] == [80, 70]
    assert np.frombuffer(bytes(buffers[0]), dtype="<f4").tolist() == [-5.0]


@pytest.mark.parametrize(("fr", "fc"), [(10**12, 1), (1, 10**12), (10**9, 10**9)])
def test_reduce_blocks_costs_what_the_data_costs(fr, fc) -> None:
    values = np.arange(12.0).reshape(3, 4) - 20
    out = finishes(lambda: _blocks.reduce_blocks(values, fr, fc, (1, 3, 0, 4)))
    expected = {(10**12, 1): [[-16, -15, -14, -13]], (1, 10**12): [[-16], [-12]]}
    assert out.tolist() == expected.get((fr, fc), [[-16]])


# ------------------------------------------------------------------ 4. one view rule
def test_update_with_a_new_shape_keeps_the_view_and_selection_given() -> None:
    w = Heatmap(np.zeros((3, 4)))
    w.update(values=np.zeros((30, 40)), view=(10, 20, 5, 15), selection={"row": 12})
    assert w.view == (10.0, 20.0, 5.0, 15.0) and w.selection == {"row": 12}
    w.update(values=np.zeros((3, 4)))  # and without one, the new shape is shown whole
    assert w.view == (0.0, 3.0, 0.0, 4.0) and w.selection is None
    with pytest.raises(ValueError, match="row_stop <= 5"):
        w.update(values=np.zeros((5, 5)), view=(0, 10, 0, 5))  # checked against the new shape
    assert w.shape == (3, 4)


def test_the_python_rule_equals_the_front_ends() -> None:
    """clamp_axis is js/interact/zoom.js clampAxis; the JS is checked in js/test/zoom.test.js with
    the same cases."""
    cases = [((5, 5.5, 10), (4.25, 6.25)), ((0, 0.5, 10), (0.0, 2.0)), ((9.8, 10, 10), (8.0, 10.0))]
    for (a, b, n), out in cases:
        assert _settings.clamp_axis(a, b, n) == out
    assert _settings.clamp_axis(0.2, 0.7, 1) == (0.0, 1.0)


def test_exports_use_the_view_the_screen_shows() -> None:
    values = np.arange(100.0).reshape(10, 10)
    w = Heatmap(values)
    w.view = (5, 5.5, 5, 5.5)
    assert w.view == (4.25, 6.25, 4.25, 6.25)
    shown = export.shown_values(w, 8, 8)
    assert set(np.unique(shown)) == {44.0, 45.0, 46.0, 54.0, 55.0, 56.0, 64.0, 65.0, 66.0}


# ------------------------------------------------------------------ 5. saving files
@pytest.fixture
def w() -> Heatmap:
    return Heatmap(np.eye(3), title="saved")


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_file_gets_the_umask_mode(w, tmp_path, umask_022) -> None:
    for suffix in ("png", "svg", "html"):
        out = w.save(tmp_path / f"fig.{suffix}")
        assert mode(out) == 0o644
    os.umask(0o077)
    assert mode(w.save(tmp_path / "private.png")) == 0o600


def test_a_replaced_file_keeps_its_mode(w, tmp_path, umask_022) -> None:
    target = tmp_path / "fig.svg"
    target.write_text("old")
    target.chmod(0o664)
    w.save(target)
    assert mode(target) == 0o664 and target.read_text().startswith("<svg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.svg"]


def test_a_symlink_is_followed_and_stays(w, tmp_path) -> None:
    real = tmp_path / "real.png"
    real.write_bytes(b"old")
    real.chmod(0o640)
    link = tmp_path / "link.png"
    link.symlink_to(real)
    chain = tmp_path / "chain.png"
    chain.symlink_to(link)
    assert w.save(chain) == real
    assert chain.is_symlink() and link.is_symlink()
    assert real.read_bytes().startswith(b"\x89PNG") and mode(real) == 0o640
    dangling = tmp_path / "dangling.svg"
    dangling.symlink_to(tmp_path / "made.svg")
    w.save(dangling)
    assert dangling.is_symlink() and (tmp_path / "made.svg").read_text().startswith("<svg")


def test_targets_that_are_not_regular_files_are_refused(w, tmp_path) -> None:
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match=r"pipe.png'.*a named pipe \(FIFO\), not a regular file"):
        w.save(fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    link = tmp_path / "to-pipe.svg"
    link.symlink_to(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        w.save(link)
    if os.geteuid() == 0:  # a device node, made here rather than touching /dev
        device = tmp_path / "null.png"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        with pytest.raises(ValueError, match="a character device"):
            w.save(device)
        assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_file_in_place_of_a_folder_is_named(w, tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("a file")
    with pytest.raises(NotADirectoryError, match=r"notes.txt' is a file, not a folder"):
        w.save(tmp_path / "notes.txt" / "fig.png")
    with pytest.raises(NotADirectoryError, match=r"notes.txt' is a file, not a folder"):
        w.save(tmp_path / "notes.txt" / "deeper" / "fig.png")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        w.save(tmp_path / "missing" / "fig.png")


def test_a_permission_error_names_the_users_path(w, tmp_path, monkeypatch) -> None:
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith(".tmp"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(PermissionError) as info:
        w.save(tmp_path / "fig.png")
    message = str(info.value)
    assert f"cannot save to '{tmp_path / 'fig.png'}'" in message and "Permission denied" in message
    assert ".tmp" not in message


def test_a_read_only_file_is_not_replaced(w, tmp_path, monkeypatch) -> None:
    target = tmp_path / "fig.png"
    target.write_bytes(b"keep")
    target.chmod(0o444)
    real_access = os.access
    # root may write anything: ask as a user would be answered
    monkeypatch.setattr(os, "access", lambda p, m: m != os.W_OK and real_access(p, m))
    with pytest.raises(PermissionError, match="exists and is read-only"):
        w.save(target)
    assert target.read_bytes() == b"keep"


@pytest.mark.parametrize(
    ("fmt", "error", "match"),
    [
        (5, TypeError, "format must be 'png', 'svg', 'html' or None, got int 5"),
        (b"png", TypeError, "got bytes"),
        ("jpeg", ValueError, "got 'jpeg'"),
    ],
)
def test_save_format_is_checked(w, tmp_path, fmt, error, match) -> None:
    with pytest.raises(error, match=match):
        w.save(tmp_path / "fig.png", format=fmt)


# ------------------------------------------------------------------ 6. huge text
HUGE = "W" * 2_000_000


@pytest.mark.parametrize(
    "settings",
    [
        {"title": HUGE},
        {"colorbar_title": HUGE},
        {"row_labels": [HUGE, "b"]},
        {"column_labels": ["a", HUGE]},
        {"tokens": [[HUGE, "a"], ["b", "\u200b" * 2_000_000]]},
    ],
    ids=["title", "colorbar_title", "row_labels", "column_labels", "tokens"],
)
def test_any_text_length_displays_and_exports(settings, tmp_path) -> None:
    w = Heatmap(np.array([[0.5, -1.0], [0.25, 0.0]]), **settings)
    data, _ = w._repr_mimebundle_()
    assert "image/png" in data and "application/vnd.jupyter.widget-view+json" in data
    svg = w.to_svg()
    assert len(svg) < 100_000
    if "tokens" not in settings:  # a token too wide for its cell is not drawn, as on screen
        assert "\u2026" in svg
    assert Image.open(io.BytesIO(w.to_png())).size[0] < 2000
    for suffix in ("png", "svg", "html"):
        assert w.save(tmp_path / f"fig.{suffix}").stat().st_size > 0


def test_elide_cuts_before_measuring() -> None:
    assert export.elide("x" * 10**7).endswith("\u2026")
    assert export.elide("\u200b" * 10**7, cap=50) == "\u200b" * export.MEASURE_CHARS + "\u2026"


def test_a_failing_fallback_png_does_not_hide_the_widget(monkeypatch, caplog) -> None:
    def broken(widget):
        raise RuntimeError("no picture")

    monkeypatch.setattr(export, "static_png", broken)
    with caplog.at_level(logging.WARNING, logger="tokenheat"):
        data, _ = Heatmap(np.eye(2))._repr_mimebundle_()
    assert "image/png" not in data and "application/vnd.jupyter.widget-view+json" in data
    assert "no picture" in caplog.text


# ------------------------------------------------------------------ 7. lone surrogates
LONE = "ok \ud800 then"


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"title": LONE}, "title contains"),
        ({"colorbar_title": "\udfff"}, "colorbar_title contains"),
        ({"row_labels": ["a", LONE]}, "row_labels[1] contains"),
        ({"column_labels": [LONE, "b"]}, "column_labels[0] contains"),
        ({"tokens": [["a", "b"], ["c", LONE]]}, "tokens[1][1] contains"),
    ],
)
def test_lone_surrogates_are_refused_naming_the_argument(settings, named) -> None:
    values = np.eye(2)
    with pytest.raises(ValueError, match="lone surrogate") as info:
        Heatmap(values, **settings)
    assert str(info.value).startswith(named)
    w = Heatmap(values)
    before = w.get_state()
    ((name, value),) = settings.items()
    with pytest.raises(ValueError, match="lone surrogate"):
        setattr(w, name, value)
    with pytest.raises(ValueError, match="lone surrogate"):
        w.update(values=np.ones((2, 2)), **settings)
    assert w.get_state() == before
    w.title = "fine"  # and the widget still sends its state
    assert w.get_state()["title"] == "fine"


def test_a_dataframe_with_a_lone_surrogate_in_its_index_is_refused() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame([[1.0, 2.0]], index=["bad\ud800"], columns=["a", "b"])
    with pytest.raises(ValueError, match=r"row_labels\[0\] contains a lone surrogate"):
        Heatmap(frame)


def test_paired_surrogates_written_as_characters_are_fine() -> None:
    w = Heatmap(np.eye(1), title="emoji \U0001f600", row_labels=["\U0001f600"])
    assert w.get_state()["title"] == "emoji \U0001f600"


# ------------------------------------------------------------------ 9. the small ones
@pytest.mark.parametrize("name", ["vmin", "vmax", "center"])
def test_numbers_too_large_for_a_float_are_named(name) -> None:
    with pytest.raises(
        ValueError, match=f"^{name} must be a finite number, got a number too large"
    ):
        Heatmap(np.eye(2), **{name: 10**400})
    w = Heatmap(np.eye(2))
    with pytest.raises(ValueError, match=f"^{name} must be a finite number"):
        setattr(w, name, -(10**400))
    with pytest.raises(ValueError, match="color_range"):
        w.color_range = (0, 10**400)
    with pytest.raises(ValueError, match="too large for a float"):
        w.view = (0, 1, 0, 10**400)


def test_values_is_a_snapshot_for_the_screen_and_the_exports() -> None:
    values = np.array([[0.5, -1.0], [0.25, 0.0]], dtype=np.float32)
    w = Heatmap(values, center=None)
    sent, png, rgba = bytes(w._values), w.to_png(), w.to_rgba()
    values[:] = 100  # changed in place: nothing the widget shows or writes follows
    assert bytes(w._values) == sent and w.to_png() == png
    np.testing.assert_array_equal(w.to_rgba(), rgba)
    assert w.values.tolist() == [[0.5, -1.0], [0.25, 0.0]]
    assert w._data_range == [-1.0, 0.5]
    w.values = values  # assigning it again takes the new values
    assert w._data_range == [100.0, 100.0]


def test_float64_originals_are_a_snapshot_too() -> None:
    values = np.array([[0.1234567890123, 2.0]])
    w = Heatmap(values)
    values[0, 0] = 7.0
    w.send_exact()
    assert np.frombuffer(w._exact, dtype="<f8")[0] == 0.1234567890123


def test_the_page_title_of_to_html_is_checked_too() -> None:
    with pytest.raises(ValueError, match=r"^title contains a lone surrogate"):
        Heatmap(np.eye(2)).to_html(title="page \udc00")


def test_the_hint_for_a_surrogate_pair_works() -> None:
    pair = "smile \ud83d\ude00"  # a pair written as two characters
    with pytest.raises(ValueError, match="lone surrogate '\\\\ud83d' at position 6") as info:
        Heatmap(np.eye(1), title=pair)
    assert "surrogatepass" in str(info.value)
    joined = pair.encode("utf-16", "surrogatepass").decode("utf-16")
    assert Heatmap(np.eye(1), title=joined).title == "smile \U0001f600"


# ------------------------------------------------------------------ wrong types, named
@pytest.mark.parametrize(
    ("name", "value", "match"),
    [
        ("cmap", 5, "The 'cmap' trait of a Heatmap instance expected a unicode string"),
        ("nan_color", None, "'nan_color' trait"),
        ("title", ["a list"], "'title' trait"),
        ("colorbar_title", 1.5, "'colorbar_title' trait"),
        ("show_whitespace", 2, "'show_whitespace' trait of a Heatmap instance expected a boolean"),
        ("static_png", "yes", "'static_png' trait"),
        ("symmetric", None, "'symmetric' trait"),
    ],
)
def test_wrong_types_raise_a_type_error_naming_the_setting(name, value, match) -> None:
    w = Heatmap(np.eye(2))
    before = w.get_state()
    with pytest.raises(TypeError, match=match):
        setattr(w, name, value)
    with pytest.raises(TypeError, match=match):
        w.update(**{name: value})
    assert w.get_state() == before


def test_long_bad_names_are_cut_in_the_message() -> None:
    with pytest.raises(ValueError, match="is not a known colour map") as info:
        Heatmap(np.eye(2), cmap="x" * 1_000_000)
    assert len(str(info.value)) < 2000
    with pytest.raises(ValueError, match="must be a hex colour") as info:
        Heatmap(np.eye(2), nan_color="#" + "a" * 1_000_000)
    assert len(str(info.value)) < 500


def test_update_checks_every_setting_against_the_new_matrix_whatever_the_order() -> None:
    w = Heatmap(np.zeros((2, 2)))
    w.update(
        view=(0, 10, 0, 2),
        row_labels=list("abcdefghijklmnopqrstuvwxyz01234"[:30]),
        values=np.zeros((30, 2)),
    )
    assert w.view == (0.0, 10.0, 0.0, 2.0) and w.shape == (30, 2)


def test_on_select_needs_a_callable() -> None:
    with pytest.raises(TypeError, match="callback must be callable, got int"):
        Heatmap(np.eye(2)).on_select(5)


@pytest.mark.parametrize(
    ("path", "error", "match"),
    [
        (b"fig.png", TypeError, "path must be a str or pathlib.Path, got bytes"),
        (5, TypeError, "got int 5"),
        ("fig\0.png", ValueError, "must not contain a NUL character"),
    ],
)
def test_save_paths_of_the_wrong_kind(w, path, error, match) -> None:
    with pytest.raises(error, match=match):
        w.save(path)


def test_save_takes_the_longest_name_and_a_home_folder(w, tmp_path, monkeypatch) -> None:
    longest = tmp_path / ("n" * (os.pathconf(tmp_path, "PC_NAME_MAX") - 4) + ".png")
    assert w.save(longest).read_bytes().startswith(b"\x89PNG")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert w.save("~/home.svg") == tmp_path / "home.svg"
    assert (tmp_path / "home.svg").read_text().startswith("<svg")


# ---------------------------------------------- colour ranges the float32 rule can map
@pytest.mark.parametrize("name", ["vmin", "vmax", "center"])
def test_limits_beyond_the_float32_colour_rule_are_refused(name) -> None:
    w = Heatmap(np.eye(2))
    with pytest.raises(ValueError, match=f"^{name} must be within ±8.51e\\+37"):
        setattr(w, name, (-1) ** (name == "vmin") * 1e308)
    with pytest.raises(ValueError, match="quarter of float32's range"):
        w.color_range = (-1e38, 1e38)


@pytest.mark.parametrize(
    ("values", "center"),
    [([[3e38, -3e38]], 0.0), ([[3e38, 3e38]], None), ([[-3e38, 1.0]], None), ([[1e30]], None)],
)
def test_extreme_data_get_a_colour_range_that_maps(values, center) -> None:
    """Data up to float32's range are drawn; the default range stops at the colour limit
    (values beyond it take the end colours, the colour bar's triangles say so)."""
    w = Heatmap(values, center=center)
    lo, hi = np.float32(w.vmin), np.float32(w.vmax)
    with np.errstate(over="raise"):
        assert np.isfinite(hi - lo) and hi - lo > 0
    assert abs(w.vmin) <= _settings.COLOUR_LIMIT and abs(w.vmax) <= _settings.COLOUR_LIMIT
    rgba = w.to_rgba()
    assert (rgba[..., 3] == 255).all()
    if values == [[3e38, -3e38]]:
        lut = w.to_rgba()[0]
        assert tuple(lut[0]) != tuple(lut[1])  # the two ends, not one middle colour
