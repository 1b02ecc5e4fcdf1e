"""The command-line tools: seed-demo, demo-logins, create-admin."""

from sqlalchemy import func, select

from po_meetings import demo
from po_meetings.extensions import db
from po_meetings.models import Group, Membership, Organisation, OrganisationKind, Role, User

from .conftest import DEMO_PASSWORD


def test_seed_demo_creates_the_mellana_group(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demodata är inläst" in result.output
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.name == demo.GROUP_NAME))
        members = [m for m in group.memberships if m.ended_at is None]
        roles = [m.role for m in members]
        assert roles.count(Role.OMBUD) == 2
        assert roles.count(Role.CHAIR) == 1
        assert Role.SUBSTITUTE in roles and Role.CO_OPTED in roles and Role.VICE_CHAIR in roles
        kinds = {m.organisation.kind for m in members if m.role in {Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER}}
        assert kinds >= {
            OrganisationKind.MUNICIPALITY,
            OrganisationKind.REGION_PSYCHIATRY,
            OrganisationKind.REGION_PRIMARY_CARE,
            OrganisationKind.EMPLOYMENT_SERVICE,
            OrganisationKind.SOCIAL_INSURANCE,
            OrganisationKind.USER_ORGANISATION,
        }
        substitute = next(m for m in members if m.role == Role.SUBSTITUTE)
        assert substitute.substitute_for is not None
        assert substitute.substitute_for.organisation.kind == OrganisationKind.SOCIAL_INSURANCE
        assert group.municipality_names == ["Mellanå", "Åsby"]


def test_seed_demo_if_empty_keeps_existing_data(app, runner):
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        users = db.session.scalar(select(func.count(User.id)))
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert "laddas inte igen" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == users


def test_every_printed_demo_login_works(app, runner, client, auth):
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["demo-logins"])
    assert "http://127.0.0.1:5000" in result.output
    assert DEMO_PASSWORD in result.output
    for email, _role in demo.DEMO_LOGINS:
        assert email in result.output
        assert auth.login(email).status_code == 303, email
        auth.logout()


def test_demo_admin_is_admin_without_any_group(app, runner):
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.se"))
        assert admin.is_admin
        assert not db.session.scalars(select(Membership).where(Membership.user_id == admin.id)).all()
        assert db.session.scalar(select(func.count(Organisation.id))) >= 7


def test_create_admin(app, runner, auth):
    result = runner.invoke(
        args=["create-admin", "--email", "Chef@Kommun.se", "--name", "Chef"],
        input="ett-bra-losenord\nett-bra-losenord\n",
    )
    assert result.exit_code == 0, result.output
    assert auth.login("chef@kommun.se", "ett-bra-losenord").status_code == 303


def test_create_admin_refuses_a_short_password(app, runner):
    result = runner.invoke(args=["create-admin", "--email", "a@b.se", "--name", "A"], input="kort\nkort\n")
    assert result.exit_code != 0
    assert "minst 10 tecken" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
