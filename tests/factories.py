import factory
from django.contrib.auth import get_user_model

from committee.choices import DepartmentKind, Position, SeatRole
from committee.models import Committee, CommitteeSeat, Department, Membership

PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    display_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Business unit {n}")
    kind = DepartmentKind.BUSINESS_UNIT


class PlanningDepartmentFactory(DepartmentFactory):
    code = "planning"
    name = "Operations Planning Department"
    kind = DepartmentKind.PLANNING


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    position = Position.STAFF


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ("name",)

    name = "Operations Planning Committee"


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeSeat

    committee = factory.SubFactory(CommitteeFactory)
    user = factory.SubFactory(UserFactory)
    role = SeatRole.MEMBER
