"""Scoring rules of the performance evaluation (§4.5), as pure arithmetic on Decimals.

* ``linear``: 0 at (or beyond) the threshold, 100 at the target, straight in between, and above
  the target up to the cap (e.g. 120). Works both ways: when the target is below the threshold
  (cost, complaints), lower actuals score higher.
* ``banded``: the achievement (actual against target, in %, direction-aware) is looked up in
  bands ``[[minimum achievement %, score], ...]``: the highest band reached gives the score.
* qualitative items: a rating on the scale (1..n) scores ``100 × rating / n``.

Weighted totals: ``Σ score × weight / 100`` with weights summing to exactly 100.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
Q2 = Decimal("0.01")


def q(value: Decimal) -> Decimal:
    return value.quantize(Q2, rounding=ROUND_HALF_UP)


def linear(actual: Decimal, *, target: Decimal, threshold: Decimal, cap: Decimal) -> Decimal:
    if target == threshold:
        raise ValueError("target and threshold must differ")
    share = (actual - threshold) / (target - threshold) * HUNDRED
    return q(min(max(share, Decimal(0)), cap))


def achievement(actual: Decimal, *, target: Decimal, higher_is_better: bool = True) -> Decimal:
    """Actual against target in % (for lower-is-better: target against actual)."""
    if higher_is_better:
        if target == 0:
            raise ValueError("a zero target has no achievement ratio")
        return q(actual / target * HUNDRED)
    if actual <= 0:
        return q(HUNDRED * 10)  # nothing spent / no complaints: far beyond any band
    return q(target / actual * HUNDRED)


def banded(achievement_pct: Decimal, bands: list) -> Decimal:
    """Score of the highest band whose minimum the achievement reaches (0 below all)."""
    score = Decimal(0)
    for minimum, band_score in sorted((Decimal(str(m)), Decimal(str(s))) for m, s in bands):
        if achievement_pct >= minimum:
            score = band_score
    return q(score)


def rating(value: int, scale: int) -> Decimal:
    if not 1 <= value <= scale:
        raise ValueError(f"a rating lies between 1 and {scale}")
    return q(HUNDRED * value / scale)


def weighted(pairs) -> Decimal:
    """Σ score × weight / 100 over (score, weight) pairs; the weights must sum to 100."""
    pairs = list(pairs)
    total_weight = sum((w for _s, w in pairs), Decimal(0))
    if total_weight != HUNDRED:
        raise ValueError(f"weights sum to {total_weight}, not 100")
    return q(sum((s * w for s, w in pairs), Decimal(0)) / HUNDRED)


def mean(values) -> Decimal | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    return q(sum(values, Decimal(0)) / len(values))


def validate_weights(weights) -> list[str]:
    """Problems with a set of weights (empty when they are fine)."""
    weights = list(weights)
    problems = []
    if not weights:
        problems.append("no items")
    if any(w <= 0 for w in weights):
        problems.append("every weight must be positive")
    total = sum(weights, Decimal(0))
    if weights and total != HUNDRED:
        problems.append(f"weights sum to {total} %, not 100 %")
    return problems
