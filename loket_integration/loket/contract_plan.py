"""Which state each Loket employment's Odoo contract gets (pure functions, no Odoo).

Odoo allows one contract at a time per employee over overlapping dates among the
contracts that count (Running, Expired, and New marked Ready); Loket allows
concurrent employments. Where that forces a choice, the employment running today
gets the real contract (of several running today, the one that started first),
else the latest started one; an employment overlapping one already chosen (or a
contract that is not Loket's) is a plain New (draft) contract.

Phases follow Odoo's own contract schedule (``hr.contract.update_state``): a
contract whose end date is reached is Expired, a Ready one starts on its start date.
"""

import datetime
from dataclasses import dataclass

RUNNING = "running"  # state 'open'
CLOSED = "closed"  # state 'close': its end date is reached
READY = "ready"  # state 'draft', kanban_state 'done': Odoo's contract schedule starts it
OVERLAP = "overlap"  # state 'draft', kanban_state 'normal': runs alongside the chosen one

COUNTING = (RUNNING, CLOSED, READY)  # the ones Odoo's one-contract-at-a-time rule counts


@dataclass(frozen=True)
class Span:
    """An employment (or another contract): ``key`` identifies it, ``end`` None = open-ended."""

    key: object
    start: datetime.date
    end: datetime.date | None = None


def phase(span, today):
    """Where ``span`` stands on ``today`` on its own: closed, running or ready."""
    if span.end and span.end <= today:
        return CLOSED
    if span.start > today:
        return READY
    return RUNNING


def overlaps(a, b):
    """Whether two spans share a day (ends inclusive, None open-ended)."""
    return a.start <= (b.end or datetime.date.max) and b.start <= (a.end or datetime.date.max)


def _priority(span, today):
    start = span.start.toordinal()
    if phase(span, today) == RUNNING:
        return (0, start, str(span.key))  # running today, the first started first
    return (1, -start, str(span.key))  # else the latest started first


def plan(spans, today, occupied=()):
    """``{key: state}`` for ``spans``: the contract state each employment gets on ``today``.
    ``occupied``: spans of contracts that are not planned here but count (not Loket's)."""
    taken = list(occupied)
    states = {}
    for span in sorted(spans, key=lambda s: _priority(s, today)):
        if any(overlaps(span, other) for other in taken):
            states[span.key] = OVERLAP
        else:
            states[span.key] = phase(span, today)
            taken.append(span)
    return states


def departure_date(spans, today):
    """The end of the last employment once every employment has ended before ``today``
    (the employee has left), else None (still employed, or employed again)."""
    if not spans or any(span.end is None or span.end >= today for span in spans):
        return None
    return max(span.end for span in spans)
