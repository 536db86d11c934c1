"""The committee's voting rule: quorum and majority arithmetic, the chair's casting vote."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from committee.voting import Outcome, Tally, outcome, quorum, settled

HALF = Decimal("0.50")


@pytest.mark.parametrize(("eligible", "share", "expected"), [
    (5, Decimal("0.50"), 3), (4, Decimal("0.50"), 2), (3, Decimal("0.67"), 3),
    (6, Decimal("0.67"), 5), (1, Decimal("0.50"), 1), (5, Decimal("1.00"), 5),
    (0, Decimal("0.50"), 1),
])
def test_quorum_is_the_share_rounded_up(eligible, share, expected):
    assert quorum(eligible, share) == expected


def test_no_quorum_no_outcome():
    assert outcome(Tally(5, approve=2), quorum_share=HALF, majority="simple") == \
        Outcome.NO_QUORUM


def test_abstentions_count_for_the_quorum_but_not_the_majority():
    tally = Tally(5, approve=1, reject=0, abstain=2)
    assert outcome(tally, quorum_share=HALF, majority="simple") == Outcome.APPROVED


def test_simple_majority_tie_needs_the_casting_vote():
    tally = Tally(4, approve=2, reject=2)
    assert outcome(tally, quorum_share=HALF, majority="simple") == Outcome.TIE
    assert settled(tally, quorum_share=HALF, majority="simple") is None


@pytest.mark.parametrize(("approve", "reject", "expected"), [
    (2, 1, Outcome.APPROVED),  # exactly two thirds passes
    (3, 2, Outcome.REJECTED),  # 60 % fails
    (2, 2, Outcome.REJECTED),  # a tie cannot pass two thirds
    (4, 0, Outcome.APPROVED),
])
def test_two_thirds_majority(approve, reject, expected):
    tally = Tally(approve + reject, approve=approve, reject=reject)
    assert outcome(tally, quorum_share=HALF, majority="two_thirds") == expected


def test_settles_early_when_remaining_votes_cannot_change_it():
    assert settled(Tally(5, approve=3), quorum_share=HALF, majority="simple") == \
        Outcome.APPROVED
    assert settled(Tally(5, approve=2, reject=1), quorum_share=HALF,
                   majority="simple") is None
    assert settled(Tally(5, reject=3), quorum_share=HALF, majority="simple") == \
        Outcome.REJECTED


def test_settling_early_still_needs_a_present_quorum():
    high_quorum = Decimal("0.80")  # 4 of 5 must vote
    assert settled(Tally(5, approve=3), quorum_share=high_quorum, majority="simple") is None


tallies = st.integers(1, 12).flatmap(lambda n: st.tuples(
    st.just(n), st.integers(0, n)).flatmap(lambda t: st.tuples(
        st.just(t[0]), st.integers(0, t[1])).flatmap(lambda u: st.tuples(
            st.just(u[0]), st.just(u[1]), st.integers(0, t[1] - u[1])))))


@given(tallies, st.sampled_from(["simple", "two_thirds"]),
       st.sampled_from([Decimal("0.34"), Decimal("0.50"), Decimal("0.67"), Decimal("1.00")]))
def test_a_settled_outcome_holds_whatever_the_remaining_members_vote(t, majority, share):
    eligible, approve, reject = t
    tally = Tally(eligible, approve=approve, reject=reject)
    result = settled(tally, quorum_share=share, majority=majority)
    if result is None:
        return
    remaining = tally.remaining
    for extra_approve in range(remaining + 1):
        for extra_reject in range(remaining - extra_approve + 1):
            abstain = remaining - extra_approve - extra_reject
            final = Tally(eligible, approve + extra_approve, reject + extra_reject, abstain)
            assert outcome(final, quorum_share=share, majority=majority) == result
