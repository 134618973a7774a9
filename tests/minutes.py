"""Test helper: the cell's review meeting held, with every summoned member present and each proposed
grade adopted unanimously (tests of the grid's own rules need the meeting as a precondition)."""

from __future__ import annotations

import datetime as dt

from meetings.models import VoteMethod
from meetings.services.minutes import AttendanceInput, MinutesHeader, cell_minutes_save, summoned


def record_minutes(cell, cycle, grades: dict[int, str], *, absent: dict[int, str] | None = None, agree=None):
    """grades: {member_id: grade} as proposed; absent: {member_id: reason}; agree: votes for (default all present)."""
    absent = absent or {}
    members = summoned(cell)
    present = sum(1 for m in members if m.pk not in absent)
    attendance = {
        m.pk: AttendanceInput(
            present=m.pk not in absent,
            absence_reason=absent.get(m.pk, ""),
            voted_grade=grades.get(m.pk, ""),
            agree=(present if agree is None else agree) if grades.get(m.pk) else None,
        )
        for m in members
    }
    header = MinutesHeader(
        held_on=dt.date(cycle.year, 12, 15),
        place="Hội trường cơ quan",
        chair="Lê Văn An",
        recorder="Trần Thị Bình",
        vote_method=VoteMethod.HANDS,
    )
    return cell_minutes_save(cell=cell, cycle=cycle, header=header, attendance=attendance, user=None)


def grades_of(data: dict) -> dict[int, str]:
    """{member_id: grade} from grid POST data (m<id>-grade keys), skipping rows with a not-graded reason."""
    out = {}
    for key, value in data.items():
        if key.endswith("-grade") and key.startswith("m") and value and not data.get(key.replace("-grade", "-reason")):
            out[int(key[1:].split("-")[0])] = value
    return out
