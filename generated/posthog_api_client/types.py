"""Contains some shared types for properties"""

from collections.abc import Callable, Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, TypeVar
from uuid import UUID, SafeUUID

from attrs import define


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


def _uuid_from_str(value: Any) -> UUID:
    """UUID(value), at about half its cost for the 36-character form an API sends.

    UUID() spends most of its time checking which of its five arguments was given. This
    does what UUID(hex) does (drop the dashes, want 32 hex digits) and builds the object
    the way the uuid module builds one from an int; anything else, and every value it
    refuses, goes to UUID() itself, so the result or the error is always UUID()'s.
    """
    if type(value) is str:
        digits = value.replace("-", "")
        if len(digits) == 32:
            try:
                number = int(digits, 16)
            except ValueError:
                pass
            else:
                made = _new_object(UUID)
                _set_attribute(made, "int", number)
                _set_attribute(made, "is_safe", _UNKNOWN)
                return made
    return UUID(value)


def _pick_uuid_from_str() -> Callable[[Any], UUID]:
    """The fast path if this Python's UUID is built as it expects, else plain UUID()."""
    sample = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
    try:
        made, real = _uuid_from_str(sample), UUID(sample)
        same = (
            made == real
            and str(made) == sample
            and hash(made) == hash(real)
            and made.is_safe is real.is_safe
        )
    except (AttributeError, TypeError):
        same = False
    return _uuid_from_str if same else UUID


_new_object = object.__new__
_set_attribute = object.__setattr__
_UNKNOWN = SafeUUID.unknown
uuid_from_str = _pick_uuid_from_str()


__all__ = [
    "UNSET",
    "File",
    "FileTypes",
    "RequestFiles",
    "Response",
    "Unset",
    "uuid_from_str",
]
