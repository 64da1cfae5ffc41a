"""The :class:`Heatmap` widget: traits, their validation, public methods.

The class wires; the logic its observers and handlers call lives by concern: the state
derived from the matrix for the front end in :mod:`tokenheat._sync`, the messages from
the front end in :mod:`tokenheat._requests`, settings checked against the matrix's shape
in :mod:`tokenheat._shape_checks`, the matrix itself in :mod:`tokenheat._panels`. Two
groups of its methods live beside it: the observers, requests and callbacks that face the
views in the browser (:mod:`tokenheat._widget_views`), and the exports and notebook output
(:mod:`tokenheat._widget_export`).
"""

from __future__ import annotations

import threading
from importlib.resources import files
from typing import Any

import anywidget
import ipywidgets
import numpy as np
import traitlets as t

from . import (
    _lazy_stack,
    _normalize,
    _panel_settings,
    _requests,
    _settings,
    _shape_checks,
    _sync,
    _tile_server,
    _xarray,
    colormaps,
)
from ._panels import Stack, coerce_stack
from ._traits import (
    Bool,
    CenterTrait,
    FocusTrait,
    LabelsTrait,
    LimitTrait,
    MatrixTrait,
    NormalizeTrait,
    PanelLabelsTrait,
    RangeTrait,
    SelectionTrait,
    SizeTrait,
    Str,
    TextTrait,
    TokensTrait,
    ViewTrait,
    checked,
)
from ._widget_export import ExportMixin
from ._widget_pacing import PacingMixin
from ._widget_reading import ReadingMixin
from ._widget_views import ViewsMixin

_STATIC = files("tokenheat") / "static"
if not _STATIC.joinpath("widget.js").is_file():
    raise ImportError(
        f"tokenheat's front-end bundle is missing ({_STATIC.joinpath('widget.js')}). "
        "In a source checkout run `npm install && npm run build` (or reinstall with "
        "`pip install -e .`, which runs the build)."
    )

# What a matrix of a new shape (view, selection) or a new panel layout (selection, focus,
# the panels' default titles) resets; given in the same update() they win.
_RESET_BY_SHAPE = ("view", "selection", "focus", "panel_labels")


def _update_order(item: tuple[str, Any]) -> int:
    return {"values": 0, "normalize": 1}.get(item[0], 2)


class Heatmap(ExportMixin, ReadingMixin, ViewsMixin, PacingMixin, anywidget.AnyWidget):
    """An interactive attribution heatmap.

    Rows are tokens (positions), columns are examples or generated tokens. The matrix is
    sent to the browser once, as float32 binary; colour settings are small synced traits,
    so changing them redraws without re-sending the data.

    Several matrices of one shape (e.g. the heads of a layer, or layers x heads) are
    drawn as small multiples ("panels") in one widget, side by side with one colour
    scale, one view (zooming one zooms all) and shared row / column labels; the single
    heatmap is the case of one panel.

    Parameters
    ----------
    values : array-like
        Real numbers, shape ``(rows, cols)`` for one heatmap, ``(panels, rows, cols)``
        for a row of panels (wrapped to fit), ``(grid_rows, grid_cols, rows, cols)`` for
        a grid of panels, or a list of 2-D arrays for a row of panels that may differ in
        shape (padded with NaN at the bottom and right; the tooltip says "padding").
        A numpy array, nested lists, a CPU torch tensor, a pandas DataFrame, anything
        with ``__array__``. NaN means "no value" (e.g. padding).
        The widget keeps a snapshot: later changes to your array are not shown.
    row_labels, column_labels : sequence of str, or one per panel, optional
        One label per row / column, shared by all panels. Default: a DataFrame's index /
        columns, else indices. With several panels (3-D or 4-D values, or a list of 2-D
        arrays), also one sequence of str per panel (in panel order, ``grid_row *
        grid_cols + grid_col`` for a grid), each as long as that panel's own rows /
        columns (or the padded length: padding gets no label), e.g. one sequence's tokens
        per panel; every panel then shows its own labels beside and under it.
    tokens : array-like of str, optional
        Text shown inside each cell (when it fits) and in the tooltip: 2-D
        ``(rows, cols)``, the same for every panel, or the shape of ``values`` (one per
        cell of every panel).
    panel_labels : optional
        Titles of the panels: one str per panel for a row of panels, a pair
        ``(grid_row_labels, grid_col_labels)`` for a grid. Default: panel numbers.
    normalize : {None, "row", "column", "panel"}
        Divide each row / column / whole panel (of each panel) by its own largest
        ``|value|``, keeping the sign, so the colours compare the shapes of the
        patterns, not their magnitudes (every unit then reaches ±1). Default None:
        the values as they are. Tooltips still show the values given.
    focus : int or (int, int), optional
        The panel shown alone (its number, or ``(grid_row, grid_col)`` for a grid);
        default None shows every panel.
    vmin, vmax : float, optional
        Colour range. Default: symmetric about ``center``, ``center ± max|values - center|``.
    center : float or None
        Centre of the diverging scale (default 0). ``None`` gives a linear scale.
    cmap : str
        Colour map name, see :func:`tokenheat.colormaps.available`. Default ``"RdYlGn"``.
    title, colorbar_title : str
        Text above the plot and beside the colour bar.
    nan_color : str
        Hex colour for NaN cells.
    width, height : int, optional
        Size in CSS pixels; default fills the cell width with a height from the aspect.
    show_whitespace : bool
        Draw whitespace in tokens as glyphs (space ␣, newline ↵, tab ⇥), so that a
        space token is not an empty cell; also labels made only of whitespace.
    static_png : bool
        Add a PNG rendering to the output, for hosts that cannot run the widget.

    Examples
    --------
    >>> import numpy as np
    >>> from tokenheat import Heatmap
    >>> w = Heatmap(np.array([[0.5, -1.0], [0.25, 0.0]]), row_labels=["a", "b"],
    ...             column_labels=["x", "y"], colorbar_title="Attribution")
    >>> w.vmin, w.vmax
    (-1.0, 1.0)
    >>> w.cmap = "RdBu"          # redraws in the browser; the matrix is not re-sent
    >>> heads = Heatmap(np.random.default_rng(0).normal(size=(4, 5, 6)),
    ...                 panel_labels=["h0", "h1", "h2", "h3"], normalize="panel")
    >>> heads.shape, heads.panel_layout
    ((5, 6), (4,))
    """

    _esm = _STATIC / "widget.js"

    values = MatrixTrait()
    """The matrix: a read-only snapshot of what was passed, taken when it was assigned
    (changing your array afterwards changes nothing shown or exported; assign it again).
    A 2-D matrix in the dtype given, or float32 above 2**24 cells. Panels: the stack in
    the layout given, ``(panels, rows, cols)`` (a 3-D input or a list of 2-D arrays,
    padded with NaN) or ``(grid_rows, grid_cols, rows, cols)``, as float64 when float32
    would change some value and the stack is at most 2**24 cells, else float32.
    Assigning redraws."""
    tokens = TokensTrait(None)
    """Per-cell token text, a read-only object array of str, ``(rows, cols)`` (shared by
    the panels) or the shape of ``values``; or None."""
    panel_labels = PanelLabelsTrait().tag(sync=True)
    """Titles of the panels: ``[]`` for a single heatmap, a list of str (one per panel)
    for a row of panels, a pair ``(grid_row_labels, grid_col_labels)`` for a grid. Set
    None for the default, the panel numbers. Default titles follow new values."""
    normalize = NormalizeTrait(None).tag(sync=True)
    """None (default), "row", "column" or "panel": divide each row / column / panel (of
    each panel) by its own largest ``|value|`` (sign kept; a unit of zeros or NaN stays
    as it is), so colours compare the shapes of the patterns, not their magnitudes.
    Exports and :meth:`to_rgba` show the normalised colours, tooltips the values given.
    Colour-range ends at their default move to the new default."""
    focus = FocusTrait(None).tag(sync=True)
    """The panel shown alone: its number (a row of panels) or ``(grid_row, grid_col)``
    (a grid); None (default) shows all. A new panel layout resets it."""

    row_labels = LabelsTrait("row").tag(sync=True)
    """The row labels: one per row, shared by the panels (list of str); or, for several
    panels, each panel's own (list of lists of str, one list per panel in panel order,
    each as long as the panel's own rows: padding has none; a list given at the padded
    length is kept cut to the panel's own). Default: a DataFrame's index, else indices.

    >>> import numpy as np
    >>> w = Heatmap([np.zeros((2, 3)), np.zeros((3, 3))],
    ...             row_labels=[["the", "cat"], ["a", "big", "dog"]])
    >>> w.row_labels
    [['the', 'cat'], ['a', 'big', 'dog']]
    """
    column_labels = LabelsTrait("column").tag(sync=True)
    """The column labels: one per column, shared by the panels (list of str); or, for
    several panels, each panel's own (list of lists of str, one per panel, each as long
    as the panel's own columns), as :attr:`row_labels`. Default: a DataFrame's columns,
    else indices."""
    vmin = LimitTrait(None).tag(sync=True)
    """Lower end of the colour range (float). Set None to go back to the default."""
    vmax = LimitTrait(None).tag(sync=True)
    """Upper end of the colour range (float). Set None to go back to the default."""
    center = CenterTrait(0.0).tag(sync=True)
    """Centre of the diverging colour scale (float, default 0.0), or None for linear."""
    cmap = Str("RdYlGn").tag(sync=True)
    """Colour map name (str, default "RdYlGn"); ``_r`` suffix reverses it."""
    nan_color = Str("#bdbdbd").tag(sync=True)
    """Colour of NaN ("no value") cells, hex (str, default "#bdbdbd")."""
    title = TextTrait("").tag(sync=True)
    """Title above the plot (str, default "")."""
    colorbar_title = TextTrait("").tag(sync=True)
    """Title of the colour bar (str, default "")."""
    width = SizeTrait(None).tag(sync=True)
    """Widget width in CSS pixels (int from 50 to 4096) or None to fill the output cell."""
    height = SizeTrait(None).tag(sync=True)
    """Widget height in CSS pixels (int from 50 to 4096) or None for a height from the
    matrix aspect."""
    show_whitespace = Bool(True).tag(sync=True)
    """Show whitespace in tokens (and in labels made only of whitespace) as visible
    glyphs: space ␣, newline ↵, tab ⇥, no-break space ⍽ (bool, default True)."""
    static_png = Bool(True)
    """Whether the output also carries a PNG of the view for hosts without widgets
    (nbconvert, GitHub, a notebook reopened without widget state): the figure as
    :meth:`to_png` draws it, at most 1 MiB (bool, default True)."""

    # Interaction state, synced both ways (docs/architecture.md).
    view = ViewTrait(None).tag(sync=True)
    """Visible window ``(row_start, row_stop, col_start, col_stop)`` in matrix coordinates
    (floats; cell ``(r, c)`` spans ``[r, r+1) x [c, c+1)``). Updated when a zoom or pan in
    the browser settles; set it to zoom there, or None (or :meth:`reset_view`) for all."""
    selection = SelectionTrait(None).tag(sync=True)
    """Selected cell ``{"row": i, "col": j}``, row ``{"row": i}``, column ``{"col": j}``,
    or None. With several panels each also names its panel, ``"panel": p`` (a row of
    panels) or ``"panel": (i, j)`` (a grid). Set by clicks and arrow keys in the browser,
    or from Python."""
    symmetric = Bool(True).tag(sync=True)
    """Keep ``vmin = 2*center - vmax`` while dragging a colour-range handle (bool)."""
    color_range = RangeTrait((-1.0, 1.0)).tag(sync=True)
    """``(vmin, vmax)`` as one pair, always equal to them; link sliders to it."""

    # Derived state for the front end (see docs/architecture.md).
    _shape = t.List(t.Int(), [1, 1]).tag(sync=True)
    _values = t.Any(b"").tag(sync=True)
    _exact = t.Any(b"").tag(sync=True)
    _exact_available = t.Bool(False).tag(sync=True)
    # Rows and columns per cell of `_values`: [1, 1] when the matrix is sent whole, else
    # the block of the overview of a big matrix (see _data.SEND_CELLS and "Big matrices"
    # in docs/architecture.md).
    _block = t.List(t.Int(), [1, 1]).tag(sync=True)
    # [] when a tile may come in any block; a pyramid's level factors (finest first) when
    # a tile asked for a block comes in the finest of them at least as coarse
    _tile_blocks = t.List(t.List(t.Int()), []).tag(sync=True)
    # 0 when a tile is the window a view asks for; else tiles are fixed squares of this
    # many cells of a level's (tokenheat._tiles), asked for by their places
    _tile_side = t.Int(0).tag(sync=True)
    # A source read in the background (tokenheat._source_levels): its rows read so far
    # (-1: all, or none pending) and why the pass stopped ("" if it did not)
    _rows_read = t.Int(-1).tag(sync=True)
    _read_error = t.Unicode("").tag(sync=True)
    # the range drawn: of the values, or of the normalised ones (see `normalize`)
    _data_range = t.List(t.Float(), None, allow_none=True).tag(sync=True)
    _tokens = t.List(t.Unicode()).tag(sync=True)
    # Panels (docs/architecture.md): [] a single heatmap, [P] a row, [gr, gc] a grid.
    _panels = t.List(t.Int(), []).tag(sync=True)
    # [] when no panel is padded, else every panel's own [rows, cols]
    _panel_shapes = t.List(t.List(t.Int()), []).tag(sync=True)
    # float32 normalisation divisors: P*rows per row, P*cols per column, P per panel
    _norms = t.Any(b"").tag(sync=True)
    # the data range drawn in each mode: {"none"|"row"|"column"|"panel": [lo, hi] | None}
    _norm_ranges = t.Dict({}).tag(sync=True)
    _luts = t.Dict(
        {name: colormaps.get_lut(name).tobytes() for name in colormaps.base_names()}
    ).tag(sync=True)

    def __init__(
        self,
        values: Any,
        row_labels: Any = None,
        column_labels: Any = None,
        tokens: Any = None,
        *,
        vmin: float | None = None,
        vmax: float | None = None,
        center: float | None = 0.0,
        cmap: str = "RdYlGn",
        title: str = "",
        colorbar_title: str = "",
        nan_color: str = "#bdbdbd",
        width: int | None = None,
        height: int | None = None,
        show_whitespace: bool = True,
        static_png: bool = True,
        panel_labels: Any = None,
        normalize: str | None = None,
        focus: Any = None,
    ) -> None:
        self._matrix: Stack | None = None
        self._pending_matrix: Stack | None = None
        self._sent_mode: str | None = None  # the `normalize` the sent overview follows
        self._tiles = _tile_server.TileServer()  # a pyramid's tiles, read off the kernel's thread
        self._read_shown = 0.0  # when the rows read in the background were last sent
        self._read_lock = threading.Lock()
        self._read_timer: threading.Timer | None = None  # sends what came in since
        self._rows_sent = 0  # overview rows sent to the views in `rows` messages
        self._watchers: set[str] = set()  # views showing a source read in the background
        # The default colour range is computed here, before the traits exist, so that
        # the first state sent to the browser is complete.
        matrix = checked(coerce_stack)(values)
        if _xarray.is_data_array(values):  # its name and attributes title the plot
            title = title or _xarray.title(values)
            colorbar_title = colorbar_title or _xarray.colorbar_title(values)
        self._pending_matrix = matrix
        if center is not None:
            center = checked(_settings.coerce_limit)(center, name="center")
        normalize = checked(_normalize.coerce_normalize)(normalize)
        self._auto_range = _settings.auto_range(matrix.ranges[normalize], center)
        limits = {
            side: self._auto_range[i] if given is None else given
            for i, (side, given) in enumerate(zip(_sync.SIDES, (vmin, vmax), strict=True))
        }
        labels = {
            "row_labels": row_labels,
            "column_labels": column_labels,
            "panel_labels": panel_labels,
        }
        super().__init__(
            values=matrix.array,
            normalize=normalize,
            **{name: value for name, value in labels.items() if value is not None},
            focus=focus,
            tokens=tokens,
            **limits,
            center=center,
            cmap=cmap,
            title=title,
            colorbar_title=colorbar_title,
            nan_color=nan_color,
            width=width,
            height=height,
            show_whitespace=show_whitespace,
            static_png=static_png,
        )
        self._select_callbacks = ipywidgets.CallbackDispatcher()
        self._captures = _requests.Captures()
        self.on_msg(self._handle_request)

    # ----------------------------------------------------------------- public API
    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, cols)`` of the matrix (of one panel, the largest when padded)."""
        _, rows, cols = self._matrix_for(self.values).f32.shape
        return (rows, cols)

    @property
    def panel_layout(self) -> tuple[int, ...]:
        """How the panels are arranged: ``()`` a single heatmap, ``(P,)`` a row of ``P``
        panels (wrapped to fit), ``(grid_rows, grid_cols)`` a grid.

        >>> import numpy as np
        >>> Heatmap(np.zeros((2, 3, 4, 5))).panel_layout
        (2, 3)
        """
        return self._matrix_for(self.values).layout

    def update(self, **settings: Any) -> Heatmap:
        """Change several settings at once, atomically.

        Use it to change ``values`` together with labels or tokens of a new shape, or
        ``vmin`` and ``vmax`` together. Either every setting is applied or, if one is
        invalid, none is and the error is raised. ``values`` is applied first and the
        others are checked against it; new values of another shape reset the view and
        the selection, of another panel layout also ``focus`` and default
        ``panel_labels``, unless they are given in the same call.

        Examples
        --------
        >>> import numpy as np
        >>> w = Heatmap(np.zeros((2, 2)), row_labels=["a", "b"])
        >>> _ = w.update(values=np.ones((3, 2)), row_labels=["a", "b", "c"])
        >>> _ = w.update(vmin=-2, vmax=5)
        """
        settable = self._settable()
        unknown = sorted(set(settings) - settable)
        if unknown:
            raise TypeError(
                f"update() got unknown setting(s) {', '.join(unknown)}; "
                f"settable: {', '.join(sorted(settable))}"
            )
        try:
            with self.hold_sync():
                with self.hold_trait_notifications():
                    # the matrix first: the other settings are checked against it; then
                    # the normalisation, which the default colour range depends on
                    for name, value in sorted(settings.items(), key=_update_order):
                        setattr(self, name, value)
                # A new shape resets the view and the selection when the notifications
                # run; ones given in the same call are meant for the new matrix (they
                # were validated against it above), so they win.
                for name in _RESET_BY_SHAPE:
                    if name in settings:
                        setattr(self, name, settings[name])
        finally:
            self._pending_matrix = None  # a rejected matrix must not stay in memory
        return self

    def set_range(self, vmin: float | None, vmax: float | None) -> Heatmap:
        """Set the colour range in one step (``None`` means the default for that end).

        Examples
        --------
        >>> import numpy as np
        >>> Heatmap(np.eye(2)).set_range(0.5, 2).vmax
        2.0
        """
        return self.update(vmin=vmin, vmax=vmax)

    def reset_view(self) -> Heatmap:
        """Show the whole matrix again (same as ``w.view = None``)."""
        self.view = None
        return self

    @classmethod
    def _settable(cls) -> set[str]:
        own = set(cls.class_trait_names()) - set(anywidget.AnyWidget.class_trait_names())
        return {name for name in own if not name.startswith("_")}

    # ------------------------------------------------------------ validation
    def _matrix_for(self, array: np.ndarray) -> Stack:
        for m in (self._pending_matrix, self._matrix):
            if m is not None and m.array is array:
                return m
        raise AssertionError("values was set without going through its trait")

    @t.default("panel_labels")
    def _default_panel_labels(self) -> list[str] | tuple[list[str], list[str]]:
        names = self._matrix_for(self.values).panel_names
        return _panel_settings.coerce_panel_labels(names, self.panel_layout)

    @t.validate("values")
    @checked
    def _check_values(self, proposal: dict[str, Any]) -> np.ndarray:
        stack = self._matrix_for(proposal["value"])
        _lazy_stack.check_normalize(stack.f32, self.normalize)
        _shape_checks.check_new_values(
            stack, self._matrix, self.row_labels, self.column_labels, self.tokens
        )
        _shape_checks.check_new_layout(stack, self._matrix, self.panel_labels)
        return proposal["value"]

    @t.validate("row_labels", "column_labels")
    @checked
    def _check_labels(self, proposal: dict[str, Any]) -> list[Any]:
        name, labels = proposal["trait"].name, proposal["value"]
        return _shape_checks.check_labels(name, labels, self._matrix_for(self.values))

    @t.validate("tokens")
    @checked
    def _check_tokens(self, proposal: dict[str, Any]) -> np.ndarray | None:
        _shape_checks.check_tokens(self._matrix_for(self.values), proposal["value"])
        return proposal["value"]

    def _default_limit(self, side: str) -> float:
        drawn = self._matrix_for(self.values).ranges[self.normalize]
        return _settings.auto_range(drawn, self.center)[_sync.SIDES.index(side)]

    @t.validate("vmin", "vmax")
    @checked
    def _check_limit(self, proposal: dict[str, Any]) -> float:
        side = proposal["trait"].name
        value = proposal["value"]
        other_side = "vmax" if side == "vmin" else "vmin"
        other = getattr(self, other_side)
        if other is None:
            other = self._default_limit(other_side)
        lo, hi = (value, other) if side == "vmin" else (other, value)
        if not lo < hi:
            raise ValueError(
                f"vmin must be less than vmax, got vmin={lo} and vmax={hi}"
                + ("; use w.set_range(vmin, vmax) to change both at once" if lo != hi else "")
            )
        _settings.check_range(lo, hi, "the colour range")
        return value

    @t.validate("cmap")
    @checked
    def _check_cmap(self, proposal: dict[str, Any]) -> str:
        return colormaps.check_name(proposal["value"])

    @t.validate("nan_color")
    @checked
    def _check_nan_color(self, proposal: dict[str, Any]) -> str:
        r, g, b = colormaps.parse_hex_color(proposal["value"], name="nan_color")
        return f"#{r:02x}{g:02x}{b:02x}"
