"""The demo company's organisation (§2): committee, planning department, business units."""

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from committee.choices import DepartmentKind, Position, SeatRole
from committee.models import Committee, CommitteeSeat, Department, Membership

ORDER = 10

DEPARTMENTS = [
    # code, English name, Chinese name, kind
    ("executive", "Executive Office", "总经理办公室", DepartmentKind.OTHER),
    ("planning", "Operations Planning Department", "运营策划部", DepartmentKind.PLANNING),
    ("sales", "Sales", "销售部", DepartmentKind.BUSINESS_UNIT),
    ("marketing", "Marketing", "市场部", DepartmentKind.BUSINESS_UNIT),
    ("product", "Product", "产品部", DepartmentKind.BUSINESS_UNIT),
    ("service", "Customer Service", "客户服务部", DepartmentKind.BUSINESS_UNIT),
    ("finance", "Finance", "财务部", DepartmentKind.BUSINESS_UNIT),
    ("audit", "Internal Audit", "内审部", DepartmentKind.OTHER),
]

PEOPLE = [
    # username, display name, department, position, committee seat
    ("chair", "Zhang Wei 张伟", "executive", Position.HEAD, SeatRole.CHAIR),
    ("planning.manager", "Liu Yang 刘洋", "planning", Position.MANAGER, SeatRole.MEMBER),
    ("planning.sup1", "Chen Jing 陈静", "planning", Position.SUPERVISOR, None),
    ("planning.sup2", "Zhao Lei 赵磊", "planning", Position.SUPERVISOR, None),
    ("planning.spec1", "Huang Min 黄敏", "planning", Position.SPECIALIST, None),
    ("planning.spec2", "Zhou Tao 周涛", "planning", Position.SPECIALIST, None),
    ("planning.spec3", "Wu Xia 吴霞", "planning", Position.SPECIALIST, None),
    ("sales.head", "Sun Qiang 孙强", "sales", Position.HEAD, SeatRole.MEMBER),
    ("sales.staff1", "Ma Li 马丽", "sales", Position.STAFF, None),
    ("sales.staff2", "Zhu Hao 朱浩", "sales", Position.STAFF, None),
    ("marketing.head", "Hu Yan 胡燕", "marketing", Position.HEAD, None),
    ("marketing.staff1", "Guo Peng 郭鹏", "marketing", Position.STAFF, None),
    ("product.head", "Lin Feng 林峰", "product", Position.HEAD, SeatRole.MEMBER),
    ("product.staff1", "He Jun 何军", "product", Position.STAFF, None),
    ("service.head", "Gao Xin 高欣", "service", Position.HEAD, None),
    ("service.staff1", "Luo Ting 罗婷", "service", Position.STAFF, None),
    ("finance.head", "Zheng Hua 郑华", "finance", Position.HEAD, SeatRole.MEMBER),
    ("finance.staff1", "Liang Yu 梁宇", "finance", Position.STAFF, None),
    ("auditor", "Song Jie 宋杰", "audit", Position.AUDITOR, None),
]

INTEGRATIONS = [("erp.integration", "ERP integration", "finance")]


def seed(ctx):
    User = get_user_model()
    departments = {}
    for code, name, name_zh, kind in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(
            code=code, defaults={"name": f"{name} {name_zh}", "kind": kind}
        )
    committee, _ = Committee.objects.get_or_create(
        name="Operations Planning Committee 运营策划委员会",
        defaults={"description": "Sets strategy and operating goals; approves major plans and "
                  "strategy adjustments; resolves cross-department issues; supervises that "
                  "the operations policy is followed."},
    )

    def person(username, display_name, **extra):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, display_name=display_name,
                        email=f"{username}@opsplan.example", **extra)
            user.set_password(ctx.password)
            user.save()
            ctx.created_logins.append((username, display_name))
        return user

    person("admin", "Administrator", is_staff=True, is_superuser=True)
    for username, display_name, dept, position, seat in PEOPLE:
        user = person(username, display_name)
        Membership.objects.get_or_create(
            user=user, department=departments[dept], position=position, ended_on=None
        )
        if seat is not None:
            CommitteeSeat.objects.get_or_create(
                committee=committee, user=user, ended_on=None, defaults={"role": seat}
            )
    for username, display_name, dept in INTEGRATIONS:
        user = person(username, display_name)
        Membership.objects.get_or_create(
            user=user, department=departments[dept], position=Position.INTEGRATION,
            ended_on=None,
        )
        token, created = Token.objects.get_or_create(user=user)
        if created:
            ctx.tokens.append((username, token.key))

    ctx.shared.update(departments=departments, committee=committee)
    ctx.counts.update(
        departments=Department.objects.count(),
        people=User.objects.count(),
        memberships=Membership.objects.count(),
        committee_seats=CommitteeSeat.objects.filter(ended_on=None).count(),
    )
