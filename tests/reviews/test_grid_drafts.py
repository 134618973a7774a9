"""Issue 13, item 5: the grid never loses typed work. A server-side draft of the whole grid is kept
on "Kiểm tra", on a refused save or submission and on every row's autosave, restored on reload; it is
scoped like the grid, respects the lock and is dropped once the grid is saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reviews.models import GridDraft, MemberReview
from reviews.selectors.grid_drafts import grid_draft_get
from reviews.services.grid_drafts import draft_values, grid_draft_save
from tests.reviews.conftest import grid_data, post_grid, record_collective
from tests.reviews.test_workflow import members_of, submit_cell


def _url(cell) -> str:
    return reverse("reviews:grid", args=[cell.pk])


def _shown(resp, member) -> dict:
    """What the reloaded grid shows in a member's row (the values its inputs are rendered with)."""
    row = next(r for r in resp.context["rows"] if r["row"].member.pk == member.pk)
    form = row["form"]
    return {name: form[name].value() for name in ("grade", "score", "note")}


def test_check_keeps_the_typed_grid_and_the_reload_shows_it(client, cast, cycle):
    cell, member = cast.tree.cell, cast.member.member
    client.force_login(cast.secretary.user)
    per = {member.pk: ("EXCELLENT", "95", {"note": "Tích cực"})}
    resp = post_grid(client, cell, grid_data(members_of(cell), per=per), action="check")
    assert resp.status_code == 200
    assert not MemberReview.objects.exclude(proposed_grade="").exists()  # a check saves no grade

    resp = client.get(_url(cell))
    assert _shown(resp, member) == {"grade": "EXCELLENT", "score": "95", "note": "Tích cực"}
    html = resp.content.decode()
    assert "Đã khôi phục bản nháp lưu lúc" in html
    assert "Bỏ bản nháp, xem bảng đã lưu" in html


def test_a_refused_submission_is_kept_as_a_draft(client, cast, cycle):
    cell, member = cast.tree.cell, cast.member.member
    client.force_login(cast.secretary.user)
    # no collective review recorded: the submission is refused
    resp = post_grid(client, cell, grid_data(members_of(cell), per={member.pk: ("COMPLETED", "60")}), action="submit")
    assert "Chưa nộp được" in resp.content.decode()
    assert _shown(client.get(_url(cell)), member)["grade"] == "COMPLETED"


def test_row_autosave_keeps_each_row_and_invalid_input_comes_back_as_typed(client, cast, cycle):
    cell, member, secretary = cast.tree.cell, cast.member.member, cast.secretary.member
    client.force_login(cast.secretary.user)
    row_url = _url(cell) + "?dong={}"
    client.post(
        row_url.format(member.pk), {f"m{member.pk}-grade": "GOOD", f"m{member.pk}-score": "abc"}, HTTP_HX_REQUEST="true"
    )
    client.post(row_url.format(secretary.pk), {f"m{secretary.pk}-grade": "COMPLETED"}, HTTP_HX_REQUEST="true")

    draft = GridDraft.objects.get(organization=cell, year=cycle.year)
    assert draft.values[f"m{member.pk}-score"] == "abc"  # the first row survives the second's autosave
    assert draft.values[f"m{secretary.pk}-grade"] == "COMPLETED"
    resp = client.get(_url(cell))
    assert _shown(resp, member)["score"] == "abc"
    assert _shown(resp, secretary)["grade"] == "COMPLETED"
    assert "Điểm là số từ 0 đến 100" in resp.content.decode()  # the bad value is shown with its message


def test_saving_the_grid_drops_the_draft(client, cast, cycle):
    cell, member = cast.tree.cell, cast.member.member
    client.force_login(cast.secretary.user)
    post_grid(client, cell, grid_data(members_of(cell), per={member.pk: ("EXCELLENT", "95")}), action="check")
    assert GridDraft.objects.exists()
    assert post_grid(client, cell, grid_data(members_of(cell)), action="save").status_code == 302
    assert not GridDraft.objects.exists()
    resp = client.get(_url(cell))
    assert _shown(resp, member)["grade"] == "GOOD"
    assert "Đã khôi phục bản nháp" not in resp.content.decode()


def test_discarding_the_draft_shows_the_saved_grid(client, cast, cycle):
    cell, member = cast.tree.cell, cast.member.member
    client.force_login(cast.secretary.user)
    post_grid(client, cell, grid_data(members_of(cell), per={member.pk: ("EXCELLENT", "95")}), action="check")
    resp = client.post(_url(cell), {"action": "discard_draft"}, follow=True)
    assert "Đã bỏ bản nháp" in resp.content.decode()
    assert not GridDraft.objects.exists()
    assert _shown(resp, member)["grade"] != "EXCELLENT"


def test_outside_the_grid_scope_the_draft_is_404_or_refused(client, cast, cycle):
    cell, member = cast.tree.cell, cast.member.member
    client.force_login(cast.secretary.user)
    post_grid(client, cell, grid_data(members_of(cell), per={member.pk: ("EXCELLENT", "95")}), action="check")
    for outsider in (cast.other_secretary.user, cast.outsider.user):
        client.force_login(outsider)
        assert client.get(_url(cell)).status_code == 404
        assert client.post(_url(cell), {"action": "discard_draft"}).status_code == 404
        assert client.post(_url(cell) + f"?dong={member.pk}", {f"m{member.pk}-grade": "GOOD"}).status_code == 404
        assert grid_draft_get(user=outsider, cell=cell, year=cycle.year, locked=False) is None
        with pytest.raises(PermissionDenied):
            grid_draft_save(cell=cell, cycle=cycle, values={}, member_ids=[member.pk], user=outsider)
    client.force_login(cast.member.user)  # the member reads nothing of the grid
    assert client.get(_url(cell)).status_code == 404
    assert GridDraft.objects.get().values[f"m{member.pk}-grade"] == "EXCELLENT"  # untouched


def test_a_proposed_cell_has_no_editable_draft(client, cast, cycle):
    cell, member = cast.tree.cell, cast.member.member
    assert submit_cell(client, cast.secretary.user, cell).status_code == 302
    with pytest.raises(ValidationError):
        grid_draft_save(
            cell=cell,
            cycle=cycle,
            values={f"m{member.pk}-grade": "EXCELLENT"},
            member_ids=[member.pk],
            user=cast.secretary.user,
        )
    # the autosave of a row cannot put a draft over the proposal either
    client.post(_url(cell) + f"?dong={member.pk}", {f"m{member.pk}-grade": "EXCELLENT"}, HTTP_HX_REQUEST="true")
    assert not GridDraft.objects.exists()
    GridDraft.objects.create(organization=cell, year=cycle.year, values={f"m{member.pk}-grade": "EXCELLENT"})
    resp = client.get(_url(cell))
    assert _shown(resp, member)["grade"] == "GOOD"  # the proposal, not the stray draft
    assert "Đã khôi phục bản nháp" not in resp.content.decode()


def test_only_the_grid_inputs_of_editable_rows_are_kept(cast, cycle):
    member = cast.member.member
    typed = {
        f"m{member.pk}-grade": "GOOD",
        f"m{member.pk}-password": "x",
        "m999999-grade": "EXCELLENT",
        "org_grade": "GOOD",
        "csrfmiddlewaretoken": "t",
        "action": "check",
        f"m{member.pk}-note": "y" * 1000,
    }
    kept = draft_values(typed, member_ids=[member.pk])
    assert set(kept) == {f"m{member.pk}-grade", f"m{member.pk}-note", "org_grade"}
    assert len(kept[f"m{member.pk}-note"]) == 300


def test_the_cell_grade_is_restored_too(client, cast, cycle):
    cell = cast.tree.cell
    client.force_login(cast.secretary.user)
    record_collective(client, cell)
    post_grid(
        client, cell, {**grid_data(members_of(cell)), "org_grade": "EXCELLENT", "org_score": "91"}, action="check"
    )
    form = client.get(_url(cell)).context["cell_form"]
    assert (form["org_grade"].value(), form["org_score"].value()) == ("EXCELLENT", "91")


def test_grid_save_itself_drops_the_draft_and_a_refused_save_keeps_it(cast, cycle):
    """The drop is part of the save's transaction (any caller), not a step the page adds after it."""
    from reviews import services
    from reviews.services import GridInput, RulesRefused

    cell, secretary = cast.tree.cell, cast.secretary.user
    ids = [m.pk for m in members_of(cell)]
    grid_draft_save(cell=cell, cycle=cycle, values={f"m{ids[0]}-grade": "GOOD"}, member_ids=ids, user=secretary)
    # an unstorable row (a grade and a not-graded reason) is refused even in a draft save: nothing changes
    with pytest.raises(RulesRefused):
        services.grid_save(
            cell=cell, cycle=cycle, inputs={ids[0]: GridInput(grade="GOOD", reason="OTHER")}, user=secretary
        )
    assert GridDraft.objects.filter(organization=cell, year=cycle.year).exists()
    services.grid_save(cell=cell, cycle=cycle, inputs={ids[0]: GridInput(grade="GOOD", score=80)}, user=secretary)
    assert not GridDraft.objects.filter(organization=cell, year=cycle.year).exists()
