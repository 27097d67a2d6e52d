"""Argument checks shared by the statistics functions.

Every public function in `adoption.stats` validates its arguments here, so a bad
call always fails the same way: a plain `ValueError` whose message names the
argument and says what was wrong with it, e.g.
``ValueError: successes (12) is larger than n (10)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from adoption.text import Message


class NotEstimable(ValueError):
    """The data cannot support the requested estimate; `reason` says why (in English),
    `message` says it in either language (`message.text("fr")`).

    A subclass of `ValueError` so that code catching bad input also catches it,
    but distinct so an analyst can tell "you called it wrong" from "the data
    are too thin for this".
    """

    def __init__(self, message: Message):
        self.message = message
        self.reason = str(message)
        super().__init__(self.reason)


def check_confidence(confidence: float) -> float:
    """Return `confidence` as a float, or raise if it is not strictly between 0 and 1."""
    try:
        value = float(confidence)
    except (TypeError, ValueError):
        raise ValueError(
            f"confidence must be a number between 0 and 1, got {confidence!r}"
        ) from None
    if not 0.0 < value < 1.0:
        raise ValueError(
            f"confidence must be strictly between 0 and 1 (e.g. 0.95), got {confidence!r}"
        )
    return value


def as_float_array(values: object, name: str) -> np.ndarray:
    """`values` as a float array, refusing text, missing values and infinities by name."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers, got {values!r}") from None
    if np.isnan(array).any():
        where = _where(array, _first(np.isnan(array)))
        raise ValueError(f"{name} has a missing value (NaN){where}")
    if np.isinf(array).any():
        raise ValueError(f"{name} has an infinite value{_where(array, _first(np.isinf(array)))}")
    return array


def check_same_shape(arrays: Sequence[np.ndarray], names: Sequence[str]) -> None:
    """Raise if the arrays do not all have the shape of the first (scalars count as shape ())."""
    first_shape = arrays[0].shape
    for array, name in zip(arrays[1:], names[1:], strict=True):
        if array.shape != first_shape:
            raise ValueError(
                f"{name} has {_describe_shape(array.shape)} but {names[0]} has "
                f"{_describe_shape(first_shape)}: they must match one to one"
            )


def check_counts(
    successes: object, n: object, successes_name: str = "successes", n_name: str = "n"
) -> tuple[np.ndarray, np.ndarray]:
    """Validate counts of adopters out of organisations measured.

    Successes may be fractional (a weighted share times a Kish effective size),
    but must lie in [0, n]; n must be positive.
    """
    x = as_float_array(successes, successes_name)
    size = as_float_array(n, n_name)
    check_same_shape([x, size], [successes_name, n_name])
    if (x < 0).any():
        at = _first(x < 0)
        raise ValueError(f"{successes_name} ({_at(x, at)}) is negative{_where(x, at)}")
    if (size <= 0).any():
        at = _first(size <= 0)
        raise ValueError(
            f"{n_name} ({_at(size, at)}) must be positive{_where(size, at)}: "
            "a share of zero organisations is undefined"
        )
    if (x > size).any():
        at = _first(x > size)
        raise ValueError(
            f"{successes_name} ({_at(x, at)}) is larger than {n_name} ({_at(size, at)})"
            f"{_where(x, at)}"
        )
    return x, size


def check_population_size(
    population_size: object, n: np.ndarray, name: str = "population_size", n_name: str = "n"
) -> np.ndarray | None:
    """Validate a population size against the sample size it goes with (None stays None)."""
    if population_size is None:
        return None
    big_n = as_float_array(population_size, name)
    if big_n.shape != n.shape:
        big_n = np.broadcast_to(big_n, n.shape) if big_n.ndim == 0 else big_n
    check_same_shape([n, big_n], [n_name, name])
    if (big_n < n).any():
        at = _first(big_n < n)
        raise ValueError(
            f"{name} ({_at(big_n, at)}) is smaller than {n_name} ({_at(n, at)}){_where(n, at)}: "
            "a sample cannot be larger than its population"
        )
    return big_n


def check_share(share: object, name: str = "share") -> np.ndarray:
    """Validate a share as a fraction in [0, 1]."""
    value = as_float_array(share, name)
    if ((value < 0) | (value > 1)).any():
        at = _first((value < 0) | (value > 1))
        raise ValueError(
            f"{name} ({_at(value, at)}) must be a fraction between 0 and 1{_where(value, at)}"
        )
    return value


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(np.atleast_1d(mask))[0])


def _at(array: np.ndarray, position: int) -> str:
    return f"{np.atleast_1d(array)[position]:g}"


def _where(array: np.ndarray, position: int) -> str:
    return "" if array.ndim == 0 else f" at position {position}"


def _describe_shape(shape: tuple[int, ...]) -> str:
    if shape == ():
        return "a single value"
    if len(shape) == 1:
        return f"{shape[0]} values"
    return f"shape {shape}"
