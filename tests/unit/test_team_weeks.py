"""The team view reads each therapist's weeks by slicing the grid: the same rows as selecting them
by label, for every therapist, in the grid's order."""

from __future__ import annotations

from datetime import date

import pandas as pd

from practipal_app.analytics import dashboard
from practipal_app.analytics.queries import Window


def _team() -> dashboard.Team:
    window = Window("Asia/Kolkata", date(2026, 1, 5), date(2026, 2, 2))  # four Mondays
    caps = {7: 20, 3: 25, 11: 15}  # the grid's order is the people's, not the ids'
    sessions = [(7, "2026-01-05", 4, 200), (3, "2026-01-19", 9, 450), (11, "2026-01-26", 1, 50)]
    portal = [(3, "2026-01-12", 5, 3, 1, 2)]
    contacts = [(11, "2026-01-05", 2, 1, 2, 1, 1)]
    weekly = dashboard.weekly_figures(sessions, portal, contacts, caps, window, by_therapist=True)
    names = {7: "Asha", 3: "Dev", 11: "Meera"}
    return dashboard.Team(window, names, weekly[dashboard.TEAM_COLUMNS])


def test_a_therapists_weeks_are_the_rows_selected_by_label():
    team = _team()
    for therapist_id in team.names:
        expected = team.weekly.xs(therapist_id, level="therapist_id")
        pd.testing.assert_frame_equal(team.weeks_of(therapist_id), expected)
    assert list(team.weeks_of(3)["sessions"]) == [0, 0, 9, 0]
    assert list(team.weeks_of(11)["outside_messages"]) == [3, 0, 0, 0]


def test_someone_not_on_the_grid_has_no_weeks():
    assert len(_team().weeks_of(99)) == 0
