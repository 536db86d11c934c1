"""Seed a large company for bench/pages.py: bulk inserts, not the services (speed).

Used by ``bench/pages.py`` after ``django.setup()`` on a PostgreSQL database; it is not a
benchmark of its own (``make bench`` runs every ``bench/*.py``, so run directly it only says so).

At ``scale=1.0``: 50 business units with a head and 8 staff each, the committee (chair and
eight members), the planning department, the 7 core indicators plus 6 daily operating indicators
and one weekly indicator per unit (with collectors: the collection duties), 1,000,000
measurements over units, indicators and periods (COPY), their rollups (the real
``kpis.rollups.compute()``), targets and open red signals, 10,000 plans across every state with
goals, strategies, action items, revisions, reviews, committee decisions and votes,
acknowledgements, weekly reports, deviations and adjustments, budget lines with their periods
and actuals (and a few over-runs awaiting the committee), 5,000 risks across levels with their
assessments, actions and acceptances, and the meetings of this week and the next.
Every count scales with ``scale`` (at least a handful of each kind remains).
"""

import datetime as dt
import io
import math
import random
import time
from dataclasses import dataclass
from decimal import Decimal

PASSWORD = "bench-pages-password"  # a throw-away loopback database only
BATCH = 5000

# share of the plans in each state (sums to 1)
STATE_SHARES = [
    ("needs_analysis", 0.08), ("drafting", 0.12), ("internal_review", 0.10),
    ("committee_approval", 0.06), ("execution", 0.14), ("monitoring", 0.22),
    ("adjustment", 0.04), ("completed", 0.16), ("cancelled", 0.08),
]
RUNNING = {"execution", "monitoring", "adjustment"}
APPROVED = RUNNING | {"completed"}
REVIEWED = APPROVED | {"internal_review", "committee_approval"}
DAILY_INDICATORS = [("orders", "Orders", "订单数", "orders", "sum", "higher"),
                    ("tickets_opened", "Support tickets opened", "新增工单", "tickets", "sum",
                     "lower"),
                    ("on_time_delivery", "On-time delivery", "准时交付率", "%", "avg", "higher"),
                    ("web_visits", "Web visits", "网站访问量", "visits", "sum", "higher"),
                    ("returns", "Returns", "退货数", "items", "sum", "lower"),
                    ("stock_level", "Stock level", "库存水平", "items", "last", "lower")]


@dataclass
class Counts:
    units: int
    staff_per_unit: int
    plans: int
    measurements: int
    risks: int


def counts_for(scale: float) -> Counts:
    return Counts(units=max(3, round(50 * scale)), staff_per_unit=max(2, round(8 * scale)),
                  plans=max(60, round(10_000 * scale)),
                  measurements=max(2_000, round(1_000_000 * scale)),
                  risks=max(30, round(5_000 * scale)))


def _bulk(model, objs, batch=BATCH):
    return model.objects.bulk_create(objs, batch_size=batch)


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 - back, 12)
    return dt.date(y, m + 1, 1)


def _quarter_start(day: dt.date, back: int = 0) -> dt.date:
    first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return _month_start(first, 3 * back)


def _months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    out, cur = [], dt.date(start.year, start.month, 1)
    while cur <= end:
        out.append(cur)
        cur = _month_start(cur, -1)
    return out


class Seeder:
    def __init__(self, scale: float, say, seed: int = 2026):
        from django.utils import timezone

        self.scale = scale
        self.n = counts_for(scale)
        self.say = say
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.written: dict[str, int] = {}

    def note(self, name: str, rows: int) -> None:
        self.written[name] = self.written.get(name, 0) + rows

    # --- organisation --------------------------------------------------------------------
    def organisation(self):
        from django.contrib.auth.hashers import make_password

        from committee.models import (
            Committee,
            CommitteeSeat,
            Department,
            Membership,
            User,
        )

        self.planning = Department.objects.get(kind="planning", is_active=True)
        self.units = _bulk(Department, [
            Department(code=f"unit-{k:02d}", name=f"Business unit {k:02d}",
                       kind="business_unit", description="Bench business unit")
            for k in range(1, self.n.units + 1)])
        hashed = make_password(PASSWORD)
        since = dt.date(2000, 1, 1)

        def person(username, display):
            return User(username=username, display_name=display, password=hashed,
                        email=f"{username}@bench.example")

        people = [person("gm", "General manager"), person("coo", "Chief operating officer"),
                  person("cfo", "Chief financial officer"),
                  person("planning.manager", "Planning manager")]
        people += [person(f"planning.sup{k}", f"Planning supervisor {k}") for k in (1, 2)]
        people += [person(f"planning.spec{k}", f"Planning specialist {k}") for k in range(1, 7)]
        for k, unit in enumerate(self.units, start=1):
            people.append(person(f"u{k:02d}.head", f"Head of {unit.name}"))
            people += [person(f"u{k:02d}.staff{s}", f"Staff {s} of {unit.name}")
                       for s in range(1, self.n.staff_per_unit + 1)]
        users = {u.username: u for u in _bulk(User, people)}
        self.users = users
        self.gm, self.manager = users["gm"], users["planning.manager"]
        self.specialists = [users[f"planning.spec{k}"] for k in range(1, 7)]
        self.heads = {u.pk: users[f"u{k:02d}.head"] for k, u in enumerate(self.units, 1)}
        self.staff = {u.pk: [users[f"u{k:02d}.staff{s}"]
                             for s in range(1, self.n.staff_per_unit + 1)]
                      for k, u in enumerate(self.units, 1)}
        members = [Membership(user=self.manager, department=self.planning, position="manager",
                              started_on=since)]
        members += [Membership(user=users[f"planning.sup{k}"], department=self.planning,
                               position="supervisor", started_on=since) for k in (1, 2)]
        members += [Membership(user=u, department=self.planning, position="specialist",
                               started_on=since) for u in self.specialists]
        for unit in self.units:
            members.append(Membership(user=self.heads[unit.pk], department=unit,
                                      position="head", started_on=since))
            members += [Membership(user=u, department=unit, position="staff", started_on=since)
                        for u in self.staff[unit.pk]]
        _bulk(Membership, members)
        self.committee, _ = Committee.objects.get_or_create(
            name="Operations Planning Committee",
            defaults={"description": "Decides plans, adjustments, risk acceptances and "
                                     "budget over-runs."})
        self.members = [users["coo"], users["cfo"]] + [self.heads[u.pk] for u in self.units[:6]]
        seats = [CommitteeSeat(committee=self.committee, user=self.gm, role="chair",
                               started_on=since)]
        seats += [CommitteeSeat(committee=self.committee, user=u, role="member",
                                started_on=since) for u in self.members]
        _bulk(CommitteeSeat, seats)
        self.voters = [self.gm, *self.members]
        self.note("departments", len(self.units))
        self.note("people", len(people))
        self.note("memberships", len(members))
        self.note("committee seats", len(seats))

    # --- indicators, measurements, rollups, targets, signals -----------------------------
    def indicators(self):
        from kpis.models import Indicator

        core = list(Indicator.objects.filter(
            code__in=["revenue", "sales_volume", "customer_count", "customer_satisfaction",
                      "market_share", "cost", "profit"]).order_by("code"))
        for k, indicator in enumerate(core):  # the collection duty of each core indicator
            indicator.collector = self.specialists[k % len(self.specialists)]
        Indicator.objects.bulk_update(core, ["collector"])
        daily = _bulk(Indicator, [
            Indicator(code=code, name_en=en, name_zh=zh, unit=unit, aggregation=agg,
                      direction=direction, frequency="daily", owner_department=self.planning,
                      collector=self.specialists[k % len(self.specialists)],
                      definition=f"{en} per day, from the operating systems.")
            for k, (code, en, zh, unit, agg, direction) in enumerate(DAILY_INDICATORS)])
        weekly = _bulk(Indicator, [
            Indicator(code=f"{unit.code}-backlog", name_en=f"{unit.name} order backlog",
                      name_zh=f"{unit.name} 积压订单", unit="orders", aggregation="last",
                      direction="lower", frequency="weekly", owner_department=unit,
                      collector=self.staff[unit.pk][0], visibility="departments")
            for unit in self.units])
        Indicator.readers.through.objects.bulk_create([
            Indicator.readers.through(indicator_id=i.pk, department_id=self.planning.pk)
            for i in weekly])
        self.core, self.daily, self.weekly = core, daily, weekly
        self.note("indicators", len(core) + len(daily) + len(weekly))

    def measurements(self):
        from django.db import connection

        rng = self.rng
        departments = [self.planning, *self.units]
        base = {}  # (indicator, department) -> typical value

        def typical(ind, dep):
            key = (ind.pk, dep.pk)
            if key not in base:
                base[key] = rng.uniform(50, 5000) if ind.unit != "%" else rng.uniform(40, 95)
            return base[key]

        rows = []  # (indicator, department, period_start, value)
        last_month = _month_start(self.today, 1)
        months = [_month_start(last_month, k) for k in range(119, -1, -1)]
        quarters = [_quarter_start(_quarter_start(self.today, 1), k) for k in range(39, -1, -1)]
        for ind in self.core:
            periods = quarters if ind.frequency == "quarterly" else months
            for dep in departments:
                t = typical(ind, dep)
                for n, p in enumerate(periods):
                    rows.append((ind.pk, dep.pk, p, t * (0.85 + 0.3 * rng.random()
                                                         + 0.002 * n)))
        monday = self.today - dt.timedelta(days=self.today.weekday() + 7)
        weeks = [monday - dt.timedelta(weeks=k) for k in range(259, -1, -1)]
        for ind, unit in zip(self.weekly, self.units, strict=True):
            t = typical(ind, unit)
            rows += [(ind.pk, unit.pk, w, t * (0.7 + 0.6 * rng.random())) for w in weeks]
        rest = self.n.measurements - len(rows)
        if rest < 0:
            rows = rows[:self.n.measurements]
            rest = 0
        pairs = [(ind, dep) for ind in self.daily for dep in departments]
        days = math.ceil(rest / len(pairs)) if rest else 0
        yesterday = self.today - dt.timedelta(days=1)
        day_list = [yesterday - dt.timedelta(days=k) for k in range(days - 1, -1, -1)]
        added = 0
        for day in day_list:  # date-major, like a daily feed
            for ind, dep in pairs:
                if added == rest:
                    break
                rows.append((ind.pk, dep.pk, day, typical(ind, dep) * (0.6 + 0.8 * rng.random())))
                added += 1
        self.base = base
        collector = {i.pk: i.collector_id for i in (*self.core, *self.daily, *self.weekly)}
        stamp = self.now.isoformat()
        sql = ("COPY kpis_measurement (indicator_id, department_id, period_start, value, note, "
               "recorded_by_id, recorded_at) FROM STDIN")
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            buf = io.StringIO()
            for n, (i, d, p, v) in enumerate(rows, start=1):
                buf.write(f"{i}\t{d}\t{p.isoformat()}\t{v:.2f}\t\t{collector[i]}\t{stamp}\n")
                if n % 100_000 == 0:
                    copy.write(buf.getvalue())
                    buf = io.StringIO()
            copy.write(buf.getvalue())
        self.note("measurements", len(rows))
        self.say(f"  measurements: {len(rows):,} rows ({len(self.core)} core indicators x "
                 f"{len(departments)} departments monthly/quarterly over 10 years, "
                 f"{len(self.weekly)} unit indicators weekly over 5 years, "
                 f"{len(self.daily)} daily indicators x {len(departments)} departments over "
                 f"{days:,} days)")

    def rollups(self):
        from kpis.rollups import compute

        start = time.perf_counter()
        written = compute()
        self.note("rollups", written)
        self.say(f"  rollups: {written:,} rows by kpis.rollups.compute() in "
                 f"{time.perf_counter() - start:.1f} s")

    def targets_and_signals(self):
        from kpis.models import DeviationSignal, Target

        rng = self.rng
        targets, signals = [], []
        months = _months_between(dt.date(self.today.year, 1, 1), self.today)
        for ind in self.core:
            grain = "quarter" if ind.frequency == "quarterly" else "month"
            periods = ([_quarter_start(m) for m in months[::3]] if grain == "quarter"
                       else months)
            for dep in self.units:
                t = Decimal(f"{self.base[(ind.pk, dep.pk)]:.2f}")
                higher = ind.direction == "higher"
                target = (t * Decimal("1.05") if higher else t * Decimal("0.95")).quantize(
                    Decimal("0.01"))
                red = (t * Decimal("0.9") if higher else t * Decimal("1.1")).quantize(
                    Decimal("0.01"))
                for p in periods:
                    targets.append(Target(indicator=ind, department=dep, grain=grain,
                                          period_start=p, target=target, red_threshold=red,
                                          origin="Bench annual plan", set_by=self.manager))
                if rng.random() < 0.08:
                    value = (red * Decimal("0.9") if higher else red * Decimal("1.1"))
                    signals.append(DeviationSignal(
                        indicator=ind, department=dep, grain=grain, period_start=periods[-1],
                        value=value.quantize(Decimal("0.01")), target=target))
        _bulk(Target, targets)
        self.signals = _bulk(DeviationSignal, signals)
        self.note("targets", len(targets))
        self.note("deviation signals", len(signals))

    # --- plans ---------------------------------------------------------------------------
    def _period(self, state: str, kind: str) -> dt.date:
        today, rng = self.today, self.rng
        if kind == "annual":
            current = dt.date(today.year, 1, 1)
            step = lambda k: dt.date(current.year + k, 1, 1)  # noqa: E731
        elif kind == "quarterly":
            current = _quarter_start(today)
            step = lambda k: _quarter_start(current, -k)  # noqa: E731
        else:
            current = _month_start(today)
            step = lambda k: _month_start(current, -k)  # noqa: E731
        if state in RUNNING:
            return current
        if state == "completed":
            return step(-rng.randint(1, 4))
        if state == "cancelled":
            return step(rng.randint(-3, 1))
        return step(rng.choice((0, 1, 1)))  # being prepared: mostly the next period

    def plans(self):
        from plans.models import Plan, period_end_for

        rng, n = self.rng, self.n.plans
        states = []
        for state, share in STATE_SHARES:
            states += [state] * round(share * n)
        states = (states + ["monitoring"] * n)[:n]
        rng.shuffle(states)
        objs = []
        for k, state in enumerate(states):
            company = rng.random() < 0.15
            unit = None if company else self.units[k % len(self.units)]
            kind = rng.choices(("annual", "quarterly", "monthly"), (3, 4, 3))[0]
            start = self._period(state, kind)
            author = (self.specialists[k % len(self.specialists)] if company
                      else self.heads[unit.pk])
            revision = 0 if state in ("needs_analysis", "drafting") else rng.choice((1, 1, 2))
            if state == "cancelled":
                revision = rng.choice((0, 1))
            approved = revision if state in APPROVED else None
            name = "Company" if company else unit.name
            plan = Plan(title=f"{name} {kind} plan {start:%Y-%m} #{k + 1}",
                        level="company" if company else "unit", department=unit,
                        period_kind=kind, period_start=start,
                        period_end=period_end_for(kind, start), author=author, state=state,
                        revision=revision, approved_revision=approved,
                        summary="Grow revenue and satisfaction in the period.",
                        market_size=Decimal("18500"), growth_rate=Decimal("6.5"))
            if state in APPROVED:
                plan.published_revision = approved
                plan.published_at = self.now - dt.timedelta(days=rng.randint(5, 60))
            if state == "completed":
                plan.completed_at = self.now - dt.timedelta(days=rng.randint(1, 90))
                plan.completion_lessons = "Weekly checkpoints kept the plan on track."
            if state == "cancelled":
                plan.cancel_reason = "Superseded by a company plan."
            objs.append(plan)
        self.plan_list = _bulk(Plan, objs)
        self.note("plans", len(objs))
        from django.db import connection

        with connection.cursor() as cursor:  # spread creation and last change over 90 days
            cursor.execute(
                "UPDATE plans_plan SET created_at = now() - (mod(id, 90) + 10) * interval '1 day', "
                "state_changed_at = now() - mod(id, 10) * interval '1 day' "
                "- mod(id, 24) * interval '1 hour', "
                "updated_at = now() - (mod(id, 30)) * interval '1 day' - (mod(id, 24)) * interval "
                "'1 hour' WHERE id >= %s", [self.plan_list[0].pk])

    def plan_content(self):
        from plans.models import (
            ActionItem,
            Goal,
            PlanRevision,
            Review,
            Strategy,
        )

        rng = self.rng
        revenue = next(i for i in self.core if i.code == "revenue")
        satisfaction = next(i for i in self.core if i.code == "customer_satisfaction")
        goals, strategies, actions, revisions, reviews = [], [], [], [], []
        for k, plan in enumerate(self.plan_list):
            end = plan.period_end
            goals += [
                Goal(plan=plan, title="Grow revenue", indicator=revenue, measure="revenue",
                     unit=revenue.unit, baseline=Decimal("820"), target=Decimal("950"),
                     direction="higher", deadline=end),
                Goal(plan=plan, title="Raise customer satisfaction", indicator=satisfaction,
                     measure="customer_satisfaction", unit=satisfaction.unit,
                     baseline=Decimal("78"), target=Decimal("85"), direction="higher",
                     deadline=end),
                Goal(plan=plan, title="Cut first-response time", measure="Response time",
                     unit="hours", baseline=Decimal("12"), target=Decimal("4"),
                     direction="lower", deadline=end),
            ]
            if plan.state != "needs_analysis":
                strategies += [Strategy(plan=plan, kind=kind, content=f"The {kind} strategy.")
                               for kind in ("product", "price", "channel", "promotion")]
            span = (end - plan.period_start).days
            for a in range(5):
                dep = plan.department or self.units[(k + a) % len(self.units)]
                person = (self.heads[dep.pk] if a == 0
                          else self.staff[dep.pk][a % len(self.staff[dep.pk])])
                deadline = plan.period_start + dt.timedelta(days=span * (a + 1) // 5)
                action = ActionItem(
                    plan=plan, title=f"Action {a + 1} of plan {k + 1}", department=dep,
                    person=person, deadline=deadline, steps="1. Brief 2. Execute 3. Report",
                    resources="Two people part-time", expected_result="Done on time",
                    critical=a == 0)
                if plan.state in RUNNING or plan.state == "completed":
                    past = deadline < self.today
                    roll = rng.random()
                    if plan.state == "completed" or (past and roll < 0.7):
                        action.status, action.percent_complete = "done", 100
                        action.completed_on = min(deadline, self.today)
                        action.quality = rng.choice(("met", "met", "partly", "not_met"))
                    elif roll < 0.85 or not past:
                        action.status = "in_progress" if roll < 0.95 else "blocked"
                        action.percent_complete = rng.randint(10, 90)
                    # else: overdue and not started
                actions.append(action)
            for number in range(1, plan.revision + 1):
                revisions.append(PlanRevision(plan=plan, number=number, created_by=plan.author,
                                              snapshot={"title": plan.title, "revision": number},
                                              created_at=self.now - dt.timedelta(
                                                  days=rng.randint(3, 40))))
                current = number == plan.revision
                for r in range(3):
                    dep = self.units[(k + 7 + r) % len(self.units)]
                    review = Review(plan=plan, revision=number, department=dep)
                    pending = (plan.state == "internal_review" and current and rng.random() < 0.6)
                    if (not pending and plan.state not in ("needs_analysis", "drafting",
                                                          "cancelled")) or not current:
                        review.state = "done" if current else "superseded"
                        review.reviewer = self.heads[dep.pk]
                        review.verdict = "approve" if current else "request_changes"
                        review.feasibility = review.rationality = review.risk = 4
                        review.innovation = 3
                        review.feasibility_comment = "Feasible."
                        review.submitted_at = self.now - dt.timedelta(days=rng.randint(1, 30))
                    reviews.append(review)
        self.goals = _bulk(Goal, goals)
        _bulk(Strategy, strategies)
        self.actions = _bulk(ActionItem, actions)
        _bulk(PlanRevision, revisions)
        _bulk(Review, reviews)
        through = ActionItem.goals.through
        _bulk(through, [through(actionitem_id=a.pk, goal_id=self.goals[3 * (n // 5) + n % 3].pk)
                        for n, a in enumerate(self.actions)])
        self.note("goals", len(goals))
        self.note("strategies", len(strategies))
        self.note("action items", len(actions))
        self.note("plan revisions", len(revisions))
        self.note("reviews", len(reviews))

    def decisions(self):
        from django.contrib.contenttypes.models import ContentType

        from committee.models import Decision, Vote
        from plans.models import Acknowledgement, Adjustment, Deviation, Plan

        rng = self.rng
        plan_type = ContentType.objects.get_for_model(Plan)
        decisions, votes_for = [], []
        for plan in self.plan_list:
            if plan.state not in APPROVED and plan.state != "committee_approval":
                continue
            open_ = plan.state == "committee_approval"
            opened = self.now - dt.timedelta(days=rng.randint(1, 20 if open_ else 120))
            decision = Decision(
                committee=self.committee, kind="plan_approval",
                title=f"Approve {plan.title}"[:255], subject_type=plan_type,
                subject_id=plan.pk, subject_revision=plan.revision, quorum_share=Decimal("0.50"),
                majority="simple", opened_at=opened, opened_by=self.manager,
                state="open" if open_ else "approved")
            if not open_:
                decision.closed_at = opened + dt.timedelta(days=3)
                decision.closed_by = self.gm
                decision.eligible_at_close = len(self.voters)
                decision.summary = "Approved by a simple majority."
            decisions.append(decision)
            voters = (rng.sample(self.voters, rng.randint(0, len(self.voters) - 2)) if open_
                      else self.voters)
            votes_for.append(voters)
        decisions = _bulk(Decision, decisions)
        votes = [Vote(decision=d, voter=v, choice=rng.choice(("approve", "approve", "reject",
                                                               "abstain")) if d.is_open
                      else "approve", cast_at=d.opened_at + dt.timedelta(hours=5))
                 for d, voters in zip(decisions, votes_for, strict=True) for v in voters]
        _bulk(Vote, votes)
        self.note("decisions", len(decisions))
        self.note("votes", len(votes))

        by_plan: dict[int, list] = {}
        for action in self.actions:
            by_plan.setdefault(action.plan_id, []).append(action)
        self.actions_by_plan = by_plan
        acks, deviations, adjustments, links = [], [], [], []
        for plan in self.plan_list:
            if plan.state in APPROVED:
                for dep_id in {a.department_id for a in by_plan[plan.pk]}:
                    done = plan.state != "execution" or rng.random() < 0.5
                    acks.append(Acknowledgement(
                        plan=plan, revision=plan.approved_revision, department_id=dep_id,
                        state="acknowledged" if done else "pending",
                        acknowledged_by=self.heads[dep_id] if done else None,
                        acknowledged_at=plan.published_at if done else None))
            if plan.state in ("monitoring", "adjustment") and (
                    plan.state == "adjustment" or rng.random() < 0.3):
                analysed = plan.state == "adjustment" or rng.random() < 0.5
                deviations.append(Deviation(
                    plan=plan, title="Revenue behind the monthly target",
                    source="reported", gap=Decimal("-35.5"), gap_note="Revenue 8 % short",
                    cause_category="market_change" if analysed else "",
                    evidence="Monthly revenue report." if analysed else "",
                    owner=plan.author, due_date=self.today + dt.timedelta(days=14),
                    state="in_adjustment" if plan.state == "adjustment" else "open",
                    created_by=plan.author,
                    created_at=self.now - dt.timedelta(days=rng.randint(1, 30))))
            if plan.state in RUNNING:
                for action in by_plan[plan.pk]:
                    if action.critical and action.deadline < self.today and \
                            action.status != "done":
                        deviations.append(Deviation(
                            plan=plan, title=f"Critical action overdue: {action.title}",
                            source="overdue_action", action=action, state="open",
                            owner=action.person, created_at=self.now))
            if plan.state == "completed" and rng.random() < 0.2:
                deviations.append(Deviation(plan=plan, title="Costs above budget",
                                            source="reported", cause_category="weak_execution",
                                            state="resolved", created_by=plan.author))
        _bulk(Acknowledgement, acks)
        deviations = _bulk(Deviation, deviations)
        for deviation in deviations:
            if deviation.state == "in_adjustment":
                adjustments.append(Adjustment(
                    plan_id=deviation.plan_id, kind="action_plan_change",
                    description="Move budget to the online channel.",
                    base_revision=deviation.plan.approved_revision or 1,
                    created_by=self.manager))
                links.append(deviation)
        adjustments = _bulk(Adjustment, adjustments)
        through = Adjustment.deviations.through
        _bulk(through, [through(adjustment_id=a.pk, deviation_id=d.pk)
                        for a, d in zip(adjustments, links, strict=True)])
        self.note("acknowledgements", len(acks))
        self.note("deviations", len(deviations))
        self.note("adjustments", len(adjustments))

    def weekly_reports(self):
        from plans.models import WeekLock, WeeklyReport, WeeklyReportLine

        rng = self.rng
        this_monday = self.today - dt.timedelta(days=self.today.weekday())
        weeks = [this_monday - dt.timedelta(weeks=k) for k in range(6)]
        _bulk(WeekLock, [WeekLock(iso_year=w.isocalendar().year, iso_week=w.isocalendar().week)
                         for w in weeks[1:]])
        reports, line_specs = [], []
        for plan in self.plan_list:
            if plan.state not in RUNNING:
                continue
            actions = self.actions_by_plan[plan.pk]
            by_dep: dict[int, list] = {}
            for action in actions:
                by_dep.setdefault(action.department_id, []).append(action)
            for dep_id, dep_actions in by_dep.items():
                for w, monday in enumerate(weeks):
                    if monday < plan.period_start - dt.timedelta(days=7):
                        continue
                    if w == 0 and rng.random() < 0.5:
                        continue  # not posted yet this week
                    if w and rng.random() < 0.1:
                        continue  # missed
                    iso = monday.isocalendar()
                    reports.append(WeeklyReport(
                        plan=plan, department_id=dep_id, iso_year=iso.year, iso_week=iso.week,
                        author=self.heads[dep_id], summary="Progress as planned.",
                        problems="Supplier delay." if rng.random() < 0.2 else "",
                        help_needed="Marketing support." if rng.random() < 0.1 else "",
                        next_week="Continue.", late=rng.random() < 0.1,
                        submitted_at=self.now - dt.timedelta(weeks=w),
                        locked_at=None if w == 0 else self.now - dt.timedelta(weeks=w - 1)))
                    line_specs.append(dep_actions)
        reports = _bulk(WeeklyReport, reports)
        lines = [WeeklyReportLine(report=report, action=action,
                                  status=action.status, percent_complete=action.percent_complete,
                                  note="On track.")
                 for report, dep_actions in zip(reports, line_specs, strict=True)
                 for action in dep_actions]
        _bulk(WeeklyReportLine, lines)
        self.note("weekly reports", len(reports))
        self.note("weekly report lines", len(lines))

    # --- costs ---------------------------------------------------------------------------
    def costs(self):
        from django.contrib.contenttypes.models import ContentType

        from committee.models import Decision
        from costs.models import BudgetLine, BudgetPeriod, CostEntry, Overrun

        rng = self.rng
        lines = []
        for plan in self.plan_list:
            if plan.state in ("needs_analysis",) or (plan.state == "drafting"
                                                     and rng.random() < 0.5):
                continue
            actions = self.actions_by_plan[plan.pk]
            for c, category in enumerate(("personnel", "marketing", "material")):
                action = actions[c]
                lines.append(BudgetLine(
                    plan=plan, category=category, department_id=action.department_id,
                    action=action, description=f"{category} for {action.title}",
                    basis="history", amount=Decimal(rng.randrange(12_000, 600_000)),
                    split_kind="quarterly" if plan.period_kind == "annual" else "monthly"))
        lines = _bulk(BudgetLine, lines)
        plans = {p.pk: p for p in self.plan_list}
        periods, entries, overspend = [], [], {}
        for line in lines:
            plan = plans[line.plan_id]
            starts = _months_between(plan.period_start, plan.period_end)
            if line.split_kind == "quarterly":
                starts = starts[::3]
            share = (line.amount / len(starts)).quantize(Decimal("0.01"))
            for n, start in enumerate(starts):
                amount = share if n < len(starts) - 1 else line.amount - share * (len(starts) - 1)
                periods.append(BudgetPeriod(line=line, period_start=start, amount=amount))
            if plan.state not in APPROVED:
                continue
            months = [m for m in _months_between(plan.period_start, plan.period_end)
                      if m <= self.today]
            monthly = line.amount / len(_months_between(plan.period_start, plan.period_end))
            over = plan.state in RUNNING and rng.random() < 0.04
            for m in months:
                factor = Decimal(str(round(rng.uniform(1.3, 1.6) if over
                                           else rng.uniform(0.6, 1.1), 3)))
                day = min(m + dt.timedelta(days=rng.randint(0, 27)), self.today)
                entries.append(CostEntry(plan=plan, category=line.category,
                                         department_id=line.department_id, incurred_on=day,
                                         amount=(monthly * factor).quantize(Decimal("0.01")),
                                         note="Bench actual", recorded_by=self.manager))
            if over and months:
                overspend[(plan.pk, line.category)] = line
        _bulk(BudgetPeriod, periods, batch=10_000)
        _bulk(CostEntry, entries)
        overruns = _bulk(Overrun, [
            Overrun(plan_id=plan_id, category=category, budget=line.amount,
                    spent=(line.amount * Decimal("1.2")).quantize(Decimal("0.01")),
                    action="decision", state="awaiting",
                    opened_at=self.now - dt.timedelta(days=rng.randint(1, 10)))
            for (plan_id, category), line in overspend.items()])
        overrun_type = ContentType.objects.get_for_model(Overrun)
        _bulk(Decision, [Decision(
            committee=self.committee, kind="budget_overrun",
            title=f"Budget over-run: {plans[o.plan_id].title} · {o.category}"[:255],
            subject_type=overrun_type, subject_id=o.pk, quorum_share=Decimal("0.50"),
            majority="simple", opened_at=o.opened_at) for o in overruns])
        self.note("budget lines", len(lines))
        self.note("budget periods", len(periods))
        self.note("cost entries", len(entries))
        self.note("over-runs", len(overruns))

    # --- risks ---------------------------------------------------------------------------
    def risks(self):
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection

        from committee.models import Decision
        from risks.models import Acceptance, Assessment, Risk, RiskAction, RiskMatrix

        rng = self.rng
        matrix = RiskMatrix.objects.get(is_current=True)
        statuses = rng.choices(("identified", "assessed", "responding", "monitoring", "closed"),
                               (1, 2, 3, 3, 1), k=self.n.risks)
        unit_plans: dict[int, list[int]] = {}
        for plan in self.plan_list:
            if plan.department_id:
                unit_plans.setdefault(plan.department_id, []).append(plan.pk)
        risks = []
        for k, status in enumerate(statuses):
            unit = self.units[k % len(self.units)]
            head = self.heads[unit.pk]
            risk = Risk(title=f"Risk {k + 1}: {rng.choice(('supplier delay', 'price war',
                                                           'key staff leaving',
                                                           'regulation change',
                                                           'system outage'))}",
                        category=rng.choice(("market", "competition", "technical", "financial",
                                             "legal", "other")),
                        department=unit, owner=head, status=status, created_by=head,
                        description="Identified in the quarterly risk workshop.")
            if status in ("responding", "monitoring", "closed"):
                risk.strategy = rng.choice(("avoid", "reduce", "reduce", "transfer", "accept"))
                risk.response_plan = "Second supplier; monthly check."
                risk.target_level = "low"
            if status != "closed" and status != "identified":
                risk.review_every_days = 30
                risk.next_review_on = self.today + dt.timedelta(days=rng.randint(-20, 60))
            if status == "closed":
                risk.closed_reason = "The cause went away."
            risks.append(risk)
        risks = _bulk(Risk, risks)
        through = Risk.plans.through
        _bulk(through, [through(risk_id=r.pk, plan_id=rng.choice(unit_plans[r.department_id]))
                        for r in risks if r.department_id in unit_plans])
        assessments = []
        for risk in risks:
            if risk.status == "identified":
                continue
            li, im = rng.randint(1, matrix.rows), rng.randint(1, matrix.columns)
            assessments.append(Assessment(
                risk=risk, kind="inherent", matrix=matrix, likelihood=li, impact=im,
                level=matrix.level(li, im), probability=Decimal(li * 15),
                financial_impact=Decimal(im * 100_000), assessed_by=risk.owner,
                assessed_at=self.now - dt.timedelta(days=rng.randint(30, 300))))
            if risk.status in ("monitoring", "closed"):
                li2, im2 = max(1, li - 2), max(1, im - 1)
                assessments.append(Assessment(
                    risk=risk, kind="residual", matrix=matrix, likelihood=li2, impact=im2,
                    level=matrix.level(li2, im2), assessed_by=risk.owner,
                    assessed_at=self.now - dt.timedelta(days=rng.randint(1, 29))))
        assessments = _bulk(Assessment, assessments)
        with connection.cursor() as cursor:
            for kind in ("inherent", "residual"):
                cursor.execute(
                    f"UPDATE risks_risk r SET {kind}_id = a.id, {kind}_level = a.level "
                    f"FROM risks_assessment a WHERE a.risk_id = r.id AND a.kind = %s",
                    [kind])
            cursor.execute("UPDATE risks_risk SET created_at = now() - (mod(id, 200)) * "
                           "interval '1 day' WHERE id >= %s", [risks[0].pk])
        inherent = {a.risk_id: a for a in assessments if a.kind == "inherent"}
        actions, acceptances = [], []
        for risk in risks:
            if risk.status in ("responding", "monitoring"):
                actions += [RiskAction(risk=risk, title=f"Response step {s}", owner=risk.owner,
                                       due_on=self.today + dt.timedelta(days=rng.randint(-10, 45)),
                                       cost=Decimal(rng.randrange(1000, 50_000)),
                                       status="open" if risk.status == "responding" else "done")
                            for s in (1, 2)]
            a = inherent.get(risk.pk)
            if a and a.level in ("high", "critical") and risk.status == "responding" \
                    and rng.random() < 0.05:
                acceptances.append(Acceptance(risk=risk, assessment=a, level=a.level,
                                              reason="Cost of avoiding exceeds exposure.",
                                              requested_by=risk.owner))
        _bulk(RiskAction, actions)
        risk_type = ContentType.objects.get_for_model(Risk)
        decisions = _bulk(Decision, [Decision(
            committee=self.committee, kind="risk_acceptance",
            title=f"Accept {acc.risk.title}"[:255], subject_type=risk_type,
            subject_id=acc.risk.pk, quorum_share=Decimal("0.50"), majority="simple",
            opened_at=self.now - dt.timedelta(days=rng.randint(1, 10)))
            for acc in acceptances])
        for acc, decision in zip(acceptances, decisions, strict=True):
            acc.decision = decision
        _bulk(Acceptance, acceptances)
        self.note("risks", len(risks))
        self.note("risk assessments", len(assessments))
        self.note("risk actions", len(actions))
        self.note("risk acceptances", len(acceptances))

    # --- meetings ------------------------------------------------------------------------
    def meetings(self):
        import zoneinfo

        from django.conf import settings

        from meetings.models import AgendaItem, FollowUp, Meeting, Participant
        from meetings.services import monthly_slot, weekly_slot

        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        monday = self.today - dt.timedelta(days=self.today.weekday())

        def at(day, hour):
            return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)

        meetings = []
        for w in range(-12, 2):  # twelve past weekly meetings, this week's and next week's
            day = monday + dt.timedelta(weeks=w)
            iso = day.isocalendar()
            state = "archived" if w < -1 else "minutes_approved" if w == -1 else "scheduled"
            meetings.append(Meeting(
                kind="weekly", slot=weekly_slot(day), state=state,
                title=f"Weekly operations meeting {iso.year}-W{iso.week:02d}",
                starts_at=at(day, 9), ends_at=at(day, 11), location="Room 1", chair=self.gm,
                minutes_approved_at=at(day, 17) if w < 0 else None))
        first = self.today.replace(day=1)
        for m, state in ((1, "archived"), (0, "scheduled")):
            day = _month_start(first, m) + dt.timedelta(days=2)
            meetings.append(Meeting(kind="monthly", slot=monthly_slot(day), state=state,
                                    title=f"Monthly summary meeting {day:%Y-%m}",
                                    starts_at=at(day, 14), ends_at=at(day, 17),
                                    location="Board room", chair=self.gm))
        day = monday + dt.timedelta(days=10)
        meetings.append(Meeting(kind="adhoc", slot="bench-adhoc-1", state="scheduled",
                                title="Supplier price increase", urgency="urgent",
                                subject="Respond to the 12 % price increase.",
                                starts_at=at(day, 15), ends_at=at(day, 16), chair=self.gm,
                                called_by=self.manager))
        meetings = _bulk(Meeting, meetings)
        invitees = [self.gm, *self.members, self.manager, *self.heads.values()]
        invitees = list({u.pk: u for u in invitees}.values())
        participants, agenda, follow_ups = [], [], []
        for meeting in meetings:
            past = meeting.state in ("archived", "minutes_approved")
            participants += [Participant(meeting=meeting, user=u,
                                         attendance="present" if past else "invited")
                             for u in invitees]
            for n, (section, title) in enumerate((("follow_ups", "Open follow-ups"),
                                                  ("progress", "Last week's progress"),
                                                  ("overdue", "Overdue action items"),
                                                  ("red_kpis", "Indicators in the red"),
                                                  ("deviations", "Open deviations"))):
                agenda.append(AgendaItem(meeting=meeting, order=n, section=section, title=title,
                                         minutes="Discussed." if past else ""))
            if past:
                for k in range(4):
                    owner = invitees[(meeting.pk + k) % len(invitees)]
                    follow_ups.append(FollowUp(
                        meeting=meeting, title=f"Follow up {k + 1} of {meeting.title}",
                        owner=owner, due_date=meeting.starts_at.date() + dt.timedelta(days=7),
                        created_by=self.manager, created_at=meeting.starts_at,
                        state="open" if self.rng.random() < 0.3 else "done"))
        _bulk(Participant, participants)
        _bulk(AgendaItem, agenda)
        _bulk(FollowUp, follow_ups)
        self.note("meetings", len(meetings))
        self.note("meeting participants", len(participants))
        self.note("follow-ups", len(follow_ups))


def seed(scale: float, say) -> dict:
    """Seed everything (in one transaction per step); return the counts written."""
    from django.db import connection, transaction

    seeder = Seeder(scale, say)
    steps = [("organisation", seeder.organisation), ("indicators", seeder.indicators),
             ("measurements (COPY)", seeder.measurements), ("rollups", seeder.rollups),
             ("targets and signals", seeder.targets_and_signals), ("plans", seeder.plans),
             ("plan content", seeder.plan_content),
             ("decisions, acknowledgements, deviations", seeder.decisions),
             ("weekly reports", seeder.weekly_reports), ("costs", seeder.costs),
             ("risks", seeder.risks), ("meetings", seeder.meetings)]
    timings = {}
    for name, step in steps:
        start = time.perf_counter()
        with transaction.atomic():
            step()
        timings[name] = time.perf_counter() - start
        say(f"  seeded {name} in {timings[name]:.1f} s")
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze"] = time.perf_counter() - start
    return {"rows": seeder.written, "seconds": timings, "counts": seeder.n.__dict__}


PERSONAS = {"committee": "coo", "planning": "planning.manager", "unit": "u01.head"}
