"""The policy's core indicator set (§3.4, §4.5), shared by the data migration and the demo.

``ensure_core`` takes the model classes so the migration can pass its historical models.
"""

CORE = [
    # code, English, Chinese, unit, aggregation, frequency, source, direction, definition
    ("revenue", "Revenue", "营业收入", "CNY", "sum", "monthly", "internal_system", "higher",
     "Income from sales of products and services, before costs."),
    ("sales_volume", "Sales volume", "销售量", "units", "sum", "monthly", "internal_system",
     "higher", "Units sold in the period."),
    ("customer_count", "Customer count", "客户数量", "customers", "last", "monthly",
     "internal_system", "higher", "Active customers at the end of the period."),
    ("customer_satisfaction", "Customer satisfaction", "客户满意度", "points (0–100)", "avg",
     "quarterly", "customer_feedback", "higher", "Average satisfaction score from surveys."),
    ("market_share", "Market share", "市场份额", "%", "last", "quarterly", "industry_report",
     "higher", "Share of the addressed market's sales."),
    ("cost", "Cost", "成本", "CNY", "sum", "monthly", "internal_system", "lower",
     "Operating costs: people, material, marketing and administration."),
    ("profit", "Profit", "利润", "CNY", "sum", "monthly", "internal_system", "higher",
     "Revenue minus cost."),
]


def ensure_core(Indicator, Department):
    """Create the core indicators that are missing, owned by the Operations Planning
    Department (created if the organisation has none yet). Existing entries are left as
    people edited them."""
    planning = Department.objects.filter(kind="planning", is_active=True).first()
    if planning is None:
        planning, _ = Department.objects.get_or_create(
            code="planning",
            defaults={"name": "Operations Planning Department 运营策划部", "kind": "planning"},
        )
    for code, en, zh, unit, agg, freq, source, direction, definition in CORE:
        Indicator.objects.get_or_create(code=code, defaults={
            "name_en": en, "name_zh": zh, "unit": unit, "aggregation": agg, "frequency": freq,
            "source": source, "direction": direction, "definition": definition,
            "owner_department": planning,
            "formula": "profit = revenue − cost" if code == "profit" else "",
        })
