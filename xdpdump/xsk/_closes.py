"""The context-manager habit every native object of the package shares."""

from __future__ import annotations

from typing import Self


class Closes:
    """Context manager for the native objects here: `with X(...) as x:` closes x on the way out."""

    def close(self) -> None:  # pragma: no cover - every subclass has its own
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
