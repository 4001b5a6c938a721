"""Evidence settings: cautious, central and optimistic readings of how well training works.

How well training works is the most uncertain part of the model. An evidence setting moves
only the parameters that decide it (``LEVERS``) to an end of their plausible range, and
scales the programmes' skill shifts and half-life (``EFFECT_SCALE``, ``HALF_LIFE``); the
size of the problem (how often people are upset, how contagious it is, hours and costs)
stays calibrated. See docs/dashboard.md, "Evidence settings".
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from conflictsim.params import REGISTRY
from conflictsim.training import HALF_LIFE_DAYS, Kind

#: Parameters that say what training does, and nothing about the baseline: valued together
#: as one group by ``conflictsim.uncertainty`` ("what would change the answer").
TRAINING_EFFECTS = ("responder_success",)

#: Evidence settings, from least to most favourable to training.
EVIDENCE = ("cautious", "central", "optimistic")
EVIDENCE_LABELS = {
    "cautious": "Cautious",
    "central": "Central",
    "optimistic": "Optimistic",
}


@dataclass(frozen=True)
class Lever:
    """A parameter that decides how well training works, and which way favours it.

    Attributes:
        name: Parameter name (in ``REGISTRY``).
        direction: +1 if a higher value makes training more effective, -1 if lower.
        why: Why that direction, in plain words.
    """

    name: str
    direction: int
    why: str


#: Parameters moved by the evidence settings. Cautious takes each to the end of its
#: plausible range that makes training look less effective, optimistic to the other end.
#: Parameters that set the size of the problem (how often people are upset, how contagious
#: it is, hours and costs) stay at their calibrated values in every setting: they are
#: calibrated to CPP 2008 and moving them would change the baseline, not the training.
LEVERS: tuple[Lever, ...] = (
    Lever(
        "responder_success",
        +1,
        "how often a de-escalation trainee defuses a conflict nearby; the evidence runs "
        "from no effect (Taheri 2016) to clear gains (Compton et al. 2014)",
    ),
    Lever(
        "listening_shield",
        +1,
        "how much listening keeps an encounter from turning into conflict; the more it "
        "matters, the more listening training is worth",
    ),
    Lever(
        "listening_calm",
        +1,
        "how often a listener calms an upset colleague; the more it matters, the more "
        "listening training is worth",
    ),
    Lever(
        "regulation_shield",
        +1,
        "how much emotional regulation protects against being upset or drawn in; the more "
        "it matters, the more regulation training is worth",
    ),
    Lever(
        "regulation_recovery",
        +1,
        "how much emotional regulation speeds recovery; the more it matters, the more "
        "regulation training is worth",
    ),
)

#: Multiplier of every programme's skill shifts (Cohen's d). Cautious halves them: training
#: moves confidence more than behaviour and incident rates barely (Price et al. 2015;
#: Khan et al. 2021). Optimistic takes them 1.5 times the defaults, near the gains in
#: confidence and pre-post skill (d about 0.6-0.9; Baig et al. 2018; Mattingly & Kraiger
#: 2019).
EFFECT_SCALE = {"cautious": 0.5, "central": 1.0, "optimistic": 1.5}
#: Half-life of a training effect in working days: about 6.5, 9 and 13 months (Tatel &
#: Ackerman 2025 find half the gain gone after 6.5-13 months).
HALF_LIFE = {"cautious": 135.0, "central": HALF_LIFE_DAYS, "optimistic": 270.0}


def check_evidence(setting: str) -> None:
    """Refuse an unknown evidence setting.

    Raises:
        ValueError: Naming the setting and the ones there are.
    """
    if setting not in EVIDENCE:
        raise ValueError(
            f"unknown evidence setting {setting!r}; choose one of {', '.join(EVIDENCE)}"
        )


def evidence_params(setting: str) -> dict[str, float]:
    """Parameter values of an evidence setting (only the ``LEVERS`` differ from defaults).

    Args:
        setting: ``cautious``, ``central`` or ``optimistic``.

    Returns:
        Parameter name to value, for every lever.
    """
    check_evidence(setting)
    out = {}
    for lever in LEVERS:
        spec = REGISTRY[lever.name]
        lo, hi = spec.sweep_range
        if setting == "central":
            out[lever.name] = spec.default
        else:
            favourable = setting == "optimistic"
            out[lever.name] = hi if (lever.direction > 0) == favourable else lo
    return out


def skill_shifts(kind: Kind, setting: str) -> tuple[float, float]:
    """A programme's listening and regulation shifts (Cohen's d) under an evidence setting.

    Returns:
        ``(listening_d, regulation_d)``: the programme's defaults times ``EFFECT_SCALE``.
    """
    check_evidence(setting)
    scale = EFFECT_SCALE[setting]
    return kind.listening_d * scale, kind.regulation_d * scale


def evidence_table() -> pd.DataFrame:
    """What each evidence setting changes: one row per lever, with the reason."""
    rows = [
        {
            "what": lever.name,
            "meaning": REGISTRY[lever.name].meaning,
            **{s: evidence_params(s)[lever.name] for s in EVIDENCE},
            "why it matters": lever.why,
        }
        for lever in LEVERS
    ]
    rows.append(
        {
            "what": "programme skill shifts",
            "meaning": "how far training moves trainees' listening and regulation "
            "(times the defaults of each programme)",
            **{s: EFFECT_SCALE[s] for s in EVIDENCE},
            "why it matters": "training moves confidence more than behaviour (Price et al. "
            "2015); the optimistic end is near published skill gains (Mattingly & Kraiger "
            "2019; Baig et al. 2018)",
        }
    )
    rows.append(
        {
            "what": "half-life of training (working days)",
            "meaning": "working days after which half of a training effect is left",
            **{s: HALF_LIFE[s] for s in EVIDENCE},
            "why it matters": "skills fade: half the gain is gone after 6.5-13 months "
            "(Tatel & Ackerman 2025)",
        }
    )
    return pd.DataFrame(rows)
