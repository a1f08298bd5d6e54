"""``cogov paper``: run every experiment of the paper, then regenerate its tables and figures.

A paper spec (``experiments/paper.toml``) lists the sweeps, the calibration and the validation
claims behind ``docs/paper.md``. Sweeps and the calibration's fitting runs resume from their
result folders, so a second run only redraws. The document is prose written by hand with
generated blocks::

    <!-- cogov:NAME -->
    ...regenerated...
    <!-- /cogov:NAME -->

Each block is a table or a figure, followed by its provenance: the spec file and its hash,
the seeds, the cogov version and a hash of the model's source. No block carries a time or a
commit, so the same code and specs give the same bytes on any machine.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from model.calibration import Backend, Calibration, calibrate, load_calibration
from model.calibration import report as calibration_report
from model.claims import Claims, load_claims
from model.compare import number, welch
from model.experiment import Experiment, ResultStore, load_experiment, run_sweep
from model.experiment import analysis as an
from model.experiment.emulated_sobol import (
    PREDICTIVE_Q2,
    REALISATIONS,
    SAMPLES,
    emulator_is_read,
)
from model.experiment.figures import STAMP
from model.experiment.report import EMULABLE, read_store, write_report
from model.experiment.spec import read_spec_file
from model.experiment.tables import ci_text, md_table, p_text, repeat_text
from model.outcomes import OUTCOMES_BY_NAME, headline
from model.posterior_claims import Compared, claim_shares, run_posterior
from model.provenance import file_hash, package_versions, replace_atomically, source_hash
from model.scenario import ScenarioError, load_scenario
from model.scenario.errors import describe_validation_error

BLOCK = re.compile(r"(<!-- cogov:(?P<name>[\w.-]+) -->\n)(?P<body>.*?)(<!-- /cogov:(?P=name) -->)",
                   re.S)


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SweepEntry(_Table):
    """One experiment of the paper and the figures of its report the paper shows."""

    spec: str = Field(min_length=1, description="Experiment spec, relative to the paper spec")
    replications: int | None = Field(None, ge=1, description="Instead of the spec's")
    figures: list[str] = Field(default_factory=list, description="Report figure stems shown")
    emulate: bool = Field(False, description="The report adds Sobol indices emulated from the "
                          "runs (a Latin hypercube or Sobol design), which the sensitivity "
                          "table reads")


class PaperSpec(_Table):
    """What ``cogov paper`` runs and where it writes."""

    document: str = Field(description="The paper (markdown with generated blocks)")
    assets: str = Field(description="Folder of the generated figures and tables")
    results: str = Field(description="Folder of the result stores")
    sweeps: list[SweepEntry] = Field(min_length=1)
    calibration: str | None = None
    claims: str | None = None


@dataclass
class Paper:
    """A loaded paper spec with its paths resolved."""

    spec: PaperSpec
    source: Path
    blocks: dict[str, list[str]] = field(default_factory=dict)

    def path(self, ref: str) -> Path:
        """``ref`` relative to the paper spec's folder."""
        return (self.source.parent / ref).resolve()


def _validated(model: type[BaseModel], path: Path) -> Any:
    try:
        return model.model_validate(read_spec_file(path))
    except ValidationError as exc:
        raise ScenarioError(describe_validation_error(exc, {}, str(path), model)) from None


def load_paper(path: str | Path) -> Paper:
    """Read and validate a paper spec; every referenced file must exist."""
    path = Path(path)
    paper = Paper(_validated(PaperSpec, path), path)
    refs = [("document", paper.spec.document), ("calibration", paper.spec.calibration),
            ("claims", paper.spec.claims),
            *((f"sweeps[{i}].spec", s.spec) for i, s in enumerate(paper.spec.sweeps))]
    missing = [f"{path}: {key}: no such file: {ref}" for key, ref in refs
               if ref is not None and not paper.path(ref).is_file()]
    if missing:
        raise ScenarioError(missing)
    _check_emulated(paper, path)
    return paper


def _check_emulated(paper: Paper, path: Path) -> None:
    """Emulated indices only of designs an emulator learns from, and always for the table."""
    problems = []
    for i, entry in enumerate(paper.spec.sweeps):
        experiment = load_experiment(paper.path(entry.spec), 1)
        kind = experiment.design_kind
        if entry.emulate and kind not in EMULABLE:
            problems.append(f"{path}: sweeps[{i}].emulate: {entry.spec} has a {kind!r} design; "
                            "emulated indices need one of " + ", ".join(map(repr, EMULABLE)))
        elif experiment.name == "sensitivity" and not entry.emulate:
            problems.append(f"{path}: sweeps[{i}].emulate: the sensitivity table reads emulated "
                            "indices: set emulate = true (allowed: true)")
    if problems:
        raise ScenarioError(problems)


CALIBRATION_BLOCKS = (
    "table.calibration_posterior", "table.calibration_ridges", "table.calibration_fit",
    "table.calibration_emulator", "table.calibration_trajectory", "table.calibration_channels",
    "table.calibration_changes", "table.calibration_patterns",
    "table.calibration_pattern_posterior", "text.calibration_why",
    "text.calibration_abc", "figure.calibration_posterior", "figure.calibration_trajectory")


def block_names(paper: Paper) -> set[str]:
    """Every block ``cogov paper`` can generate for ``paper``.

    The reforms, sensitivity and screening tables exist only when those sweeps are in the paper.
    """
    names = {"provenance", "table.validation"} if paper.spec.claims else {"provenance"}
    for entry in paper.spec.sweeps:
        name = load_experiment(paper.path(entry.spec), 1).name
        names |= {f"figure.{name}.{stem}" for stem in entry.figures}
        names |= {f"table.{name}"} & {"table.reforms", "table.sensitivity", "table.screening"}
    return names | (set(CALIBRATION_BLOCKS) if paper.spec.calibration else set())


def code_line() -> str:
    """The code behind the numbers: cogov version and model-source hash."""
    return f"cogov {package_versions()['cogov']}, model source {source_hash()[:12]}"


def _seeds(count: int) -> str:
    """"1 seed", "2 seeds": a count of seeds as the stamps say it."""
    return f"{count} seed" if count == 1 else f"{count} seeds"


def _stamp(spec_file: Path, seeds: str) -> str:
    return (f"`{spec_file.name}` (sha256 {file_hash(spec_file)[:12]}), {seeds}; "
            f"{code_line()}")


def _provenance_lines(stamp: str) -> list[str]:
    return [f"*Generated by `make paper` from {stamp}.*", ""]


def run_paper(path: str | Path, backend: Backend | None = None) -> list[Path]:
    """Run the paper's sweeps and calibration, then regenerate its blocks and assets.

    Returns:
        The files written: assets, then the document.
    """
    paper = load_paper(path)
    backend = backend or Backend()
    results, assets = paper.path(paper.spec.results), paper.path(paper.spec.assets)
    for sub in ("figures", "tables"):
        shutil.rmtree(assets / sub, ignore_errors=True)
        (assets / sub).mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    stores, experiments = {}, {}
    for entry in paper.spec.sweeps:
        spec_file = paper.path(entry.spec)
        experiment = load_experiment(spec_file, entry.replications)
        experiments[experiment.name] = experiment
        out = results / experiment.name
        run_sweep(experiment, out, backend=backend.name, workers=backend.workers,
                  scheduler=backend.scheduler, progress=backend.progress,
                  fresh=_stale(out, experiment))
        seeds = (f"{_seeds(experiment.spec.replications)}{repeat_text(experiment.repeat)} "
                 f"from root seed {experiment.spec.root_seed}, {experiment.days} days")
        stamp = _stamp(spec_file, seeds)
        token = STAMP.set(stamp)
        try:
            write_report(out, emulate=entry.emulate)
        finally:
            STAMP.reset(token)
        stores[experiment.name] = (read_store(out), stamp)
        written += _copy_figures(paper, out, experiment.name, entry.figures, stamp)
    written += _reform_block(paper, stores, assets)
    written += _sensitivity_block(paper, stores, assets)
    written += _screening_block(paper, stores, assets)
    posterior = None
    if paper.spec.calibration:
        calibration = load_calibration(paper.path(paper.spec.calibration))
        posterior = results / calibration.spec.name
        written += _calibration_blocks(paper, calibration, posterior, assets, backend)
    if paper.spec.claims:
        written += _validation_block(paper, stores, assets, experiments, posterior, backend)
    paper.blocks["provenance"] = _provenance_block(paper, stores)
    written.append(fill_document(paper.path(paper.spec.document), paper.blocks))
    return written


def _stale(out: Path, experiment: Experiment) -> bool:
    """Whether ``out`` holds runs of another spec or other code: the paper reruns those."""
    stored = ResultStore(out).read_manifest()
    stale = stored is not None and stored.get("spec_hash") != experiment.spec_hash()
    if stale:
        print(f"{out}: written by another spec or other code; running it afresh",
              file=sys.stderr)
    return stale


def _copy_figures(paper: Paper, out: Path, name: str, stems: list[str],
                  stamp: str) -> list[Path]:
    assets = paper.path(paper.spec.assets)
    copied = []
    for stem in stems:
        source = out / "figures" / f"{stem}.png"
        if not source.is_file():
            raise ScenarioError([f"{paper.source}: figure '{stem}' of {name}: its report drew "
                                 f"no such figure (see {out / 'figures'})"])
        target = assets / "figures" / f"{name}-{stem}.png"
        shutil.copyfile(source, target)
        copied.append(target)
        paper.blocks[f"figure.{name}.{stem}"] = [
            f"![{name}: {stem}]({_relative_to_document(paper, target)})", "",
            *_provenance_lines(stamp)]
    return copied


def _relative_to_document(paper: Paper, target: Path) -> str:
    document = paper.path(paper.spec.document)
    return Path(os.path.relpath(target, document.parent)).as_posix()


def _write_table(assets: Path, name: str, frame: pd.DataFrame) -> Path:
    path = assets / "tables" / f"{name}.csv"
    replace_atomically(path, lambda tmp: frame.to_csv(tmp, index=False, float_format="%.10g"))
    return path


def _places(outcome: str) -> int:
    return 1 if OUTCOMES_BY_NAME[outcome].unit in ("days", "cases") else 3


def _reform_block(paper: Paper, stores: dict, assets: Path) -> list[Path]:
    """Each reform against the baseline on the headline outcomes (difference [95% CI])."""
    if "reforms" not in stores:
        return []
    store, stamp = stores["reforms"]
    outcomes = list(headline("reform"))
    diffs = an.differences(store.runs, outcomes)
    stats = an.condition_stats(store.runs, outcomes)
    reference = stats[stats["condition"] == stats["condition"].iloc[0]].set_index("outcome")
    rows = [["baseline (mean)", *(number(reference.loc[o, "mean"], _places(o))
                                  for o in outcomes)]]
    for scenario, block in diffs.groupby("scenario", sort=False):
        block = block.set_index("outcome")
        rows.append([str(scenario), *(ci_text(*block.loc[o, ["diff", "diff_low", "diff_high"]],
                                              _places(o), sign=True) for o in outcomes)])
    header = ["scenario", *(OUTCOMES_BY_NAME[o].label for o in outcomes)]
    paper.blocks["table.reforms"] = [*md_table(header, rows), *_provenance_lines(stamp)]
    return [_write_table(assets, "reforms", diffs)]


def _indices(store: ResultStore, analyse: Any) -> pd.DataFrame:
    """``analyse`` (Morris) of every outcome on each level and each reform effect."""
    manifest, runs = store.manifest, store.runs
    outcomes = [o for o in manifest["outcomes"] if an.ok_runs(runs)[o].notna().any()]
    return pd.concat([analyse(manifest, store.design, runs, outcome, scenario, minus)
                      .assign(scenario=label, outcome=outcome)
                      for scenario, minus, label in an.level_and_effect_analyses(manifest, runs)
                      for outcome in outcomes], ignore_index=True)


def _sensitivity_block(paper: Paper, stores: dict, assets: Path) -> list[Path]:
    """The assumptions of largest total-order Sobol index, per outcome.

    One row for the reference scenario's levels and one for each reform's effect, as in the
    screening. The indices are those of the expected outcome, estimated on an emulator of the
    runs (:mod:`model.experiment.emulated_sobol`) by the sweep's report, which the paper asks
    for (``emulate``); a Sobol design's report also gives Saltelli's estimator on the single
    runs, whose widest half-width is set beside the emulator's.
    """
    if "sensitivity" not in stores:
        return []
    store, stamp = stores["sensitivity"]
    table = pd.read_csv(store.path / "tables" / "sobol_emulated.csv")
    outcomes = list(dict.fromkeys(table["outcome"]))
    short = an.short_keys(list(dict.fromkeys(table["factor"])))
    rows = _reference_and_effect_rows(table, lambda block, _: _leading_indices(block, short))
    shown = table[table["scenario"].isin([r[0] for r in rows])]
    paper.blocks["table.sensitivity"] = [
        *md_table(["runs", *(OUTCOMES_BY_NAME[o].label for o in outcomes)], rows,
                  left=len(outcomes) + 1),
        _sensitivity_caption(store, shown), "", *_provenance_lines(stamp)]
    return [_write_table(assets, "sensitivity", table)]


def _sensitivity_caption(store: Any, shown: pd.DataFrame) -> str:
    """What the sensitivity table's cells are, and how many of its analyses can be read."""
    repeated = "signal_low" in shown  # the design ran some points on several seeds
    by_analysis = shown.groupby(["scenario", "outcome"], sort=False)
    analyses = by_analysis.agg(widest=("ST_conf", "max"))
    analyses["read"] = [emulator_is_read(block) for _, block in by_analysis]
    analyses["flat"] = by_analysis["signal_low"].first() == 0.0 if repeated else False
    read = analyses[analyses["read"]]
    flat = int(analyses["flat"].sum())
    rule = (f"Q2: the emulator's leave-one-out predictivity of the points' means, which "
            f"cannot exceed the share of their variance the points carry, however well the "
            f"expected outcome is learnt. The design runs {_repeated_points(store)} on several "
            f"seeds. In {flat} of these analyses the "
            f"points differ by no more than the seeds make them (one-way analysis of variance: "
            f"the share's 95% interval reaches zero), so there is nothing to apportion; the "
            f"cell gives the most that share could be (of a single run's variance). The "
            f"indices of the {len(analyses) - flat} others are read where the emulator misses "
            f"held-out points by no more than it says it will (mean squared standardized "
            f"leave-one-out error within its 95% bound), since their intervals are drawn from "
            f"its posterior: {len(read)} are read" if repeated
            else f"Q2: the emulator's leave-one-out predictivity of single runs, below one "
                 f"minus the share of variance it puts down to seeds. The indices of "
                 f"{len(read)} of these {len(analyses)} analyses are read (Q2 at least "
                 f"{PREDICTIVE_Q2}, held-out runs missed by no more than the emulator says)")
    widest = (f"; every half-width of {int((read['widest'] < 0.1).sum())} of them is below 0.1, "
              f"and the widest is {read['widest'].max():.2f}" if len(read) else "")
    direct = store.path / "tables" / "sobol.csv"
    against = (f" Saltelli's estimator on the single runs gives half-widths up to "
               f"{pd.read_csv(direct)['ST_conf'].max():.2f}." if direct.exists() else "")
    return (f"The three assumptions of largest total-order Sobol index (ST) of the expected "
            f"outcome, with 95% half-widths, on a Gaussian-process emulator of the "
            f"{len(an.ok_runs(store.runs)):,} runs ({SAMPLES:,} base samples, {REALISATIONS} "
            f"posterior realisations; the half-widths hold the emulator's uncertainty and the "
            f"Monte Carlo error). {rule}{widest}. Where they are not (\"not predicted\"), the "
            f"cell says why. The indices of every assumption, and of every scenario's levels, "
            f"are in `docs/paper/tables/sensitivity.csv`.{against}")


def _repeated_points(store: Any) -> str:
    """"16 of its 128 points" ("all 128 of its points"): how many ran on more than one seed."""
    counts = an.ok_runs(store.runs).groupby(["scenario", "point"]).size()
    repeated = counts[counts > 1].index.get_level_values("point").nunique()
    if repeated == len(store.design):
        return f"all {repeated:,} of its points"
    return f"{repeated} of its {len(store.design):,} points"


def _reference_and_effect_rows(table: pd.DataFrame, cell: Any) -> list[list[str]]:
    """One row for the reference scenario's levels and one per reform's effect.

    ``cell(block, outcome)`` writes one analysis's cell. The other scenarios' own levels are
    left to the sweep's report.
    """
    outcomes = list(dict.fromkeys(table["outcome"]))
    reference = str(table["scenario"].iloc[0])
    return [[str(label), *(cell(block[block["outcome"] == o], o) for o in outcomes)]
            for label, block in table.groupby("scenario", sort=False)
            if label == reference or " - " in str(label)]


def _leading_indices(block: pd.DataFrame, short: dict[str, str]) -> str:
    """The three largest total-order indices of one analysis and its emulator's Q2.

    When the design repeats points and the points differ by no more than the seeds make them
    (the share the points carry has an interval reaching zero), there is nothing to apportion,
    and the cell gives the most the points could carry instead. When the emulator's indices
    are not read (:func:`~model.experiment.emulated_sobol.emulator_is_read`), it says why.
    """
    first = block.iloc[0]
    q2 = f"Q2 {first['q2']:.2f}"
    if "signal_low" in block and float(first["signal_low"]) == 0.0:
        return f"no variation beyond the seeds' (share at most {first['signal_high']:.2f})"
    if not emulator_is_read(block):
        missed = "loo_z2" in block and first["loo_z2"] > first["loo_z2_high"]
        return (f"not predicted (held-out points missed by {first['loo_z2']:.2f} times the "
                f"variance it claims)" if missed else f"not predicted ({q2})")
    leaders = "; ".join(f"{short[r.factor]} {r.ST:.2f} ± {r.ST_conf:.2f}"
                        for r in block.nlargest(3, "ST").itertuples())
    return f"{leaders} ({q2})"


def _screening_block(paper: Paper, stores: dict, assets: Path) -> list[Path]:
    """The three groups of assumptions of largest Morris mu*, per outcome.

    One row for the baseline's levels and one for each reform's effect.
    """
    if "screening" not in stores:
        return []
    store, stamp = stores["screening"]
    table = _indices(store, an.morris_indices)
    outcomes = list(dict.fromkeys(table["outcome"]))
    rows = _reference_and_effect_rows(table, lambda block, outcome: "; ".join(
        f"{r.factor} {number(r.mu_star, _places(outcome))}"
        for r in block.nlargest(3, "mu_star").itertuples()))
    paper.blocks["table.screening"] = [
        *md_table(["runs", *(OUTCOMES_BY_NAME[o].label for o in outcomes)], rows,
                  left=len(outcomes) + 1),
        *_provenance_lines(stamp)]
    return [_write_table(assets, "screening", table)]


def evaluate_claims(claims: Claims, stores: dict) -> pd.DataFrame:
    """Each claim's difference (scenario - reference), Welch CI, Hedges' g, Holm p, verdict."""
    rows = []
    for claim in claims.claims:
        store, _ = stores[claim.experiment]
        ok = an.ok_runs(store.runs)
        first = ok.loc[ok["scenario"] == claim.reference, claim.outcome].dropna().to_numpy(float)
        other = ok.loc[ok["scenario"] == claim.scenario, claim.outcome].dropna().to_numpy(float)
        diff, low, high, p = welch(first, other)
        rows.append({**claim.model_dump(), "n": min(len(first), len(other)), "diff": diff,
                     "diff_low": low, "diff_high": high,
                     "hedges_g": an.hedges_g(first, other), "p_value": p})
    frame = pd.DataFrame(rows)
    frame["p_holm"] = an.holm(frame["p_value"].to_numpy(float))
    sign = np.where(frame["expect"] == "higher", 1.0, -1.0)
    frame["holds"] = (np.sign(frame["diff"]) == sign) & (frame["p_holm"] < claims.alpha)
    return frame


def definitional_lines(claims: Claims) -> list[str]:
    """How many claims are definitional, and each one's ``why``, for under the table."""
    definitional = [c for c in claims.claims if c.mechanism == "definitional"]
    total = len(claims.claims)
    if not definitional:
        return [f"None of the {total} claims is definitional: each follows from two or more "
                "interacting processes.", ""]
    return [f"{len(definitional)} of {total} claims are definitional (one equation or one switch "
            "produces them rather than interacting processes):", "",
            *(f"- {c.id}: {c.why}" for c in definitional), ""]


def _validation_block(paper: Paper, stores: dict, assets: Path,
                      experiments: dict[str, Experiment] | None = None,
                      calibration: Path | None = None,
                      backend: Backend | None = None) -> list[Path]:
    """The validation table; with a calibration folder, each claim's share of posterior draws."""
    assert paper.spec.claims is not None
    claims_file = paper.path(paper.spec.claims)
    claims = load_claims(claims_file)
    unknown = [f"{claims_file}: claims[{i}].experiment: '{c.experiment}' is not a sweep of "
               f"the paper (allowed: {', '.join(stores)})"
               for i, c in enumerate(claims.claims) if c.experiment not in stores]
    if unknown:
        raise ScenarioError(unknown)
    frame = evaluate_claims(claims, stores)
    shares = None
    if claims.posterior and calibration is not None and experiments:
        shares = posterior_claim_shares(claims, experiments, calibration,
                                        paper.path(paper.spec.results) / "posterior_claims",
                                        backend or Backend())
        frame = frame.merge(shares.drop(columns="draws"), on="id", how="left")
    rows = [[r.id, r.claim, r.mechanism, r.source, f"`{r.experiment}`",
             f"`{r.scenario}` vs `{r.reference}`", OUTCOMES_BY_NAME[r.outcome].label, r.expect,
             ci_text(r.diff, r.diff_low, r.diff_high, _places(r.outcome), sign=True),
             number(r.hedges_g, 1, True) if math.isfinite(r.hedges_g) else "–",
             p_text(r.p_holm), "**yes**" if r.holds else "**no**",
             *([_share_text(r)] if shares is not None else [])]
            for r in frame.itertuples()]
    held = int(frame["holds"].sum())
    header = ["#", "claim", "mechanism", "source", "experiment", "compared", "outcome",
              "expected", "difference [95% CI]", "g", "p (Holm)", "holds"]
    if shares is not None:
        header.append(f"share of {int(shares['draws'].max())} posterior draws it holds in "
                      "[95% CI]")
    paper.blocks["table.validation"] = [
        *md_table(header, rows, left=8),
        f"{held} of {len(frame)} claims hold at Holm-adjusted p < {claims.alpha:g}.", "",
        *(_fragile_lines(frame, claims) if shares is not None else []),
        *(_pattern_lines(calibration) if calibration is not None else []),
        *definitional_lines(claims),
        *_provenance_lines(_stamp(claims_file, "seeds of each experiment above"))]
    return [_write_table(paper.path(paper.spec.assets), "validation", frame)]


def posterior_claim_shares(claims: Claims, experiments: dict[str, Experiment], calibration: Path,
                           out: Path, backend: Backend) -> pd.DataFrame:
    """Run the claims' scenarios at the calibration's posterior draws; each claim's share."""
    from model.calibration.run import picked_draws

    assert claims.posterior is not None
    result = calibration_report.read_result(calibration)
    draws = pd.read_parquet(calibration / "posterior.parquet")
    sets = picked_draws(draws, list(result["fitted"]), claims.posterior.draws)
    compared = {}
    for claim in claims.claims:
        scenarios = {s.name: s.scenario for s in experiments[claim.experiment].scenarios}
        for name in (claim.scenario, claim.reference):
            key = f"{claim.experiment}/{name}"
            compared[key] = Compared(key, load_scenario(scenarios[name], claims.posterior.set))
    runs = run_posterior(list(compared.values()), sets, claims.posterior, out, backend)
    return claim_shares(claims.claims, compared, runs, claims.posterior)


def _share_text(row: Any) -> str:
    text = (f"{row.share * 100:.0f}% [{row.share_low * 100:.0f}, {row.share_high * 100:.0f}]"
            if math.isfinite(row.share) else "–")
    return f"{text} **fragile**" if row.holds and row.fragile else text


def _fragile_lines(frame: pd.DataFrame, claims: Claims) -> list[str]:
    """Claims that hold at the bundled values but in under the threshold share of draws."""
    assert claims.posterior is not None
    fragile = frame[frame["holds"] & frame["fragile"]]
    limit = f"{claims.posterior.fragile_below:.0%}"
    if fragile.empty:
        return [f"Every claim that holds at the bundled values also holds in at least "
                f"{limit} of the posterior draws.", ""]
    return [f"Fragile (holds at the bundled values, but in under {limit} of the posterior "
            f"draws): {', '.join(fragile['id'])}.", ""]


def _pattern_lines(calibration: Path) -> list[str]:
    """The claims the calibration required of every accepted parameter set, if any."""
    patterns = calibration_report.read_result(calibration)["spec"].get("patterns")
    if not patterns:
        return []
    return [f"Used in the calibration (every accepted parameter set reproduces them, section 6), "
            f"so not independent evidence: {', '.join(patterns['ids'])}.", ""]


def _calibration_blocks(paper: Paper, calibration: Calibration, out: Path, assets: Path,
                        backend: Backend) -> list[Path]:
    assert paper.spec.calibration is not None
    spec_file = paper.path(paper.spec.calibration)
    calibrate(calibration, out, backend, fresh=_stale(out / "design", calibration.design))
    result = calibration_report.read_result(out)
    spec = calibration.spec
    seeds = (f"root seed {spec.root_seed}, design and ABC seeds {spec.design.seed} and "
             f"{spec.abc.seed}, {spec.design.samples} points x {_seeds(spec.design.replications)}")
    stamp = _stamp(spec_file, seeds)
    token = STAMP.set(stamp)
    try:
        tables = calibration_report.write_tables(result, assets)
        figures = (calibration_report.posterior_figure(out, result, assets, stamp)
                   + calibration_report.trajectory_figure(result, assets, stamp))
    finally:
        STAMP.reset(token)
    for name, lines in tables.items():
        paper.blocks[f"table.{name}"] = [*lines, *_provenance_lines(stamp)]
    paper.blocks["text.calibration_why"] = calibration_report.why_lines(result)
    abc = result["abc"]
    paper.blocks["text.calibration_abc"] = [
        f"{result['design_runs']} fitting runs; rejection ABC kept {abc['accepted']:,} of "
        f"{abc['draws']:,} prior draws (tolerance {abc['tolerance']:.4f} in the distance of "
        f"the {len(result['fit'])} targets).", ""]
    pngs = [p for p in figures if p.suffix == ".png"]
    for path in figures:
        if path.suffix == ".svg":
            path.unlink()
    for path in pngs:
        paper.blocks[f"figure.{path.stem}"] = [
            f"![{path.stem}]({_relative_to_document(paper, path)})", "",
            *_provenance_lines(stamp)]
    return [*sorted((assets / "tables").glob("calibration_*.csv")), *pngs]


def _provenance_block(paper: Paper, stores: dict) -> list[str]:
    rows = [[f"`{name}`", f"{len(store.runs)}", store.manifest.get("spec_hash", "?")[:12]]
            for name, (store, _) in stores.items()]
    versions = package_versions()
    return [*md_table(["experiment", "runs", "spec hash"], rows),
            f"Code: {code_line()}; Mesa {versions.get('mesa')}, NumPy {versions.get('numpy')}, "
            f"pandas {versions.get('pandas')}, SciPy {versions.get('scipy')}.", ""]


def fill_document(document: Path, blocks: dict[str, list[str]]) -> Path:
    """Replace every generated block of ``document`` with its new content.

    Raises:
        ScenarioError: The document has a block nothing generates.
    """
    text = document.read_text(encoding="utf-8")
    unknown = [m.group("name") for m in BLOCK.finditer(text) if m.group("name") not in blocks]
    if unknown:
        raise ScenarioError([f"{document}: block '{name}' is generated by nothing (allowed: "
                             f"{', '.join(sorted(blocks))})" for name in unknown])

    def body(match: re.Match[str]) -> str:
        lines = blocks[match.group("name")]
        return match.group(1) + "\n".join(lines).strip("\n") + "\n" + match.group(4)

    document.write_text(BLOCK.sub(body, text), encoding="utf-8")
    return document
