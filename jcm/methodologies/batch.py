"""Columnar input for vectorized calculations: validation with row numbers, and hashing.

Researchers who script calculations over many parcels hand over columns (a mapping of
equal-length arrays, or a pandas DataFrame) instead of a list of objects. These helpers turn each
column into a float64 array or integer category codes, checking lengths, finiteness, ranges and
category names; an error names the column and the first bad row::

    >>> cols = Columns({"area": [1.0, -2.0]})
    >>> cols.number("area", QuantitySpec("ha", gt=0))
    Traceback (most recent call last):
    ...
    jcm.errors.InvalidValueError: area[1]: -2.0 is invalid: must be a finite number > 0 [ha]

pandas is optional at run time (the extra ``pandas``): a DataFrame given as input is recognised by
its ``columns`` and ``to_numpy`` without importing pandas, and pandas is imported only to hand
results out as a DataFrame (:func:`data_frame`, ``BatchResult.to_frame()``).
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from jcm.errors import InvalidValueError, MethodologyError
from jcm.methodologies.protocol import FloatArray
from jcm.units import QuantitySpec

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BLOCK_ROWS", "Columns", "blocks", "columns_sha256", "data_frame"]

BLOCK_ROWS: Final = 65536
"""Rows per block of the blocked loops: small enough that a block's temporaries stay in cache."""


def data_frame(
    columns: Mapping[str, npt.NDArray[Any]], *, metadata: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """A pandas DataFrame of equal-length ``columns`` (in order), one row per element.

    Parameters
    ----------
    columns
        Column name to a one-dimensional array; the arrays are copied into the frame.
    metadata
        Stored in ``DataFrame.attrs`` (pandas' own place for metadata of a frame).

    Raises
    ------
    jcm.errors.MethodologyError
        With the code ``MISSING_OPTIONAL_DEPENDENCY`` when pandas is not installed; the message
        says how to install it (``pip install 'jcm-engine[pandas]'``).
    """
    try:
        import pandas as pd  # noqa: PLC0415 - optional, imported only when a frame is asked for
    except ImportError as exc:
        raise MethodologyError(
            "pandas is not installed: a DataFrame needs it (pip install 'jcm-engine[pandas]'); "
            "the columns are available as numpy arrays without it",
            code="MISSING_OPTIONAL_DEPENDENCY",
            field="pandas",
            rule="the extra 'pandas' of jcm-engine",
        ) from exc
    frame = pd.DataFrame(dict(columns))  # pandas copies the arrays of a dict
    frame.index.name = "row"
    frame.attrs.update(metadata or {})
    return frame


def blocks(length: int, size: int = BLOCK_ROWS) -> Iterator[slice]:
    """Consecutive slices of at most ``size`` rows covering ``range(length)``."""
    for start in range(0, length, size):
        yield slice(start, min(start + size, length))


def _as_mapping(columns: Any) -> Mapping[str, Any]:
    if isinstance(columns, Mapping):
        return columns
    if hasattr(columns, "columns") and hasattr(columns, "to_numpy"):  # a pandas DataFrame
        return {str(name): columns[name] for name in columns.columns}
    raise InvalidValueError(
        "columns", type(columns).__name__, "must be a mapping of equal-length arrays or a DataFrame"
    )


def _raw_array(value: Any) -> npt.NDArray[Any]:
    if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray):
        return np.asarray(value.to_numpy())
    return np.asarray(value)


class Columns:
    """Validated access to the columns of a batch (one column per input field of a row).

    Parameters
    ----------
    columns
        A mapping of column name to a one-dimensional array-like, or a pandas DataFrame.
    """

    __slots__ = ("_columns", "_used", "length")

    def __init__(self, columns: Any) -> None:
        self._columns = _as_mapping(columns)
        self._used: set[str] = set()
        lengths: dict[str, int] = {}
        for name, value in self._columns.items():
            shape = getattr(value, "shape", None)
            if not isinstance(shape, tuple):  # a list or another sequence
                shape = _raw_array(value).shape
            if len(shape) != 1:
                raise InvalidValueError(name, f"shape {shape}", "must be a one-dimensional column")
            lengths[name] = int(shape[0])
        counts = Counter(lengths.values())
        self.length: int = counts.most_common(1)[0][0] if counts else 0
        """Number of rows (that of most columns)."""
        for name, n in lengths.items():
            if n != self.length:
                raise InvalidValueError(
                    name,
                    f"{n} rows",
                    f"must have as many rows as the other columns ({self.length})",
                )

    def __contains__(self, name: str) -> bool:
        return name in self._columns

    def _get(self, name: str) -> Any:
        self._used.add(name)
        try:
            return self._columns[name]
        except KeyError:
            raise InvalidValueError(name, None, "required column is missing") from None

    def number(self, name: str, spec: QuantitySpec, *, default: float | None = None) -> FloatArray:
        """Column ``name`` as float64, checked against ``spec`` (finite, bounds, integer).

        A missing column takes ``default`` for every row, or is an error when there is none.
        """
        if name not in self._columns and default is not None:
            return np.full(self.length, float(default))
        raw = _raw_array(self._get(name))
        if raw.dtype.kind == "b" or raw.dtype.kind not in "iuf":
            if raw.dtype.kind == "O":
                try:
                    arr = raw.astype(np.float64)
                except (TypeError, ValueError):
                    arr = None
                if arr is not None and all(
                    isinstance(v, int | float) and not isinstance(v, bool) for v in raw.tolist()
                ):
                    return self._checked(name, arr, spec)
            bad = 0
            values = raw.tolist()
            for i, v in enumerate(values):
                if isinstance(v, bool) or not isinstance(v, int | float):
                    bad = i
                    break
            raise InvalidValueError(
                f"{name}[{bad}]", values[bad] if values else None, f"must be {spec.describe()}"
            )
        return self._checked(name, raw.astype(np.float64, copy=False), spec)

    def _checked(self, name: str, arr: FloatArray, spec: QuantitySpec) -> FloatArray:
        if arr.shape[0] and not spec.integer:
            # Fast path: the least and the greatest value decide (NaN propagates into both; an
            # infinity is their bound). The row loop below runs only to find the first bad row.
            low, high = float(arr.min()), float(arr.max())
            if (
                math.isfinite(low)
                and math.isfinite(high)
                and (spec.ge is None or low >= spec.ge)
                and (spec.gt is None or low > spec.gt)
                and (spec.le is None or high <= spec.le)
                and (spec.lt is None or high < spec.lt)
            ):
                return arr
        bounded = (spec.le is not None or spec.lt is not None) and (
            spec.ge is not None or spec.gt is not None
        )
        for block in blocks(arr.shape[0]):
            part = arr[block]
            # NaN fails every comparison and an infinity fails the bound on its side, so a
            # column bounded on both sides needs no separate finiteness test.
            ok = np.ones(part.shape[0], dtype=bool) if bounded else np.isfinite(part)
            if spec.ge is not None:
                ok &= part >= spec.ge
            if spec.gt is not None:
                ok &= part > spec.gt
            if spec.le is not None:
                ok &= part <= spec.le
            if spec.lt is not None:
                ok &= part < spec.lt
            if spec.integer:
                ok &= np.floor(part) == part
            if not bool(ok.all()):
                row = int(block.start + np.argmin(ok))
                value = float(arr[row])
                rule = f"must be {spec.describe()}"
                if spec.unit == "1" and spec.le == 1 and value > 1:
                    rule += " (a fraction, not a percentage: write 0.55, not 55)"
                raise InvalidValueError(f"{name}[{row}]", value, rule)
        return arr

    def category(
        self, name: str, categories: Sequence[str], *, default: str | None = None
    ) -> npt.NDArray[np.int8]:
        """Column ``name`` as codes into ``categories`` (text values, or a pandas Categorical).

        Only values equal to a category are accepted. A numpy text column is coded in one pass
        (a look-up of a few characters per row, then an exact comparison of the whole row with
        the category found); an object column through a dictionary; a Categorical through its
        categories. A missing column takes ``default`` for every row, or is an error when there
        is none.
        """
        if name not in self._columns and default is not None:
            return np.full(self.length, categories.index(default), dtype=np.int8)
        value = self._get(name)
        allowed = ", ".join(repr(c) for c in categories)
        cat = getattr(value, "cat", None)
        if cat is not None:  # pandas categorical Series: map its categories once
            names = [str(c) for c in cat.categories]
            mapping = [categories.index(c) if c in categories else -1 for c in names]
            codes: npt.NDArray[np.integer[Any]] = cat.codes.to_numpy()
            out: npt.NDArray[np.int8]
            if codes.dtype == np.int8:  # up to 127 categories: index a table by the code's byte
                table = np.full(256, -1, dtype=np.int8)
                table[: len(mapping)] = mapping  # code -1 (missing) is byte 255: -1
                out = np.empty(codes.shape[0], dtype=np.int8)
                as_bytes = codes.view(np.uint8)
                for block in blocks(codes.shape[0]):
                    table.take(as_bytes[block], mode="clip", out=out[block])
            else:  # code -1 (missing) wraps round to the last entry
                out = np.array([*mapping, -1], dtype=np.int8).take(codes, mode="wrap")
        else:
            out = _category_codes(_raw_array(value), tuple(categories))
        if bool((out < 0).any()):
            row = int(np.argmax(out < 0))
            bad = _raw_array(value)[row]
            raise InvalidValueError(
                f"{name}[{row}]",
                bad.item() if isinstance(bad, np.generic) else bad,
                f"must be one of {allowed}",
            )
        return out

    def check_no_unknown(self) -> None:
        """Raise naming the first column that no field read (unknown columns are errors)."""
        for name in self._columns:
            if name not in self._used:
                raise InvalidValueError(name, name, "unknown column")

    def mark_used(self, *names: str) -> None:
        """Record columns read outside :meth:`number` and :meth:`category`."""
        self._used.update(names)


# --------------------------------------------------------------------------- category codes

_CATEGORY_BLOCK_ROWS: Final = 8192
"""Rows per block when coding a text column: a block and its expected text stay in L2 cache."""


@attrs.frozen(eq=False)
class _TextPlan:
    """How to code a fixed-width text column of one width against known categories.

    The low bytes of a row's characters at ``positions`` (where they differ between the
    categories) give its candidate code through ``lut`` (-1: none); the row is then compared in
    full, word by word, with the text of that code (``words``, one row per code), so a value is
    accepted only if it equals a category exactly.
    """

    positions: tuple[int, ...]
    lut: npt.NDArray[np.int8]
    words: npt.NDArray[Any]


@functools.lru_cache(maxsize=64)
def _text_plan(categories: tuple[str, ...], itemsize: int) -> _TextPlan | None:
    """The plan for a native-order ``<U{itemsize // 4}`` column, or None if none is found."""
    width = itemsize // 4
    dtype = np.dtype(f"=U{width}")
    # A category longer than the column (or ending in NUL, which fixed-width text cannot hold)
    # cannot occur in it: leave it out, so that no truncated text can match it.
    usable = [
        code
        for code, text in enumerate(categories)
        if len(text) <= width and not text.endswith("\x00")
    ]
    padded = [categories[code] if code in usable else "" for code in range(len(categories))]
    chars = np.array(padded, dtype=dtype).view(np.uint32).reshape(len(categories), width)
    low = (chars & 0xFF).astype(np.int64)
    candidates: list[tuple[int, ...]] = [(p,) for p in range(width)]
    candidates += [(p, q) for p in range(width) for q in range(p + 1, width)]
    for positions in candidates:
        keys = _keys(low[usable], positions)
        if len(set(keys.tolist())) == len(usable):
            lut = np.full(256 ** len(positions), -1, dtype=np.int8)
            lut[keys] = usable
            word = np.uint64 if itemsize % 8 == 0 else np.uint32
            words = np.array(padded, dtype=dtype).view(word).reshape(len(categories), -1)
            return _TextPlan(positions, lut, words)
    return None


def _keys(low_bytes: npt.NDArray[Any], positions: tuple[int, ...]) -> npt.NDArray[Any]:
    """Lookup keys of rows of character low bytes: the bytes at ``positions``, base 256."""
    key = low_bytes[:, positions[0]]
    for p in positions[1:]:
        key = (key << 8) | low_bytes[:, p]
    return key


def _category_codes(raw: npt.NDArray[Any], categories: tuple[str, ...]) -> npt.NDArray[np.int8]:
    """Codes of ``raw``'s values into ``categories``, -1 where a value is none of them."""
    n = raw.shape[0]
    if raw.dtype.kind == "U" and raw.dtype.itemsize and n:
        plan = _text_plan(categories, raw.dtype.itemsize)
        if plan is not None:
            native = np.ascontiguousarray(raw, dtype=raw.dtype.newbyteorder("="))
            return _coded_text(native, plan)
    if raw.dtype.kind == "O":
        lookup = {text: code for code, text in enumerate(categories)}
        try:
            return np.array([lookup.get(v, -1) for v in raw.tolist()], dtype=np.int8)
        except TypeError:  # an unhashable value: compare one by one below
            pass
    out = np.full(n, -1, dtype=np.int8)
    if raw.dtype.kind in "UOT":
        for code, text in enumerate(categories):
            out[raw == text] = code
    return out


def _coded_text(raw: npt.NDArray[np.str_], plan: _TextPlan) -> npt.NDArray[np.int8]:
    """Codes of a contiguous native text column: one look-up and one exact comparison per row."""
    n = raw.shape[0]
    chars = raw.view(np.uint32).reshape(n, -1)
    words = raw.view(plan.words.dtype).reshape(n, -1)
    out = np.empty(n, dtype=np.int8)
    first, *rest = plan.positions
    for block in blocks(n, _CATEGORY_BLOCK_ROWS):
        key = chars[block, first] & 0xFF
        for p in rest:
            key <<= 8
            key |= chars[block, p] & 0xFF
        codes = plan.lut.take(key, mode="clip")
        out[block] = codes
        # Exact check: every row equals, word by word, the full text of the code it was given
        # (code -1 is clipped to the first category's text; such rows fail the sign test).
        same = words[block] == plan.words.take(codes, axis=0, mode="clip")
        if not (bool(same.all()) and int(codes.min()) >= 0):
            out[block][~(same.all(axis=1) & (codes >= 0))] = -1
    return out


def columns_sha256(
    prepared: Mapping[str, npt.NDArray[Any]], *, extra: Mapping[str, object] | None = None
) -> str:
    """SHA-256 (hex) identifying a batch: its prepared columns plus ``extra`` settings.

    ``prepared`` are the validated, canonical columns of a methodology's ``prepare_batch``
    (float64 in canonical units, small-int category codes); they are hashed in name order, each
    as its name, dtype and little-endian bytes, after the ``extra`` settings as ``key=repr``.
    This is the ``inputs_sha256`` of a :class:`~jcm.methodologies.result.BatchResult`; it differs
    from the canonical-JSON hash of a single calculation.
    """
    digest = hashlib.sha256()
    for key in sorted(extra or {}):
        digest.update(f"{key}={(extra or {})[key]!r}\x1e".encode())
    for name in sorted(prepared):
        arr = np.ascontiguousarray(prepared[name])
        digest.update(f"{name}\x1f{arr.dtype.newbyteorder('<').str}\x1f".encode())
        digest.update(arr.astype(arr.dtype.newbyteorder("<"), copy=False).data)
        digest.update(b"\x1e")
    return digest.hexdigest()
