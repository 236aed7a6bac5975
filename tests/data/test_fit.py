"""The builder's integer fit: exact on every constraint, and a forced deviation shared out."""

from __future__ import annotations

from tui.data.build.fit import Problem


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


def test_the_integer_search_stays_near_the_relaxation() -> None:
    """With ``box`` the integers are searched within 2 of the continuous optimum: the same answer
    here, and never a far corner that merely meets the constraints."""
    problem = Problem(pieces=8, box=2)
    for name in "abc":
        problem.variable(name, 10.0)
    problem.constrain({problem.index[name]: 1.0 for name in "abc"}, 36, 36, "sum")
    problem.constrain({problem.index["a"]: 1.0}, 0, 11, "a at most 11")
    assert problem.solve() == {"a": 11, "b": 12, "c": 13} or problem.solve() == {
        "a": 11,
        "b": 13,
        "c": 12,
    }
