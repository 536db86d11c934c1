"""Building risks at each stage through the services, as users would."""

from risks import services
from risks.choices import Category
from risks.default_matrix import CELLS, IMPACT, LIKELIHOOD
from risks.models import RiskMatrix


def ensure_matrix(actor=None) -> RiskMatrix:
    """The current matrix (the migration's 5 × 5), created if a flushed database lost it."""
    matrix = RiskMatrix.objects.filter(is_current=True).first()
    if matrix is None:
        matrix = RiskMatrix.objects.create(version=1, likelihood_labels=LIKELIHOOD,
                                           impact_labels=IMPACT, cells=CELLS, is_current=True)
    return matrix


def new_risk(actor, department, title="Key distributor leaves", **extra):
    data = {"category": Category.COMPETITION, "description": "Our largest distributor may "
            "move to a competitor.", **extra}
    return services.risk_create(actor=actor, title=title, department=department, **data)


def assessed(actor, department, likelihood=4, impact=4, **extra):
    ensure_matrix()
    risk = new_risk(actor, department, **extra)
    services.risk_assess(risk=risk, actor=actor, kind="inherent", likelihood=likelihood,
                         impact=impact)
    return type(risk).objects.get(pk=risk.pk)


def responding(actor, department, strategy="reduce", **extra):
    risk = assessed(actor, department, **extra)
    return services.risk_respond(risk=risk, actor=actor, strategy=strategy,
                                 response_plan="Second distributor", target_level="medium")


def levels(rows, columns, level="low"):
    return [[level] * columns for _ in range(rows)]


def labels(n):
    return [{"label": f"L{i}", "description": ""} for i in range(1, n + 1)]
