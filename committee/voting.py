"""The committee's voting rule as pure arithmetic (no database), so it can be tested exhaustively.

A decision needs a quorum: at least ``ceil(quorum_share × eligible)`` of the eligible members
(committee members without a conflict of interest) must have voted, abstentions included.
With a quorum present, abstentions do not count towards the majority:

- simple majority: more approvals than rejections passes, more rejections fails; a tie is
  settled by the chair's casting vote;
- two-thirds majority: approvals must be at least two thirds of approvals plus rejections;
  anything less fails (a tie cannot pass, so no casting vote is needed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Outcome(StrEnum):
    NO_QUORUM = "no_quorum"
    APPROVED = "approved"
    REJECTED = "rejected"
    TIE = "tie"  # simple majority only: the chair's casting vote decides


@dataclass(frozen=True)
class Tally:
    eligible: int
    approve: int = 0
    reject: int = 0
    abstain: int = 0

    @property
    def present(self) -> int:
        return self.approve + self.reject + self.abstain

    @property
    def remaining(self) -> int:
        return max(self.eligible - self.present, 0)


def quorum(eligible: int, quorum_share: Decimal) -> int:
    """Votes needed for a quorum: at least one, at most every eligible member."""
    if eligible <= 0:
        return 1
    needed = math.ceil(Decimal(eligible) * Decimal(quorum_share) - Decimal("1e-9"))
    return min(max(needed, 1), eligible)


def outcome(tally: Tally, *, quorum_share: Decimal, majority: str) -> Outcome:
    """The result if the vote closed now."""
    if tally.eligible <= 0 or tally.present < quorum(tally.eligible, quorum_share):
        return Outcome.NO_QUORUM
    if majority == "two_thirds":
        decisive = tally.approve + tally.reject
        if decisive and 3 * tally.approve >= 2 * decisive:
            return Outcome.APPROVED
        return Outcome.REJECTED
    if tally.approve > tally.reject:
        return Outcome.APPROVED
    if tally.reject > tally.approve:
        return Outcome.REJECTED
    return Outcome.TIE


def settled(tally: Tally, *, quorum_share: Decimal, majority: str) -> Outcome | None:
    """The outcome once no remaining vote can change it, else None (the vote stays open)."""
    if outcome(tally, quorum_share=quorum_share, majority=majority) == Outcome.NO_QUORUM:
        return None
    best = Tally(tally.eligible, tally.approve + tally.remaining, tally.reject, tally.abstain)
    worst = Tally(tally.eligible, tally.approve, tally.reject + tally.remaining, tally.abstain)
    if tally.remaining == 0:
        result = outcome(tally, quorum_share=quorum_share, majority=majority)
        return None if result in (Outcome.NO_QUORUM, Outcome.TIE) else result
    low = outcome(worst, quorum_share=quorum_share, majority=majority)
    high = outcome(best, quorum_share=quorum_share, majority=majority)
    if low == high and low in (Outcome.APPROVED, Outcome.REJECTED):
        return low
    return None
