from django.dispatch import Signal

# Sent inside the closing transaction with ``decision`` and ``actor``. Apps that own a
# decision's subject (plans, risks, costs) connect to it and apply the outcome, so the
# committee never imports them.
decision_closed = Signal()
