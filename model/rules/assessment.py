"""考核机制 rule: what assessment counts, and how units choose by it (§4.2, §5.2, §6.5).

An assessment round scores each case a unit made a handling choice on, when the case ends.
Process indicators (weight ``process_weight``) count a case kept on the unit's books as met
when it closed within its time limit, a case passed on (bounced, pushed down, forwarded) as
off the books, and a duty passed up undone (a devolved case a committee declines) as missed.
Outcome indicators (the rest of the weight) count the resident's judgement of the case (回访).
A case that comes back to the unit or escalates after its choice costs ``blame_weight`` each
time, under any assessment (信访 and 回退 are always counted).

Departments and committees keep, per channel and handling option, the score they expect it to
earn, learnt from the rounds they went through (an exponentially weighted mean of the scores
each round actually gave, weight ``learning_rate`` on the latest round once memory has filled;
options not yet tried keep ``prior_score``, which the first round replaces). Facing a choice they
weigh each option's expected score against the hours it costs now, priced by how far behind they
are (queued work over capacity), and pick by a logit rule with ``choice_temperature``. So
process-weighted assessment makes closing unsolved and passing cases on pay, and
outcome-weighted assessment makes them costly, through the scores the rounds give rather than
through a bonus in the learning rule.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from model.cases import Channel, Plan
from model.scenario.rule_groups import AssessmentParams

if TYPE_CHECKING:
    import numpy as np

    from model.cases import Case

#: A channel no round has taught anything of: every option at the prior.
_NONE: dict[Plan, float] = {}

#: Options that take a case off the chooser's books.
PASSED_ON = frozenset({Plan.BOUNCE, Plan.PUSH_DOWN, Plan.FORWARD})


class Expectations:
    """What one unit expects each handling option to score, per channel, and this round's scores.

    Each channel's cases reach the unit through their own account (a 12345 request is called
    back and ranked, a committee's case is judged by its resident and on the committee's
    ledger), so what an option earns is learnt channel by channel: a unit newly ranked on one
    channel's cases starts there from ``prior``, whatever it learnt of the others.
    """

    __slots__ = ("prior", "expected", "seen", "traces")

    def __init__(self, prior: float) -> None:
        self.prior = prior
        self.expected: dict[Channel, dict[Plan, float]] = {}
        self.seen: dict[tuple[Channel, Plan], list[float]] = {}
        self.traces: dict[tuple[Channel, Plan], float] = {}

    def of(self, channel: Channel, plan: Plan) -> float:
        """The score the unit expects ``plan`` to earn on a case that came through ``channel``."""
        return self.expected.get(channel, _NONE).get(plan, self.prior)

    def record(self, channel: Channel, plan: Plan, score: float) -> None:
        """Add the score one case of ``channel`` handled with ``plan`` earned this round."""
        totals = self.seen.setdefault((channel, plan), [0.0, 0.0])
        totals[0] += score
        totals[1] += 1.0

    def round_mean(self) -> float | None:
        """The mean score of every case scored this round, whatever its option (None if none)."""
        count = sum(n for _, n in self.seen.values())
        return sum(total for total, _ in self.seen.values()) / count if count else None

    def learn(self, rate: float) -> None:
        """End a round: move each tried option's expectation toward what the round gave."""
        for key, (total, count) in self.seen.items():
            trace, step = unbiased_step(self.traces.get(key, 0.0), rate)
            self.traces[key] = trace
            channel, plan = key
            old = self.of(channel, plan)
            self.expected.setdefault(channel, {})[plan] = old + step * (total / count - old)
        self.seen = {}


def unbiased_step(trace: float, rate: float) -> tuple[float, float]:
    """The weight of a round's news in an expectation with memory ``rate``, and the new trace.

    Sutton and Barto's unbiased constant step (2018, §2.7): ``trace`` is the weight the rounds
    seen so far carry (0 before the first), and the step is ``rate / trace`` after it grows by
    ``rate x (1 - trace)``. So the first round sets the expectation outright, whatever the
    prior, and later rounds weigh in at ``rate`` as memory fills: an exponentially weighted
    mean of the rounds seen, with no weight left on the prior. A rate of 0 learns nothing.
    """
    trace += rate * (1.0 - trace)
    return trace, (rate / trace if rate > 0.0 else 0.0)


class AssessmentRule:
    """Scores handled cases, prices hours under pressure and picks handling options."""

    def __init__(self, params: AssessmentParams) -> None:
        self.params = params

    @property
    def outcome_weight(self) -> float:
        """Weight of outcome indicators (residents' judgement of their cases)."""
        return 1.0 - self.params.process_weight

    def expectations(self) -> Expectations:
        """A unit's expectations before its first round."""
        return Expectations(self.params.prior_score)

    def documentation_hours(self, systems: int) -> float:
        """Hours to document one activity for an inspection of records, in ``systems`` systems.

        Process indicators are checked on records (台账、留痕): the share ``process_weight`` of
        the assessment that rests on them is the share of activities whose documentation the
        inspection counts, and each separate data system asks for its own entry.
        """
        p = self.params
        return p.process_weight * p.record_hours * systems

    def pressure(self, queued_hours: float, capacity: float) -> float:
        """How far behind a unit is, in [0, 1]: queued work over ``pressure_days`` of capacity."""
        days = capacity * self.params.pressure_days
        # conditionals rather than min() and max(): the same values, asked for every choice
        behind = queued_hours / (days if days >= 1e-9 else 1e-9)
        return behind if behind < 1.0 else 1.0

    def decide(self, expectations: Expectations, case: Case, options: dict[Plan, float],
               pressure: float, rng: np.random.Generator, counted: bool = True) -> Plan:
        """Pick a handling option for ``case`` and remember the choice on the case.

        Args:
            expectations: The choosing unit's expectations at this decision point.
            case: The case decided on.
            options: Each feasible option and the staff hours it costs the unit now.
            pressure: The unit's pressure (:meth:`pressure`); an hour costs
                ``hour_price x pressure`` of score.
            rng: The stream the choice draws from.
            counted: Whether the unit's assessment counts this choice (a case of a channel in
                ``uncounted_channels`` never is); one it does not count expects no score from
                any option and is not remembered, so only hours weigh.
        """
        p = self.params
        if counted and p.uncounted_channels and case.channel in p.uncounted_channels:
            counted = False
        price = p.hour_price * pressure
        prior = expectations.prior
        # expectations.of, inlined
        expected = expectations.expected.get(case.channel, _NONE) if counted else _NONE
        temperature = p.choice_temperature
        if len(options) == 2:
            chosen = self._pick_of_two(options, expected, prior, price, temperature, rng)
        else:
            utility = [expected.get(plan, prior) - price * hours
                       for plan, hours in options.items()]
            best = max(utility)
            weights = [math.exp((u - best) / temperature) for u in utility]
            draw = rng.random() * sum(weights)
            chosen = Plan.NONE
            for plan, weight in zip(options, weights):  # noqa: B905 (weights from options)
                chosen = plan  # if rounding leaves the draw above every weight: the last one
                draw -= weight
                if draw < 0:
                    break
        if counted:
            self._remember(case, expectations, chosen)
        return chosen

    @staticmethod
    def _pick_of_two(options: dict[Plan, float], expected: dict[Plan, float], prior: float,
                     price: float, temperature: float, rng: np.random.Generator) -> Plan:
        """:meth:`decide`'s logit pick between two options, the same arithmetic without lists.

        ``max`` of two keeps the first of equals, and ``sum`` of two floats (compensated since
        Python 3.12) is their rounded sum, so the numbers are those of the general case.
        """
        (first, first_hours), (second, second_hours) = options.items()
        u_first = expected.get(first, prior) - price * first_hours
        u_second = expected.get(second, prior) - price * second_hours
        best = u_first if u_first >= u_second else u_second
        w_first = math.exp((u_first - best) / temperature)
        w_second = math.exp((u_second - best) / temperature)
        draw = rng.random() * (w_first + w_second)
        return first if draw - w_first < 0 else second

    @staticmethod
    def _remember(case: Case, expectations: Expectations, plan: Plan) -> None:
        """Add a choice to the case's record: chooser, plan, escalations so far, blames.

        Times the case came back to the chooser are counted when the case is scored
        (:meth:`credit`), not by revisiting every earlier record at each choice.
        """
        record = [expectations, plan, case.escalations, 0]
        if case.decisions is None:
            case.decisions = [record]
        else:
            case.decisions.append(record)

    @staticmethod
    def blame_last_choice(case: Case) -> None:
        """Count one blame against the latest choice made on ``case`` (a rater saw it)."""
        if case.decisions:
            case.decisions[-1][3] += 1

    def score(self, plan: Plan, on_time: bool, judgement: float, blame: int) -> float:
        """Assessment score of one case handled with ``plan``.

        Args:
            plan: The option the unit chose.
            on_time: Whether the case closed within its time limit.
            judgement: The resident's judgement of the case in [0, 1].
            blame: Times the case came back to the unit or escalated after its choice.
        """
        if plan == Plan.DECLINE:
            process = 0.0
        else:
            process = 1.0 if plan in PASSED_ON or on_time else 0.0
        return (self.params.process_weight * process + self.outcome_weight * judgement
                - self.params.blame_weight * blame)

    def credit(self, case: Case, on_time: bool, judgement: float) -> None:
        """Score an ended case for every unit that made a handling choice on it.

        A choice's blame is the escalations since it, the blames it drew, and the times the
        case came back to the same unit (its later choices on the case).
        """
        records = case.decisions or ()
        # one choice (most cases) cannot come back to its own unit
        came_back = (_later_choices_by_same_unit(records) if len(records) > 1
                     else (0,) * len(records))
        escalations = case.escalations
        for (expectations, plan, escalated, blamed), returns in zip(records, came_back,
                                                                   strict=True):
            blame = escalations - escalated + blamed + returns
            expectations.record(case.channel, plan,
                                self.score(plan, on_time, judgement, blame))


def _later_choices_by_same_unit(records: list[list] | tuple) -> list[int]:
    """For each choice record, how many later records the same unit's expectations made."""
    counts: dict[int, int] = {}
    later = [0] * len(records)
    for i in range(len(records) - 1, -1, -1):
        key = id(records[i][0])
        later[i] = counts.get(key, 0)
        counts[key] = later[i] + 1
    return later
