"""The builder's integer fit: exact on every constraint, and a forced deviation shared out."""

from __future__ import annotations

from tui.data.fit import Problem


def three_near_ten_summing_to(total: int, pieces: int) -> dict:
    problem = Problem(pieces=pieces)
    for name in "abc":
        problem.variable(name, 10.0)
    problem.constrain({problem.index[name]: 1.0 for name in "abc"}, total, total, "sum")
    return problem.solve()


def test_the_spreading_penalty_shares_a_deviation_out() -> None:
    assert three_near_ten_summing_to(15, pieces=8) == {"a": 5, "b": 5, "c": 5}
    assert three_near_ten_summing_to(36, pieces=8) == {"a": 12, "b": 12, "c": 12}


def test_absolute_deviation_is_indifferent_to_where_it_goes() -> None:
    """Why the spreading penalty exists: any split of the 15 costs the same, so the solver may
    return a corner (one variable at 0) as readily as an even split."""
    solution = three_near_ten_summing_to(15, pieces=1)
    assert sum(solution.values()) == 15
