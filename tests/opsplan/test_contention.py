"""A transaction the database aborts for losing a race (deadlock, serialisation failure, lock
not available) is a 409 "try again", in the API and on pages; other database errors are not."""

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from opsplan.api import exception_handler
from opsplan.errors import Contention, as_contention
from opsplan.middleware import ConflictMiddleware


class _Cause(Exception):
    def __init__(self, sqlstate):
        super().__init__("database said no")
        self.sqlstate = sqlstate


def _operational(sqlstate):
    try:
        raise OperationalError("aborted") from _Cause(sqlstate)
    except OperationalError as exc:
        return exc


@pytest.mark.parametrize("sqlstate", ["40001", "40P01", "55P03"])
def test_lost_races_answer_409_in_the_api(sqlstate):
    response = exception_handler(_operational(sqlstate), {})
    assert response.status_code == 409
    assert response.data["code"] == "conflict"
    assert "try again" in response.data["detail"]


def test_other_database_errors_are_not_disguised_as_conflicts():
    assert as_contention(_operational("08006")) is None  # connection failure
    assert as_contention(ValueError("x")) is None
    assert exception_handler(_operational("08006"), {}) is None  # a real 500, logged


@pytest.mark.django_db
def test_a_lost_race_on_a_page_is_a_409_page(rf: RequestFactory, author):
    request = rf.post("/plans/1/")
    request.user = author
    response = ConflictMiddleware(lambda r: None).process_exception(request,
                                                                    _operational("40P01"))
    assert response.status_code == 409
    assert str(Contention.default_message)[:20] in response.content.decode()
