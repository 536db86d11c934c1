from django.dispatch import Signal

# Sent after commit with ``risk`` and ``assessment`` when a risk becomes high or critical
# (it was not before). The meetings app, above this one, connects to it to propose an ad-hoc
# meeting; the weekly agenda reads risks.selectors.new_high_risks(since) instead.
risk_became_high = Signal()
