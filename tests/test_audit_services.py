"""The audit trail, tested without HTTP: one row per committed change, none on rollback."""

import pytest
from sqlalchemy import func, select

from po_meetings.admin import services as admin_services
from po_meetings.audit import AuditTrailIsAppendOnly
from po_meetings.extensions import db
from po_meetings.groups import services as group_services
from po_meetings.models import AuditEvent, OrganisationKind, Role
from po_meetings.models.audit import REDACTED
from po_meetings.personnummer import PersonnummerError


def _events(**where):
    query = select(AuditEvent).order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return db.session.scalars(query).all()


def _count():
    return db.session.scalar(select(func.count(AuditEvent.id)))


@pytest.fixture
def org(app_ctx):
    organisation = admin_services.create_organisation("Mellanå kommun", OrganisationKind.MUNICIPALITY)
    db.session.commit()
    return organisation


@pytest.fixture
def group(app_ctx, org):
    chair = admin_services.create_user("chair@example.se", "Karin", "ett-bra-losenord", organisation=org)
    group = group_services.create_group("Gruppen", ["Mellanå"], chair)
    db.session.commit()
    return group


def test_an_insert_writes_one_row_with_the_new_values(app_ctx):
    before = _count()
    organisation = admin_services.create_organisation("Försäkringskassan", OrganisationKind.SOCIAL_INSURANCE)
    db.session.commit()
    [event] = _events(object_type="organisation", object_id=organisation.id)
    assert _count() == before + 1
    assert event.action == "insert"
    assert event.changes["name"] == [None, "Försäkringskassan"]
    assert event.changes["kind"] == [None, "social_insurance"]
    assert event.actor_id is None  # no request: a system command
    assert event.occurred_at.tzinfo is not None


def test_an_update_records_old_and_new_values_of_changed_fields_only(app_ctx, org):
    admin_services.update_organisation(org, "Mellanå kommun, socialtjänsten", OrganisationKind.MUNICIPALITY)
    db.session.commit()
    update = _events(object_type="organisation", object_id=org.id, action="update")
    assert len(update) == 1
    assert update[0].changes == {"name": ["Mellanå kommun", "Mellanå kommun, socialtjänsten"]}


def test_an_update_that_changes_nothing_writes_no_row(app_ctx, org):
    before = _count()
    admin_services.update_organisation(org, org.name, OrganisationKind.MUNICIPALITY)
    db.session.commit()
    assert _count() == before


def test_several_flushes_in_one_transaction_make_one_row_per_object(app_ctx, org):
    admin_services.update_organisation(org, "Namn ett", OrganisationKind.MUNICIPALITY)
    admin_services.update_organisation(org, "Namn två", OrganisationKind.OTHER)
    db.session.commit()
    [event] = _events(object_type="organisation", object_id=org.id, action="update")
    assert event.changes == {"name": ["Mellanå kommun", "Namn två"], "kind": ["municipality", "other"]}


def test_created_and_changed_in_one_transaction_is_one_insert_row(app_ctx):
    organisation = admin_services.create_organisation("Först", OrganisationKind.OTHER)
    admin_services.update_organisation(organisation, "Sedan", OrganisationKind.OTHER)
    db.session.commit()
    [event] = _events(object_type="organisation", object_id=organisation.id)
    assert event.action == "insert"
    assert event.changes["name"] == [None, "Sedan"]


def test_a_delete_writes_a_row(app_ctx, group):
    municipality = group.municipalities[0]
    municipality_id = municipality.id
    group_services.set_municipalities(group, ["Åsby"])
    db.session.commit()
    [event] = _events(object_type="municipality", object_id=municipality_id, action="delete")
    assert event.group_id == group.id
    assert event.object_label == "Mellanå"


def test_a_rolled_back_transaction_leaves_no_rows(app_ctx, org):
    before = _count()
    admin_services.update_organisation(org, "Ångrat namn", OrganisationKind.OTHER)
    db.session.rollback()
    assert _count() == before
    # and the next commit does not write the rolled-back change either
    admin_services.create_organisation("Något annat", OrganisationKind.OTHER)
    db.session.commit()
    assert _count() == before + 1
    assert not _events(object_type="organisation", object_id=org.id, action="update")


def test_rows_carry_the_group_of_group_data(app_ctx, group):
    membership_events = _events(object_type="membership")
    assert membership_events and all(e.group_id == group.id for e in membership_events)
    assert all(e.group_id is None for e in _events(object_type="user_account"))


def test_free_text_is_recorded_as_changed_without_content(app_ctx, group):
    group_services.update_settings(group, 120, True, "Gruppens hemliga arbetsformer")
    db.session.commit()
    [event] = _events(object_type="po_group", object_id=group.id, action="update")
    assert event.changes["mandate"] == REDACTED
    assert "hemliga" not in str(event.changes)


def test_password_hashes_never_reach_the_audit_trail(app_ctx, org):
    user = admin_services.create_user("x@example.se", "X", "ett-bra-losenord")
    db.session.commit()
    admin_services.reset_password(user, "ett-annat-losenord")
    db.session.commit()
    events = _events(object_type="user_account", object_id=user.id)
    assert [e.action for e in events] == ["insert", "update"]
    assert all(e.changes["password_hash"] == REDACTED for e in events)
    assert "argon2" not in str([e.changes for e in events])


def test_audit_rows_cannot_be_updated(app_ctx, org):
    event = _events()[0]
    event.action = "delete"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_audit_rows_cannot_be_deleted(app_ctx, org):
    db.session.delete(_events()[0])
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_a_personnummer_is_refused_at_the_database_layer_too(app_ctx, group):
    before = _count()
    group.mandate = "Klienten 19121212-1212 ska inte stå här"
    with pytest.raises(PersonnummerError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(type(group), group.id).mandate is None
    assert _count() == before


def test_a_personnummer_in_a_name_is_refused_before_storage(app_ctx):
    with pytest.raises(PersonnummerError):
        admin_services.create_organisation("Org 121212-1212", OrganisationKind.OTHER)
    db.session.rollback()


def test_membership_rows_name_the_person_and_role(app_ctx, group):
    user = admin_services.create_user("m@example.se", "Maja Medlem", "ett-bra-losenord")
    membership = group_services.add_member(group, user, Role.OMBUD)
    db.session.commit()
    [event] = _events(object_type="membership", object_id=membership.id)
    assert event.object_label == "Maja Medlem (Personligt ombud)"
    assert event.changes["role"] == [None, "ombud"]
