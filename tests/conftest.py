"""Suite-wide settings.

Hypothesis: no per-example deadline anywhere. CI shares two cores with browsers, so one example can take a second
for reasons that have nothing to do with the code under test; cost is asserted by the linearity tests (ratios at n
and 8n), never by a wall-clock deadline.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("corskit", deadline=None)
settings.load_profile("corskit")
