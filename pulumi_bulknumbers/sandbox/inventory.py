"""The sandbox's deterministic, seeded number inventory (no state, no HTTP).

Each area (an NPA of a country and number type) owns a number space of every valid exchange and
line (NXX plus four digits). A seeded affine permutation of that space lists the area's numbers
lazily: number ``i`` of an area is computed, never stored, and only sold numbers are kept (in
the database, by the caller). Features follow a fixed 20-slot pattern over ``i``, so
availability counts are exact arithmetic.
US and Canada share the toll-free pool, as they do in the NANP.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pulumi_bulknumbers.sandbox.areas import CA_AREAS, TOLL_FREE_NPAS, US_AREAS

__all__ = [
    "FEATURE_BITS",
    "Area",
    "Candidate",
    "Criteria",
    "Inventory",
    "Limit",
    "feature_names",
    "normalize_type",
]

VOICE, SMS, MMS, FAX, EMERGENCY, QUICKSHIP = 1, 2, 4, 8, 16, 32
FEATURE_BITS = {
    "voice": VOICE,
    "sms": SMS,
    "mms": MMS,
    "fax": FAX,
    "emergency": EMERGENCY,
    # Variants Telnyx's search accepts: every sandbox number with voice has them too.
    "hd_voice": VOICE,
    "local_calling": VOICE,
    "international_sms": SMS,
}
_NAMES = (("voice", VOICE), ("sms", SMS), ("mms", MMS), ("fax", FAX), ("emergency", EMERGENCY))

_L = VOICE | EMERGENCY | QUICKSHIP
_LOCAL: tuple[int, ...] = (
    (_L | SMS | MMS,) * 10 + (_L | SMS,) * 4 + (_L | SMS | MMS | FAX,) * 3 + (_L,) * 2
)
_LOCAL += (VOICE | FAX | QUICKSHIP,)
_T = VOICE | QUICKSHIP
_TOLL_FREE: tuple[int, ...] = (
    (_T | SMS | MMS,) * 10 + (_T | SMS,) * 4 + (VOICE | SMS,) * 3 + (_T | FAX,) * 2
)
_TOLL_FREE += (VOICE,)
_PATTERNS = {"local": _LOCAL, "toll_free": _TOLL_FREE}

# N11 service codes and the fictional 555 exchange are never assigned.
_VALID_NXX = tuple(n for n in range(200, 1000) if n % 100 != 11 and n != 555)
_NXX_POS = {nxx: pos for pos, nxx in enumerate(_VALID_NXX)}
_SPACE = len(_VALID_NXX) * 10_000
_TOLL_FREE_CAPACITY = 50_000


def normalize_type(phone_number_type: str) -> str:
    """Telnyx spells toll-free both ways; the inventory uses ``toll_free``."""
    return "toll_free" if phone_number_type == "toll-free" else phone_number_type


def feature_names(mask: int) -> list[str]:
    """The feature names of a mask, in a stable order."""
    return [name for name, bit in _NAMES if mask & bit]


@dataclass(frozen=True)
class Area:
    """One NPA's numbers of one country and type: size, permutation and place."""

    country: str
    number_type: str
    npa: str
    administrative_area: str
    locality: str
    capacity: int
    _a: int
    _b: int

    def national(self, i: int) -> str:
        """The 10-digit national number at position ``i`` of this area."""
        p = (self._a * i + self._b) % _SPACE
        return f"{self.npa}{_VALID_NXX[p // 10_000]}{p % 10_000:04d}"

    def features(self, i: int) -> int:
        """The feature mask of number ``i`` (bits; ``QUICKSHIP`` included)."""
        return _PATTERNS[self.number_type][(7 * i + int(self.npa)) % 20]

    def index_of(self, national: str) -> int | None:
        """Position of a 10-digit national number in this area, or None when it is not stocked."""
        pos = _NXX_POS.get(int(national[3:6])) if national[3:].isdigit() else None
        if len(national) != 10 or national[:3] != self.npa or pos is None:
            return None
        i = ((pos * 10_000 + int(national[6:]) - self._b) * pow(self._a, -1, _SPACE)) % _SPACE
        return i if i < self.capacity else None

    def count_with(self, need: int) -> int:
        """How many of this area's numbers carry every bit of ``need`` (sold ones included)."""
        pattern = _PATTERNS[self.number_type]
        full, rest = divmod(self.capacity, 20)
        total = 0
        for r in range(20):
            if pattern[(7 * r + int(self.npa)) % 20] & need == need:
                total += full + (1 if r < rest else 0)
        return total


@dataclass(frozen=True)
class Candidate:
    """A number found in the inventory, with what the sandbox records when it is sold."""

    phone_number: str
    area: Area
    index: int
    features: int


@dataclass(frozen=True)
class Criteria:
    """What an ordering group or a search asks for."""

    country: str
    number_type: str
    national_destination_code: str | None = None
    administrative_area: str | None = None
    locality: str | None = None
    features: int = 0
    starts_with: str | None = None
    ends_with: str | None = None
    contains: str | None = None
    quickship: bool = False


@dataclass
class Limit:
    """An administrative cap: at most ``remaining`` more numbers sold in this scope."""

    country: str
    number_type: str
    national_destination_code: str
    administrative_area: str
    remaining: int

    def applies_to(self, area: Area, country: str) -> bool:
        """Whether numbers of ``area`` sold for ``country`` count against this cap."""
        return (
            self.country == country
            and self.number_type == area.number_type
            and self.national_destination_code in ("", area.npa)
            and self.administrative_area in ("", area.administrative_area)
        )


def _digest(*parts: object) -> int:
    text = ":".join(str(part) for part in parts).encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:16], "big")


class Inventory:
    """Every number the sandbox can sell, derived from a seed.

    >>> inv = Inventory(seed=0)
    >>> area = inv.areas("US", "local", national_destination_code="212")[0]
    >>> area.national(0) == Inventory(seed=0).areas("US", "local", "212")[0].national(0)
    True
    """

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._areas: dict[tuple[str, str], list[Area]] = {}
        for country, table in (("US", US_AREAS), ("CA", CA_AREAS)):
            self._areas[(country, "local")] = [
                self._area(country, "local", npa, state, city)
                for npa, (state, city) in sorted(table.items())
            ]
            self._areas[(country, "toll_free")] = [
                self._area(country, "toll_free", npa, "", "") for npa in TOLL_FREE_NPAS
            ]

    def _area(self, country: str, kind: str, npa: str, state: str, city: str) -> Area:
        # Toll-free keys leave the country out: the US and Canada share one pool.
        h = _digest(self.seed, kind, npa)
        a = (h % _SPACE) | 1
        while math.gcd(a, _SPACE) != 1:
            a += 2
        b = (h >> 40) % _SPACE
        capacity = _TOLL_FREE_CAPACITY if kind == "toll_free" else 2_000 + (h >> 80) % 10_001
        return Area(country, kind, npa, state, city, capacity, a, b)

    def areas(
        self,
        country: str,
        number_type: str,
        national_destination_code: str | None = None,
        administrative_area: str | None = None,
        locality: str | None = None,
    ) -> list[Area]:
        """The areas matching a country, a type and optional place filters."""
        found = self._areas.get((country, normalize_type(number_type)), [])
        if national_destination_code:
            found = [a for a in found if a.npa == national_destination_code]
        if administrative_area:
            found = [a for a in found if a.administrative_area == administrative_area.upper()]
        if locality:
            found = [a for a in found if a.locality.casefold() == locality.casefold()]
        return found

    def locate(self, e164: str) -> Iterator[Area]:
        """Every area (any country and type) that stocks an E.164 number."""
        national = e164[2:] if e164.startswith("+1") else ""
        for areas in self._areas.values():
            for area in areas:
                if national[:3] == area.npa and area.index_of(national) is not None:
                    yield area

    def search(
        self,
        criteria: Criteria,
        want: int,
        sold: Callable[[str], set[int]],
        limits: Iterable[Limit] = (),
    ) -> list[Candidate]:
        """Up to ``want`` unsold numbers matching ``criteria``, in inventory order.

        ``sold(npa)`` gives the positions already sold in an NPA; ``limits`` are caps, and the
        remaining counts of those that apply are decremented for every number returned.
        """
        areas = self.areas(
            criteria.country,
            criteria.number_type,
            criteria.national_destination_code,
            criteria.administrative_area,
            criteria.locality,
        )
        prefix = criteria.starts_with or ""
        if not criteria.national_destination_code and prefix:
            n = min(3, len(prefix))
            areas = [a for a in areas if a.npa[:n] == prefix[:n]]
        caps = list(limits)
        found: list[Candidate] = []
        for area in areas:
            applying = [cap for cap in caps if cap.applies_to(area, criteria.country)]
            taken = sold(area.npa)
            for i in range(area.capacity):
                if len(found) >= want or any(cap.remaining <= 0 for cap in applying):
                    break
                if i in taken:
                    continue
                mask = area.features(i)
                if mask & criteria.features != criteria.features:
                    continue
                if criteria.quickship and not mask & QUICKSHIP:
                    continue
                national = area.national(i)
                if not _matches(national, criteria):
                    continue
                for cap in applying:
                    cap.remaining -= 1
                found.append(Candidate("+1" + national, area, i, mask))
            if len(found) >= want:
                break
        return found


def _matches(national: str, criteria: Criteria) -> bool:
    # With an area code the patterns apply to the subscriber part only (Telnyx's search rule).
    subject = national[3:] if criteria.national_destination_code else national
    return (
        (not criteria.starts_with or subject.startswith(criteria.starts_with))
        and (not criteria.ends_with or subject.endswith(criteria.ends_with))
        and (not criteria.contains or criteria.contains in subject)
    )
