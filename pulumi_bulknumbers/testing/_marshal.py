"""Engine-faithful marshalling of property maps to and from ``google.protobuf.Struct``.

The real engine talks to a dynamic provider that answered ``acceptSecrets=False``, so it strips
secret wrappers before every call, sends ``pulumi.output.Unknown`` as the unknown sentinel and skips
nulls. Numbers cross a ``Struct`` as doubles; on the way back whole floats are turned into ints for
the caller's convenience (the provider itself still sees floats, as with the real engine).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.protobuf import struct_pb2
from pulumi.output import Unknown
from pulumi.runtime import rpc

__all__ = ["from_struct", "normalise", "secret", "strip_secrets", "to_struct"]

UNKNOWN_SENTINEL: str = rpc.UNKNOWN


def secret(value: Any) -> dict[str, Any]:
    """Wrap ``value`` the way the SDK marks a secret on the wire (``pulumi.runtime.rpc``)."""
    wrapped: dict[str, Any] = rpc.wrap_rpc_secret(value)
    return wrapped


def strip_secrets(props: Mapping[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
    """Return ``props`` without secret wrappers, and the top-level keys that held a secret.

    The SDK pushes secretness up to the enclosing top-level property, so the key set is what the
    engine's ``annotateSecrets`` works with.
    """
    plain: dict[str, Any] = {}
    secret_keys: set[str] = set()
    for key, value in props.items():
        if _contains_secret(value):
            secret_keys.add(key)
        plain[key] = _unwrap(value)
    return plain, frozenset(secret_keys)


def _contains_secret(value: Any) -> bool:
    if rpc.is_rpc_secret(value):
        return True
    if isinstance(value, Mapping):
        return any(_contains_secret(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_contains_secret(v) for v in value)
    return False


def _unwrap(value: Any) -> Any:
    if rpc.is_rpc_secret(value):
        return _unwrap(value["value"])
    if isinstance(value, Mapping):
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_unwrap(v) for v in value]
    return value


def _to_wire(value: Any) -> Any:
    if isinstance(value, Unknown):
        return UNKNOWN_SENTINEL
    if rpc.is_rpc_secret(value):
        return _to_wire(value["value"])
    if isinstance(value, Mapping):
        # The engine marshals provider calls with SkipNulls.
        return {str(k): _to_wire(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_to_wire(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot send a {type(value).__name__} to a dynamic provider: {value!r}")


def to_struct(props: Mapping[str, Any] | None) -> Any:
    """The ``Struct`` the engine would send for ``props``: secrets stripped, nulls skipped."""
    struct = struct_pb2.Struct()
    struct.update(_to_wire(dict(props or {})))
    return struct


def normalise(value: Any) -> Any:
    """Turn whole floats back into ints, recursively (a ``Struct`` number is a double)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def from_struct(struct: Any) -> dict[str, Any]:
    """Decode a provider's ``Struct`` into plain values, keeping unknowns as ``Unknown()``."""
    decoded: dict[str, Any] = rpc.deserialize_properties(struct, keep_unknowns=True)
    result: dict[str, Any] = normalise(decoded)
    return result
