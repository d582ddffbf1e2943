"""The servants of a registry, kept so that a cached registry loads in a second.

Unpickling a million-name registry as objects rebuilds hundreds of thousands of
frozen dataclasses (servants, family members, contact sets) and took seconds,
though a message needs only the few servants its names point at. The table is
pickled as one small pickle per servant and each is unpickled the first time it
is asked for, then kept. Built from objects (a registry parsed from its file),
it simply holds them.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from bot.registry import Servant


class ServantTable(Sequence["Servant"]):
    """A read-only list of servants by position, with their names looked up by name."""

    __slots__ = ("_decoded", "_encoded", "_index")

    def __init__(self, servants: Sequence[Servant]) -> None:
        self._decoded: list[Servant | None] = list(servants)
        self._encoded: list[bytes] | None = None
        self._index: dict[str, int] = {s.name: i for i, s in enumerate(servants)}

    def __getstate__(self) -> dict[str, Any]:
        encoded = [
            self._encoded[i] if self._encoded is not None and servant is None
            else pickle.dumps(servant, protocol=pickle.HIGHEST_PROTOCOL)
            for i, servant in enumerate(self._decoded)
        ]
        return {"encoded": encoded, "index": self._index}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._encoded = state["encoded"]
        self._index = state["index"]
        self._decoded = [None] * len(self._encoded)

    def __len__(self) -> int:
        return len(self._decoded)

    @overload
    def __getitem__(self, position: int) -> Servant: ...

    @overload
    def __getitem__(self, position: slice) -> list[Servant]: ...

    def __getitem__(self, position: int | slice) -> Servant | list[Servant]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        servant = self._decoded[position]
        if servant is None:
            assert self._encoded is not None  # only a loaded table has undecoded entries
            servant = pickle.loads(self._encoded[position])
            self._decoded[position] = servant
        return servant

    def __iter__(self) -> Iterator[Servant]:
        for position in range(len(self._decoded)):
            yield self[position]

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def named(self, name: str) -> Servant | None:
        """The servant registered under exactly this name, if any."""
        position = self._index.get(name)
        return None if position is None else self[position]

    def names(self) -> list[str]:
        """Every servant's name, in registry order, without unpickling anyone."""
        return list(self._index)
