"""The one ``cattrs`` converter of ``jcm``: every request, result and record to JSON and back.

Rules (``shared/design/API.md``):

* unknown keys are rejected;
* every failing field is reported at once, each with its JSON path (``$.strata[1].area``), in one
  :class:`jcm.errors.InvalidInputError`;
* a field made with :func:`jcm.units.quantity` accepts a plain number in its canonical unit or
  ``{"value": 10000000, "unit": "kWh"}`` in any convertible unit, converted exactly;
* types are strict: a bool is not a number, a string is not a list, ``5.5`` is not an integer;
* dates are ISO 8601 strings (``2025-06-01``), date-times ISO 8601 in UTC, decimals are strings
  (``"33.33"``), fractions are strings (``"250000/3"``);
* request unions are tagged by a ``"type"`` key (:func:`register_tagged_union`).

Example::

    >>> import attrs
    >>> from jcm.units import quantity
    >>> @attrs.frozen
    ... class Meter:
    ...     energy: float = quantity("MWh", ge=0)
    >>> structure({"energy": {"value": 2500, "unit": "kWh"}}, Meter)
    Meter(energy=2.5)
    >>> structure({"energy": -1, "colour": "red"}, Meter)
    Traceback (most recent call last):
    ...
    jcm.errors.InvalidInputError: 2 invalid fields: $.energy: -1 is invalid: ...

Modules that need special hooks register them on :func:`converter` at import time; nobody creates
another converter.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, override

from jcm.errors import FieldError, InvalidInputError, InvalidValueError
from jcm.units import QuantitySpec, check_quantity, convert, quantity_spec

__all__ = [
    "canonical_json",
    "converter",
    "dumps",
    "loads",
    "register_tagged_union",
    "structure",
    "unstructure",
]

T = TypeVar("T")


class _RelativeError(InvalidValueError):
    """An error raised inside a field hook; ``relative`` is appended to the cattrs path."""

    def __init__(self, relative: str, value: object, rule: str, *, code: str | None = None):
        super().__init__(relative.lstrip(".") or "value", value, rule, code=code)
        self.relative = relative


# --------------------------------------------------------------------------- primitives


def _structure_int(value: Any, _t: Any) -> int:
    if isinstance(value, bool):
        raise _RelativeError("", value, "must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise _RelativeError("", value, "must be a whole number", code="NON_INTEGER_QUANTITY")
    raise _RelativeError("", value, "must be an integer")


def _structure_float(value: Any, _t: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _RelativeError("", value, "must be a number")
    return float(value)


def _structure_str(value: Any, _t: Any) -> str:
    if not isinstance(value, str):
        raise _RelativeError("", value, "must be a string")
    return value


def _structure_bool(value: Any, _t: Any) -> bool:
    if not isinstance(value, bool):
        raise _RelativeError("", value, "must be true or false")
    return value


def _structure_date(value: Any, _t: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _RelativeError("", value, "must be an ISO 8601 date (YYYY-MM-DD)")


def _structure_datetime(value: Any, _t: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise _RelativeError(
                "", value, "must be an ISO 8601 date-time (2025-06-01T09:30:00Z)"
            ) from None
    else:
        raise _RelativeError("", value, "must be an ISO 8601 date-time (2025-06-01T09:30:00Z)")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _unstructure_datetime(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _structure_decimal(value: Any, _t: Any) -> Decimal:
    if isinstance(value, (bool, float)):
        raise _RelativeError("", value, 'must be a decimal string such as "33.33" (not a float)')
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, str):
        try:
            result = Decimal(value)
        except InvalidOperation:
            pass
        else:
            if result.is_finite():
                return result
    raise _RelativeError("", value, 'must be a decimal string such as "33.33"')


def _structure_fraction(value: Any, _t: Any) -> Fraction:
    if isinstance(value, bool):
        raise _RelativeError("", value, 'must be a fraction string such as "250000/3"')
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value)
        except (ValueError, ZeroDivisionError):
            pass
    raise _RelativeError("", value, 'must be a fraction string such as "250000/3"')


def _unstructure_fraction(value: Fraction) -> str:
    return str(value)


# --------------------------------------------------------------------------- collections


def _is_collection(t: Any) -> bool:
    return get_origin(t) in (tuple, list, frozenset, set)


def _collection_hook(t: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    origin = get_origin(t)
    args = get_args(t)
    homogeneous = origin is not tuple or (len(args) == 2 and args[1] is Ellipsis)
    item_types: tuple[Any, ...] = args[:1] if homogeneous else args

    def structure_collection(value: Any, _t: Any) -> Any:
        if not isinstance(value, (list, tuple)) and not (
            origin in (frozenset, set) and isinstance(value, (set, frozenset))
        ):
            raise _RelativeError("", value, "must be a list")
        if not homogeneous and len(value) != len(item_types):
            raise _RelativeError("", value, f"must be a list of {len(item_types)} items")
        items: list[Any] = []
        errors: list[Exception] = []
        for index, item in enumerate(value):
            item_type = item_types[0] if homogeneous else item_types[index]
            try:
                items.append(conv.structure(item, item_type))
            except Exception as exc:  # collected and re-raised below, with the index
                exc.__notes__ = [
                    *getattr(exc, "__notes__", []),
                    IterableValidationNote(f"Structuring @ index {index}", index, item_type),
                ]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {t!r}", errors, t)
        return origin(items)

    return structure_collection


# --------------------------------------------------------------------------- enums and quantities


def _enum_hook(t: type[enum.Enum], _conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    allowed = [m.value for m in t]

    def structure_enum(value: Any, _t: Any) -> enum.Enum:
        try:
            return t(value)
        except ValueError:
            raise _RelativeError(
                "", value, f"must be one of {', '.join(repr(a) for a in allowed)}"
            ) from None

    return structure_enum


def _quantity_hook(spec: QuantitySpec) -> Callable[[Any, Any], Any]:
    def structure_quantity(value: Any, _t: Any) -> float | int:
        if isinstance(value, Mapping):
            extra = set(value) - {"value", "unit"}
            if extra or "value" not in value or "unit" not in value:
                raise _RelativeError(
                    "",
                    dict(value),
                    f'must be a number in {spec.unit} or {{"value": number, "unit": text}}',
                )
            unit = value["unit"]
            raw = value["value"]
            if not isinstance(unit, str):
                raise _RelativeError(".unit", unit, "must be a unit symbol")
            if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
                raise _RelativeError(".value", raw, f"must be {spec.describe()}")
            try:
                converted: float = convert(raw, unit, spec.unit, field="value")
            except InvalidValueError as exc:
                raise _RelativeError(".unit", unit, exc.rule or str(exc)) from None
            try:
                return check_quantity(spec, "value", converted)
            except InvalidValueError as exc:
                raise _RelativeError(
                    "", {"value": raw, "unit": unit}, f"{exc.rule} (after conversion: {converted})"
                ) from None
        try:
            return check_quantity(spec, "value", value)
        except InvalidValueError as exc:
            code = exc.code
            if spec.integer and isinstance(value, float) and not value.is_integer():
                code = "NON_INTEGER_QUANTITY"
            raise _RelativeError("", value, exc.rule or str(exc), code=code) from None

    return structure_quantity


def _attrs_hook(cls: type[Any], conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    overrides: dict[str, Any] = {}
    for field in attrs.fields(cls):
        spec = quantity_spec(field)
        if spec is not None:
            overrides[field.name] = override(struct_hook=_quantity_hook(spec))
    inner = make_dict_structure_fn(cls, conv, **overrides)

    def structure_attrs(value: Any, t: Any) -> Any:
        if not isinstance(value, Mapping):
            if isinstance(value, cls):
                return value
            raise _RelativeError("", value, "must be a JSON object")
        return inner(value, t)

    return structure_attrs


def _is_set(t: Any) -> bool:
    return t in (set, frozenset) or get_origin(t) in (set, frozenset)


def _set_unstructure_hook(_t: Any, conv: cattrs.Converter) -> Callable[[Any], Any]:
    def unstructure_set(value: Any) -> list[Any]:
        # a JSON list in a deterministic order (sets have none)
        items = [conv.unstructure(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, default=str))

    return unstructure_set


# --------------------------------------------------------------------------- the converter


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_structure_hook(dt.datetime, _structure_datetime)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_structure_hook(Fraction, _structure_fraction)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_unstructure_hook(dt.datetime, _unstructure_datetime)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_unstructure_hook(Fraction, _unstructure_fraction)
    conv.register_structure_hook_factory(_is_collection, _collection_hook)
    conv.register_structure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_hook
    )
    conv.register_structure_hook_factory(attrs.has, _attrs_hook)
    conv.register_unstructure_hook_factory(_is_set, _set_unstructure_hook)
    return conv


_CONVERTER = _make_converter()


def converter() -> cattrs.Converter:
    """The one converter, for modules and plugins that register hooks for their own types."""
    return _CONVERTER


def register_tagged_union(
    union: Any, tags: Mapping[type[Any], str], *, tag_name: str = "type"
) -> None:
    """Make ``union`` (a ``Union`` of attrs classes) structure by its ``tag_name`` key.

    ``tags`` maps each class to its tag (``{TransferRequest: "transfer"}``). An unknown or missing
    tag is an error naming ``$.type`` and listing the known tags.
    """
    by_tag = {tag: cls for cls, tag in tags.items()}
    known = ", ".join(sorted(by_tag))

    def structure_union(value: Any, _t: Any) -> Any:
        if isinstance(value, tuple(tags)):
            return value
        if not isinstance(value, Mapping):
            raise _RelativeError("", value, "must be a JSON object")
        tag = value.get(tag_name)
        cls = by_tag.get(tag) if isinstance(tag, str) else None
        if cls is None:
            raise _RelativeError(f".{tag_name}", tag, f"must be one of: {known}")
        body = {k: v for k, v in value.items() if k != tag_name}
        return _CONVERTER.structure(body, cls)

    _CONVERTER.register_structure_hook(union, structure_union)
    for cls, tag in tags.items():
        _CONVERTER.register_unstructure_hook(cls, _member_unstructurer(cls, tag, tag_name))


def _member_unstructurer(cls: type[Any], tag: str, tag_name: str) -> Callable[[Any], Any]:
    plain = _CONVERTER.gen_unstructure_attrs_fromdict(cls)

    def unstructure_member(obj: Any) -> Any:
        return {tag_name: tag, **plain(obj)}

    return unstructure_member


# --------------------------------------------------------------------------- errors with paths


def _walk(exc: BaseException, path: str) -> Iterator[FieldError]:
    if isinstance(exc, ForbiddenExtraKeysError):
        for key in sorted(exc.extra_fields):
            yield FieldError(f"{path}.{key}", key, "unknown key", "UNKNOWN_KEY")
        return
    if isinstance(exc, BaseValidationError):
        for sub in exc.exceptions:
            sub_path = path
            for note in getattr(sub, "__notes__", []):
                if isinstance(note, AttributeValidationNote):
                    sub_path = f"{path}.{note.name}"
                elif isinstance(note, IterableValidationNote):
                    sub_path = (
                        f"{path}[{note.index!r}]"
                        if isinstance(note.index, int)
                        else f"{path}.{note.index}"
                    )
            yield from _walk(sub, sub_path)
        return
    if isinstance(exc, _RelativeError):
        yield FieldError(f"{path}{exc.relative}", exc.value, exc.rule or str(exc), exc.code)
        return
    if isinstance(exc, InvalidInputError):
        for err in exc.errors:
            rel = err.path[1:] if err.path.startswith("$") else f".{err.path}"
            yield FieldError(f"{path}{rel}", err.value, err.rule, err.code)
        return
    if isinstance(exc, InvalidValueError):
        field = exc.field or ""
        sub_path = f"{path}.{field}" if field and not path.endswith(f".{field}") else path
        yield FieldError(sub_path, exc.value, exc.rule or str(exc), exc.code)
        return
    if isinstance(exc, KeyError) and not isinstance(exc, InvalidValueError):
        key = exc.args[0] if exc.args else "?"
        sub_path = path if path.endswith(f".{key}") else f"{path}.{key}"
        yield FieldError(sub_path, None, "required field is missing", "MISSING_FIELD")
        return
    yield FieldError(path, None, f"{type(exc).__name__}: {exc}")


def _as_input_error(exc: BaseException) -> InvalidInputError:
    errors = list(_walk(exc, "$"))
    if not errors:  # pragma: no cover - every branch of _walk yields
        errors = [FieldError("$", None, str(exc))]
    return InvalidInputError(errors)


def structure(data: Any, cls: type[T]) -> T:
    """Build a ``cls`` from JSON-like data; raise ``InvalidInputError`` naming every bad field."""
    try:
        return _CONVERTER.structure(data, cls)
    except InvalidInputError as exc:
        raise _as_input_error(exc) from None
    except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as exc:
        raise _as_input_error(exc) from None
    except (InvalidValueError, KeyError, TypeError, ValueError) as exc:
        raise _as_input_error(exc) from None


def unstructure(obj: Any, unstructure_as: Any = None) -> Any:
    """The JSON-like form of ``obj`` (dicts, lists, str, int, float, bool, None)."""
    return _CONVERTER.unstructure(obj, unstructure_as=unstructure_as)


def canonical_json(obj: Any) -> str:
    """Canonical JSON text of ``obj``: keys sorted, no spaces, UTF-8, no NaN.

    Used for hashes (journal chain, calculation provenance); equal values give equal text.
    """
    data = (
        obj
        if isinstance(obj, (dict, list, str, int, float, bool, type(None)))
        else (unstructure(obj))
    )
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def dumps(obj: Any, *, indent: int | None = None) -> str:
    """JSON text of ``obj`` (keys in field order)."""
    return json.dumps(unstructure(obj), indent=indent, ensure_ascii=False, allow_nan=False)


def loads(text: str | bytes, cls: type[T]) -> T:
    """Parse JSON text into a ``cls``; bad JSON is an ``InvalidInputError`` at ``$``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError([FieldError("$", None, f"not valid JSON: {exc}")]) from None
    return structure(data, cls)
