"""Writing export files safely: whole or not at all, with the mode the file would get
from ``open()``, to a symbolic link's target, and only ever a regular file; and the
format ``save()`` writes, from the suffix or the argument.

Errors name the path the user gave, never the hidden temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import uuid
from pathlib import Path


def user_path(path: object) -> Path:
    """``path`` as given to ``save()``: a str or ``os.PathLike`` of str, no NUL
    character, ``~`` expanded."""
    if not isinstance(path, (str, os.PathLike)) or not isinstance(os.fspath(path), str):
        raise TypeError(
            f"path must be a str or pathlib.Path, got {type(path).__name__} {path!r:.60}"
        )
    text = os.fspath(path)
    if "\0" in text:
        raise ValueError(f"path must not contain a NUL character, got {text!r:.80}")
    return Path(os.path.expanduser(text))


def save_format(target: Path, format: object) -> str:
    """The format ``save()`` writes: ``format`` ("png", "svg" or "html", any case), else
    the suffix of ``target`` (".htm" is HTML).

    Examples
    --------
    >>> save_format(Path("fig.HTM"), None), save_format(Path("fig"), "SVG")
    ('html', 'svg')
    """
    if format is not None and not isinstance(format, str):
        raise TypeError(
            f"format must be 'png', 'svg', 'html' or None, got {type(format).__name__} "
            f"{format!r:.40}"
        )
    fmt = (format or target.suffix.lstrip(".")).lower()
    if fmt == "htm":
        fmt = "html"
    if fmt not in ("png", "svg", "html"):
        raise ValueError(
            f"cannot tell the format of {str(target)!r}: use a .png, .svg or .html suffix "
            f"or format='png'/'svg'/'html' (got {fmt or 'no suffix'!r})"
        )
    return fmt


def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file beside it, renamed into place.

    - A new file gets the mode ``open()`` would give it (``0o666`` less the umask); a
      file that is replaced keeps its mode (and, where allowed, its owner and group).
    - A symbolic link is followed: its target is written and the link stays.
    - A folder, a device, a FIFO or a socket at ``path`` is refused, and so is a
      read-only file; a missing folder, or a file where a folder should be, is named.

    Returns the path written (a link's target).

    >>> import tempfile
    >>> out = write_atomic(Path(tempfile.mkdtemp()) / "a.txt", b"hello")
    >>> out.read_bytes()
    b'hello'
    """
    given = os.fspath(path)
    target = _resolve(given)
    existing = _existing(given, target)
    folder = target.parent
    # a name as long as the folder allows must still leave room for the temporary one's
    tmp = folder / f".{target.name[:64]}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        # 0o666 like open(): the kernel takes the umask off, so a new file gets the
        # caller's usual mode without reading (and briefly changing) the process umask
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise _named(exc, given, f"cannot create a file in the folder {str(folder)!r}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            if existing is not None:
                os.chmod(out.fileno(), stat.S_IMODE(existing.st_mode))
                _keep_owner(out.fileno(), existing)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _named(exc, given, "could not write it") from None
        raise
    return target


def check_target(path: str | os.PathLike) -> None:
    """Raise the error :func:`write_atomic` would for ``path``, before any work is done
    to make the data."""
    given = os.fspath(path)
    _existing(given, _resolve(given))


def _resolve(given: str) -> Path:
    """``given``, or the file a symbolic link there points to (through any chain)."""
    return Path(os.path.realpath(given)) if os.path.islink(given) else Path(given)


def _existing(given: str, target: Path) -> os.stat_result | None:
    """What is at ``target`` now (None when nothing is), refusing what cannot be replaced
    by a written file."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        _check_folder(given, target.parent)
        return None
    except NotADirectoryError:
        _check_folder(given, target.parent)
        raise  # pragma: no cover - _check_folder names the file in the way
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            message = f"cannot save to {given!r}: it is a symbolic link loop"
            raise OSError(exc.errno, message) from None
        raise _named(exc, given, "cannot look at it") from None
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, f"{given!r} is a directory; give a file name")
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(
            f"cannot save to {given!r}: it is {_kind(st.st_mode)}, not a regular file; "
            "tokenheat writes only regular files (give a file name)"
        )
    if not os.access(target, os.W_OK):
        raise PermissionError(
            errno.EACCES, f"cannot save to {given!r}: the file exists and is read-only"
        )
    return st


def _check_folder(given: str, folder: Path) -> None:
    """Name the part of ``folder`` that is missing or is a file."""
    if folder.is_dir():
        return
    for part in [folder, *folder.parents]:
        if part.is_dir():
            break
        if part.exists():
            raise NotADirectoryError(
                errno.ENOTDIR,
                f"cannot save to {given!r}: {str(part)!r} is a file, not a folder",
            )
    raise FileNotFoundError(errno.ENOENT, f"the folder {str(folder)!r} does not exist")


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"  # pragma: no cover - every kind os.stat gives is above


def _keep_owner(fd: int, existing: os.stat_result) -> None:
    """Give the new file the old one's owner and group where allowed (as root, or a
    group the user is in); elsewhere it is the user's, as any rewritten file is."""
    if not hasattr(os, "fchown"):  # pragma: no cover - Windows
        return
    try:
        os.fchown(fd, existing.st_uid, existing.st_gid)
    except PermissionError:
        with contextlib.suppress(PermissionError):
            os.fchown(fd, -1, existing.st_gid)


def _named(exc: OSError, given: str, what: str) -> OSError:
    """``exc`` again, of the same type, saying which of the user's paths it is about."""
    reason = exc.strerror or str(exc)
    return type(exc)(exc.errno, f"cannot save to {given!r}: {what}: {reason}")
