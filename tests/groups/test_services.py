"""The rules of groups and memberships in po_meetings/groups/services.py, without HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from po_meetings.admin import services as admin_services
from po_meetings.demo import GROUP_NAME
from po_meetings.domain import DomainError
from po_meetings.extensions import db
from po_meetings.groups import services
from po_meetings.models import AuditEvent, Group, Membership, Organisation, Role, User


def group(demo) -> Group:
    """Return the Mellanå demo group."""
    return db.session.get(Group, demo.group_id)


def other_group(demo) -> Group:
    """Return the Norrsjö demo group."""
    return db.session.get(Group, demo.other_group_id)


def user(email: str) -> User:
    """Return the account with this e-mail."""
    return db.session.scalar(select(User).where(User.email == email))


def membership(demo, email: str, group_id: int | None = None) -> Membership:
    """Return a demo membership (Mellanå unless another group is given)."""
    return db.session.get(Membership, demo.membership(email, group_id=group_id or demo.group_id))


def organisation(name: str) -> Organisation:
    """Return an organisation by name."""
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def outsider() -> User:
    """Return the Norrsjö chair, who has no seat in Mellanå."""
    return user("ordforande.norrsjo@demo.se")


def chairs(group_: Group) -> list[str]:
    """Return the names of the group's active chairs."""
    return [m.user.name for m in services.active_memberships(group_) if m.role_enum == Role.CHAIR]


# -- one chair, one vice chair --------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "holder"), [(Role.CHAIR, "Karin Lindqvist"), (Role.VICE_CHAIR, "Johan Berg")]
)
def test_a_group_has_at_most_one_chair_and_one_vice_chair(app_ctx, demo, role, holder):
    with pytest.raises(DomainError, match=f"Gruppen har redan en .*\\({holder}\\)"):
        services.add_member(group(demo), outsider(), role)
    with pytest.raises(DomainError, match="Gruppen har redan"):
        services.update_member(membership(demo, "ledamot@demo.se"), role, organisation("Arbetsförmedlingen"))


def test_the_holder_of_a_single_role_may_keep_it_when_their_other_values_change(app_ctx, demo):
    vice = membership(demo, "vice@demo.se")
    services.update_member(vice, Role.VICE_CHAIR, organisation("Region Mellanland, primärvården"))
    assert vice.organisation.name == "Region Mellanland, primärvården"


def test_a_new_vice_chair_can_be_added_once_the_old_one_has_left(app_ctx, demo):
    services.end_member(membership(demo, "vice@demo.se"))
    added = services.add_member(group(demo), outsider(), Role.VICE_CHAIR)
    assert added.role_enum == Role.VICE_CHAIR


def test_the_chair_cannot_change_their_own_role_away(app_ctx, demo):
    chair = membership(demo, "ordforande@demo.se")
    with pytest.raises(DomainError, match="Gruppen måste ha en ordförande"):
        services.update_member(chair, Role.MEMBER, chair.organisation)
    assert chair.role_enum == Role.CHAIR


def test_the_single_role_rule_is_per_group(app_ctx, demo):
    # Norrsjö has its own chair; Mellanå's chair rule does not reach it.
    added = services.add_member(other_group(demo), user("ledamot@demo.se"), Role.VICE_CHAIR)
    assert added.group_id == demo.other_group_id


# -- substitutes and organisations -----------------------------------------------------------


def test_a_substitute_must_stand_in_for_someone(app_ctx, demo):
    with pytest.raises(DomainError, match="Ange vilken ledamot eller organisation"):
        services.add_member(group(demo), outsider(), Role.SUBSTITUTE)


def test_a_substitute_stands_in_for_a_member_or_an_organisation_not_both(app_ctx, demo):
    with pytest.raises(DomainError, match="antingen en ledamot eller en organisation"):
        services.add_member(
            group(demo),
            outsider(),
            Role.SUBSTITUTE,
            substitute_for=membership(demo, "ledamot@demo.se"),
            substitute_for_organisation=organisation("Arbetsförmedlingen"),
        )


def test_a_substitute_can_stand_in_for_an_organisation(app_ctx, demo):
    added = services.add_member(
        group(demo),
        outsider(),
        Role.SUBSTITUTE,
        substitute_for_organisation=organisation("Arbetsförmedlingen"),
    )
    assert added.stands_in_for == "Arbetsförmedlingen"


def test_a_substitute_cannot_stand_in_for_a_member_of_another_group(app_ctx, demo):
    elsewhere = membership(demo, "vice@demo.se", group_id=demo.other_group_id)
    with pytest.raises(DomainError, match="nuvarande ledamot i gruppen"):
        services.add_member(group(demo), outsider(), Role.SUBSTITUTE, substitute_for=elsewhere)


def test_a_substitute_cannot_stand_in_for_someone_who_has_left(app_ctx, demo):
    fatima = services.end_member(membership(demo, "ledamot@demo.se"))
    with pytest.raises(DomainError, match="nuvarande ledamot i gruppen"):
        services.add_member(group(demo), outsider(), Role.SUBSTITUTE, substitute_for=fatima)


@pytest.mark.parametrize("email", ["ombud@demo.se", "adjungerad@demo.se", "ersattare@demo.se"])
def test_a_substitute_stands_in_only_for_an_ordinary_member(app_ctx, demo, email):
    with pytest.raises(DomainError, match="ordinarie ledamot"):
        services.add_member(group(demo), outsider(), Role.SUBSTITUTE, substitute_for=membership(demo, email))


def test_a_substitute_cannot_stand_in_for_themselves(app_ctx, demo):
    fatima = membership(demo, "ledamot@demo.se")
    with pytest.raises(DomainError, match="ersättare för sig själv"):
        services.update_member(fatima, Role.SUBSTITUTE, fatima.organisation, substitute_for=fatima)


def test_only_a_substitute_stands_in_for_someone(app_ctx, demo):
    with pytest.raises(DomainError, match="Bara en ersättare"):
        services.add_member(
            group(demo), outsider(), Role.MEMBER, substitute_for=membership(demo, "ledamot@demo.se")
        )


def test_an_ordinary_member_represents_an_organisation(app_ctx, demo):
    nobody = admin_services.create_user("utan.org@example.se", "Utan Organisation", "ett-bra-losenord")
    with pytest.raises(DomainError, match="representerar en organisation"):
        services.add_member(group(demo), nobody, Role.MEMBER)
    # Someone without a seat needs none.
    assert services.add_member(group(demo), nobody, Role.CO_OPTED).organisation is None


def test_a_new_member_represents_their_accounts_organisation_unless_told_otherwise(app_ctx, demo):
    helena = outsider()
    added = services.add_member(group(demo), helena, Role.MEMBER)
    assert added.organisation is helena.organisation
    services.end_member(added)
    chosen = services.add_member(group(demo), helena, Role.MEMBER, organisation("RSMH Mellanå"))
    assert chosen.organisation.name == "RSMH Mellanå"


# -- who can be added -----------------------------------------------------------------------


def test_a_disabled_account_cannot_be_added(app_ctx, demo):
    helena = outsider()
    admin_services.disable_user(helena, user("admin@demo.se"))
    with pytest.raises(DomainError, match="Kontot är avstängt"):
        services.add_member(group(demo), helena, Role.MEMBER)


def test_someone_already_in_the_group_cannot_be_added_again(app_ctx, demo):
    with pytest.raises(DomainError, match="Fatima Hassan är redan med i gruppen som ledamot"):
        services.add_member(group(demo), user("ledamot@demo.se"), Role.CO_OPTED)


def test_someone_who_left_can_come_back_and_the_old_record_stays(app_ctx, demo):
    old = services.end_member(membership(demo, "ledamot@demo.se"))
    new = services.add_member(group(demo), user("ledamot@demo.se"), Role.CO_OPTED)
    assert new.id != old.id
    assert not old.is_active and new.is_active
    assert old in services.ended_memberships(group(demo))


# -- ending a membership --------------------------------------------------------------------


def test_end_member_keeps_the_record(app_ctx, demo):
    ended = services.end_member(membership(demo, "ledamot@demo.se"))
    assert ended.ended_at is not None
    assert ended not in services.active_memberships(group(demo))
    assert [m.user.name for m in services.ended_memberships(group(demo))] == ["Fatima Hassan"]


def test_end_member_refuses_the_last_chair(app_ctx, demo):
    with pytest.raises(DomainError, match="Gruppen måste ha en ordförande"):
        services.end_member(membership(demo, "ordforande@demo.se"))
    assert chairs(group(demo)) == ["Karin Lindqvist"]


def test_a_membership_cannot_be_ended_or_changed_twice(app_ctx, demo):
    fatima = services.end_member(membership(demo, "ledamot@demo.se"))
    with pytest.raises(DomainError, match="redan avslutat"):
        services.end_member(fatima)
    with pytest.raises(DomainError, match="avslutat och kan inte ändras"):
        services.update_member(fatima, Role.CO_OPTED, fatima.organisation)


def test_get_membership_only_finds_memberships_of_the_group(app_ctx, demo):
    elsewhere = demo.membership("vice@demo.se", group_id=demo.other_group_id)
    assert services.get_membership(group(demo), elsewhere) is None
    assert services.get_membership(other_group(demo), elsewhere).user.name == "Johan Berg"
    assert services.get_membership(group(demo), 999_999) is None


# -- appointing a chair ---------------------------------------------------------------------


def test_appoint_chair_demotes_the_old_chair_to_member(app_ctx, demo):
    services.appoint_chair(group(demo), user("vice@demo.se"))
    assert chairs(group(demo)) == ["Johan Berg"]
    karin = membership(demo, "ordforande@demo.se")
    assert (karin.role_enum, karin.is_active) == (Role.MEMBER, True)


def test_appoint_chair_adds_someone_from_outside_the_group(app_ctx, demo):
    chair = services.appoint_chair(group(demo), outsider())
    assert chair.role_enum == Role.CHAIR
    assert chair.organisation.name == "Norrsjö kommun, socialtjänsten"
    assert chairs(group(demo)) == ["Helena Strand"]


def test_appoint_chair_clears_what_a_substitute_stood_in_for(app_ctx, demo):
    chair = services.appoint_chair(group(demo), user("ersattare@demo.se"))
    assert chair.role_enum == Role.CHAIR
    assert chair.stands_in_for is None


def test_appoint_chair_refuses_the_current_chair(app_ctx, demo):
    with pytest.raises(DomainError, match="redan ordförande"):
        services.appoint_chair(group(demo), user("ordforande@demo.se"))


# -- municipalities and group names ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Mellanå, Åsby", ["Mellanå", "Åsby"]),
        ("Mellanå\nÅsby\r\nNorrsjö", ["Mellanå", "Åsby", "Norrsjö"]),
        ("Mellanå, mellanå\nMELLANÅ, Åsby, åsby", ["Mellanå", "Åsby"]),
        ("\n , Övre   Dal ,\n\n,", ["Övre Dal"]),
        ("", []),
        (None, []),
    ],
    ids=["commas", "newlines", "duplicates-any-case", "blanks-and-spaces", "empty", "none"],
)
def test_parse_municipalities(text, names):
    assert services.parse_municipalities(text) == names


def test_set_municipalities_requires_at_least_one(app_ctx, demo):
    with pytest.raises(DomainError, match="minst en kommun"):
        services.set_municipalities(group(demo), [])
    assert group(demo).municipality_names == ["Mellanå", "Åsby"]


def test_set_municipalities_keeps_removes_and_adds(app_ctx, demo):
    mellana = group(demo)
    kept = next(m for m in mellana.municipalities if m.name == "Mellanå")
    services.set_municipalities(mellana, ["Mellanå", "Åsby", "Östby"])
    db.session.flush()
    services.set_municipalities(mellana, ["MELLANÅ", "Åsby", "Västby"])
    db.session.flush()
    assert sorted(mellana.municipality_names) == ["Mellanå", "Västby", "Åsby"]
    assert kept in mellana.municipalities  # the same row, not a new one


def test_a_municipality_with_occurrences_cannot_be_removed(app_ctx, demo):
    with pytest.raises(DomainError, match="förekomster"):
        services.set_municipalities(group(demo), ["Mellanå"])  # the demo has occurrences in Åsby


def test_create_group_writes_the_group_its_municipalities_and_chair(app_ctx, demo):
    created = services.create_group(
        "Ledningsgruppen i Västby", ["Västby", "Östby"], outsider(), default_meeting_minutes=90
    )
    assert sorted(created.municipality_names) == ["Västby", "Östby"]
    assert chairs(created) == ["Helena Strand"]
    assert created.default_meeting_minutes == 90


@pytest.mark.parametrize("name", [GROUP_NAME, GROUP_NAME.upper(), GROUP_NAME.lower()])
def test_group_names_are_unique_in_any_case(app_ctx, demo, name):
    with pytest.raises(DomainError, match="Det finns redan en ledningsgrupp med det namnet"):
        services.create_group(name, ["Västby"], outsider())


def test_group_names_differing_only_in_the_case_of_a_swedish_letter_clash(app_ctx, demo):
    services.create_group("Ledningsgruppen i Östby", ["Östby"], outsider())
    with pytest.raises(DomainError, match="Det finns redan en ledningsgrupp med det namnet"):
        services.create_group("ledningsgruppen i östby", ["Östby"], user("ledamot@demo.se"))


def test_update_group_may_keep_its_own_name(app_ctx, demo):
    services.update_group(group(demo), GROUP_NAME, ["Mellanå", "Åsby"], 100, False)
    assert (group(demo).default_meeting_minutes, group(demo).is_confidential_by_default) == (100, False)
    with pytest.raises(DomainError, match="redan en ledningsgrupp"):
        services.update_group(group(demo), other_group(demo).name.upper(), ["Mellanå", "Åsby"], 100, False)


# -- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [14, 601])
def test_update_settings_refuses_a_meeting_length_out_of_range(app_ctx, demo, minutes):
    with pytest.raises(DomainError, match="mellan 15 och 600 minuter"):
        services.update_settings(group(demo), minutes, True, "Ny text")
    assert group(demo).default_meeting_minutes == 120


def test_update_settings_stores_an_empty_mandate_as_none_and_leaves_it_when_not_given(app_ctx, demo):
    services.update_settings(group(demo), 60, True, "  Vårt uppdrag.  ")
    assert group(demo).mandate == "Vårt uppdrag."
    services.update_settings(group(demo), 60, True)
    assert group(demo).mandate == "Vårt uppdrag."
    services.update_settings(group(demo), 60, True, "   ")
    assert group(demo).mandate is None


# -- reading ------------------------------------------------------------------------------


def test_sort_members_puts_the_chair_first_then_by_role_and_name(app_ctx, demo):
    names = [m.user.name for m in services.sort_members(services.active_memberships(group(demo)))]
    assert names[:3] == ["Karin Lindqvist", "Johan Berg", "Eva Nyström"]
    assert names[-2:] == ["Lina Åkesson", "Omar Khalil"]


def test_ordinary_members_are_chair_vice_chair_and_members(app_ctx, demo):
    roles = {m.role_enum for m in services.ordinary_members(group(demo))}
    assert roles == {Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER}


def test_audit_page_holds_only_the_groups_own_rows(app_ctx, demo):
    mellana = services.audit_page(group(demo), None, None, 1, 500)
    assert mellana.total > 0
    assert {e.group_id for e in mellana.items} == {demo.group_id}
    total = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.group_id == demo.group_id))
    assert mellana.total == total
    assert set(services.audit_object_types(group(demo))) >= {
        "po_group",
        "municipality",
        "membership",
        "meeting",
    }
    assert "user_account" not in services.audit_object_types(group(demo))  # accounts belong to no group


def test_ending_a_member_moves_their_substitute_to_the_organisation(app_ctx, demo):

    member = db.session.get(Membership, demo.membership("ledamot.fk@demo.se"))
    substitute = db.session.get(Membership, demo.membership("ersattare@demo.se"))
    assert substitute.substitute_for is member
    services.end_member(member)
    db.session.commit()
    assert substitute.substitute_for is None
    assert substitute.substitute_for_organisation.name == "Försäkringskassan"
    assert substitute.stands_in_for == "Försäkringskassan"


def test_a_member_who_becomes_co_opted_no_longer_has_a_substitute(app_ctx, demo):

    member = db.session.get(Membership, demo.membership("ledamot.fk@demo.se"))
    substitute = db.session.get(Membership, demo.membership("ersattare@demo.se"))
    services.update_member(member, Role.CO_OPTED, member.organisation)
    db.session.commit()
    assert substitute.substitute_for is None
    assert substitute.stands_in_for == "Försäkringskassan"
