"""A calibration: parameter sets that reproduce the targets, kept as plain files.

``Calibration`` holds the posterior draws (equally weighted parameter sets), the fit to
each target, what was calibrated to, and the organisation it belongs to. It is saved as
Parquet and JSON (never pickle, so a calibration from someone else cannot run code when
loaded) and refuses an organisation other than its own.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from conflictsim.calibration.targets import Target, Targets
from conflictsim.evidence import (
    TRAINING_EFFECTS,
    check_evidence,
    prior,
    prior_draws,
    training_draws,
)
from conflictsim.organisation import Organisation
from conflictsim.params import REGISTRY, Params

#: Parameters a scenario may set otherwise than its calibration: they do not change the
#: baseline's conflict (costs, reporting, what responders achieve once there are any).
FREE = ("wage", "replacement_cost", "report_minor", "report_major", "report_critical",
        "responder_success", "skill_transfer")  # fmt: skip
#: Version of the files' layout, checked when loading.
FORMAT = 1
#: The file that marks a folder as a calibration (written last by ``save``).
CALIBRATION_FILE = "calibration.json"
#: The files of a calibration folder (what ``load`` reads, and what a copy must hold).
FILES = (CALIBRATION_FILE, "draws.parquet", "fit.parquet")


@dataclass(eq=False)
class Calibration:
    """Parameter sets that reproduce the targets on one organisation.

    Attributes:
        draws: One row per parameter set (equally weighted), a column per calibrated
            parameter.
        fit: One row per target: ``target``, ``label``, ``observed``, ``simulated``
            (mean over the parameter sets), ``low``, ``high`` (the 90% posterior
            predictive range), ``target_low``, ``target_high`` (the target's interval).
        targets: What was calibrated to (without the records themselves).
        org_fingerprint: ``Organisation.fingerprint()`` of the organisation.
        org_name: Its name, for messages.
        base: Values of every parameter that was not calibrated.
        seed: The seed.
        meta: How it was computed: library and version, generations (epsilon,
            evaluations, acceptance), the moves after them (steps, evaluations,
            accepted), simulations, seconds, whether it converged, the
            simulated days and the priors.
    """

    draws: pd.DataFrame
    fit: pd.DataFrame
    targets: tuple[Target, ...]
    org_fingerprint: str
    org_name: str
    base: dict[str, float]
    seed: int
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def parameters(self) -> list[str]:
        """The calibrated parameters."""
        return list(self.draws.columns)

    @property
    def converged(self) -> bool:
        """Whether every accepted set reached every target's interval."""
        return bool(self.meta.get("converged", False))

    def __len__(self) -> int:
        return len(self.draws)

    def params(self, i: int) -> Params:
        """The Params of parameter set ``i`` (cycling past the last)."""
        row = self.draws.iloc[int(i) % len(self.draws)]
        return Params(**{**self.base, **{k: float(v) for k, v in row.items()}})

    def scenario_params(self, params: Params, i: int) -> Params:
        """A scenario's parameters with parameter set ``i`` in place of the calibrated ones.

        The other parameters must be those the calibration was made with, except the ones
        that do not change the baseline (costs, reporting, responders' success): the sets
        reproduce the targets only together with them.

        Raises:
            ValueError: Naming a parameter the scenario sets otherwise.
        """
        for name, value in self.base.items():
            if name not in FREE and params[name] != value:
                raise ValueError(
                    f"parameter {name!r} is {params[name]:g} here but the calibration was made "
                    f"with {value:g}; calibrate again with these parameters "
                    "(calibrate(..., params=...)) or leave it at the calibration's value"
                )
        row = self.draws.iloc[int(i) % len(self.draws)]
        return params.replace(**{k: float(v) for k, v in row.items()})

    @property
    def evidence(self) -> str | None:
        """The evidence setting of the training effects in the sets (None: none drawn)."""
        return self.meta.get("evidence")

    def with_evidence(self, setting: str, trials: bool = True) -> Calibration:
        """The same baseline with training effects drawn from an evidence setting.

        Set ``i`` keeps its calibrated parameters and gets the ``i``-th draw of what
        training does: from the setting's posterior given the controlled trials
        (``conflictsim.evidence.training_draws``, the default) or from its prior alone
        (``trials=False``, ``prior_draws``; to show what the trials changed), with this
        calibration's seed. The targets say nothing about what training does, so the
        baseline is the same in every setting.

        Raises:
            ValueError: For an unknown setting.
        """
        check_evidence(setting)
        draw = training_draws if trials else prior_draws
        effects = draw(setting, len(self.draws), self.seed)
        draws = pd.concat(
            [self.draws.drop(columns=list(TRAINING_EFFECTS), errors="ignore"), effects], axis=1
        )
        base = {k: v for k, v in self.base.items() if k not in TRAINING_EFFECTS}
        priors = {name: prior(setting, name).describe() for name in TRAINING_EFFECTS}
        meta = {
            **self.meta,
            "evidence": setting,
            "evidence_priors": priors,
            "evidence_given_trials": bool(trials),
        }
        return replace(self, draws=draws, base=base, meta=meta)

    @property
    def evidence_given_trials(self) -> bool:
        """Whether the training effects were drawn given the trials (not the prior alone)."""
        return bool(self.meta.get("evidence_given_trials", False))

    @classmethod
    def evidence_only(
        cls,
        org: Organisation,
        params: Params,
        setting: str,
        sets: int,
        seed: int,
        trials: bool = True,
    ) -> Calibration:
        """No calibration: ``params`` in every set, with training effects drawn.

        For an organisation that has not been calibrated: its baseline is the given
        parameters as they are (``converged`` is False), and what training does is still
        drawn from the evidence setting, set by set.
        """
        empty = cls(
            draws=pd.DataFrame(index=pd.RangeIndex(int(sets))),
            fit=pd.DataFrame(),
            targets=(),
            org_fingerprint=org.fingerprint(),
            org_name=org.name,
            base={k: float(v) for k, v in params.items()},
            seed=int(seed),
            meta={"converged": False, "calibrated": False},
        )
        return empty.with_evidence(setting, trials)

    def check_org(self, org: Organisation) -> None:
        """Refuse an organisation other than the one calibrated.

        Raises:
            ValueError: If its people, teams, traits or ties differ.
        """
        if org.fingerprint() != self.org_fingerprint:
            raise ValueError(
                f"this calibration belongs to {self.org_name!r}, not to this organisation "
                f"({org.name!r}): their employees, teams or ties differ; calibrate this "
                "organisation first (conflictsim calibrate)"
            )

    def summary(self) -> pd.DataFrame:
        """Per calibrated parameter: prior, posterior median and 90% interval."""
        rows = []
        for name in self.parameters:
            values = self.draws[name].to_numpy()
            prior = self.meta.get("priors", {}).get(name, {})
            text = f"{prior.get('kind', '?')} {prior.get('low', math.nan):g}-" + (
                f"{prior.get('high', math.nan):g}"
            )
            if name in self.meta.get("evidence_priors", {}):
                text = f"{self.evidence} evidence: {self.meta['evidence_priors'][name]}"
                if self.evidence_given_trials:
                    text += ", updated by the controlled trials"
            rows.append(
                {
                    "parameter": name,
                    "prior": text,
                    "median": float(np.median(values)),
                    "low": float(np.quantile(values, 0.05)),
                    "high": float(np.quantile(values, 0.95)),
                }
            )
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        return (
            f"Calibration({len(self.draws)} parameter sets of {', '.join(self.parameters)} "
            f"for {self.org_name!r}, targets {', '.join(t.name for t in self.targets)})"
        )

    # ------------------------------------------------------------------ files
    def save(self, folder: str | Path) -> Path:
        """Write the calibration to a folder as plain files (Parquet and JSON).

        The JSON is written last, under a temporary name then renamed, so a folder
        holds a whole calibration or is not one.
        """
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        self.draws.to_parquet(path / "draws.parquet", index=False)
        self.fit.to_parquet(path / "fit.parquet", index=False)
        doc = {
            "format": FORMAT,
            "kind": "conflictsim calibration",
            "org_fingerprint": self.org_fingerprint,
            "org_name": self.org_name,
            "seed": self.seed,
            "base": self.base,
            "targets": [t.to_dict() for t in self.targets],
            "meta": self.meta,
        }
        tmp = path / "calibration.json.tmp"
        tmp.write_text(json.dumps(doc, indent=2, default=_plain) + "\n", encoding="utf-8")
        tmp.replace(path / "calibration.json")
        return path

    @classmethod
    def load(cls, folder: str | Path) -> Calibration:
        """Read a calibration written by ``save``.

        Raises:
            ValueError: If the folder or a file is missing or malformed, naming which.
        """
        path = Path(folder)
        if not path.is_dir():
            raise ValueError(f"{folder}: no calibration folder there")
        for name in FILES:
            if not (path / name).is_file():
                raise ValueError(f"{path / name}: missing; {folder} is not a whole calibration")
        label = path / "calibration.json"
        try:
            doc = json.loads(label.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{label}: is not valid JSON ({exc})") from None
        if not isinstance(doc, dict) or doc.get("kind") != "conflictsim calibration":
            raise ValueError(f"{label}: is not a conflictsim calibration")
        if doc.get("format") != FORMAT:
            raise ValueError(f"{label}: format {doc.get('format')!r}; this version reads {FORMAT}")
        try:
            draws = pd.read_parquet(path / "draws.parquet")
            draws = pd.DataFrame({str(c): draws[c].to_numpy(float) for c in draws.columns})
            fit = pd.read_parquet(path / "fit.parquet")
        except Exception as exc:  # pyarrow raises many kinds for a damaged file
            raise ValueError(f"{path}: a Parquet file cannot be read ({exc})") from None
        unknown = [c for c in draws.columns if c not in REGISTRY]
        if unknown:
            raise ValueError(f"{path / 'draws.parquet'}, column {unknown[0]}: unknown parameter")
        if len(draws) == 0:
            raise ValueError(f"{path / 'draws.parquet'}: holds no parameter set")
        try:
            base = {str(k): float(v) for k, v in dict(doc["base"]).items()}
            targets = tuple(Target.from_dict(t) for t in doc["targets"])
            cal = cls(
                draws=draws,
                fit=fit,
                targets=targets,
                org_fingerprint=str(doc["org_fingerprint"]),
                org_name=str(doc["org_name"]),
                base=base,
                seed=int(doc["seed"]),
                meta=dict(doc.get("meta", {})),
            )
            for i in range(len(draws)):  # every set must be valid Params
                cal.params(i)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{label}: malformed calibration ({exc})") from None
        return cal

    def targets_object(self) -> Targets:
        """The targets as a ``Targets`` (without the records)."""
        return Targets(self.targets)

    @property
    def key(self) -> str:
        """A digest of the draws, fixed parameters, targets, organisation and seed.

        Two calibrations with the same key give the same runs: the caches of the
        dashboard key their results by it.
        """
        doc = json.dumps(
            {
                "columns": list(self.draws.columns),
                "base": self.base,
                "targets": [t.to_dict() for t in self.targets],
                "org": self.org_fingerprint,
                "seed": self.seed,
            },
            sort_keys=True,
        )
        digest = hashlib.sha256(doc.encode())
        digest.update(np.ascontiguousarray(self.draws.to_numpy(float)).tobytes())
        return digest.hexdigest()[:16]


def predictive_fit(targets: tuple[Target, ...], stats: list[dict[str, float]]) -> pd.DataFrame:
    """Each target against simulated statistics (one dict per set): ``Calibration.fit``.

    Columns: target, label, observed, simulated (mean), low and high (5% and 95% of the
    simulations), target_low, target_high.
    """
    rows = []
    for t in targets:
        values = np.array([s[t.name] for s in stats], dtype=float)
        rows.append(
            {
                "target": t.name,
                "label": t.label,
                "observed": t.observed,
                "simulated": float(values.mean()),
                "low": float(np.quantile(values, 0.05)),
                "high": float(np.quantile(values, 0.95)),
                "target_low": t.low,
                "target_high": t.high,
            }
        )
    return pd.DataFrame(rows)


def targets_met(fit: pd.DataFrame) -> pd.Series:
    """Whether each target of a fit is met: its simulated mean lies in its interval."""
    return (fit["simulated"] >= fit["target_low"]) & (fit["simulated"] <= fit["target_high"])


def _plain(value: Any) -> Any:
    """JSON for numpy numbers."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")
