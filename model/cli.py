"""The ``cogov`` command line: list, validate, run, compare, sweep, report, schema.

A thin layer over the library: scenarios come from :func:`model.load_scenario`, runs from
:mod:`model.simulate`, sweeps from :mod:`model.experiment` (which ``compare`` reuses),
statistics from :mod:`model.compare` and saved files from :mod:`model.provenance`. Bad input of
any kind exits with status 2 and one line per problem on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from model.compare import (
    compare_table,
    comparison_folder,
    format_summary,
    format_table,
    save_comparison,
)
from model.dashboard.http_policy import ENV_ALLOWED_HOSTS, env_allowed_hosts, parse_authority
from model.dashboard.limits import ENV_PREFIX as ENV_UPLOAD_PREFIX
from model.dashboard.limits import UploadLimits, limit_names, parse_limit
from model.experiment import experiment_from_data, load_experiment, run_sweep
from model.experiment.backends import BACKENDS, BackendError
from model.experiment.runner import SweepSummary, summaries_by_scenario
from model.experiment.spec import DEFAULT_MAX_RUNS
from model.outcomes import OUTCOMES_BY_NAME, headline, summarize
from model.periods import PeriodError, period_dates, period_days, trajectory
from model.process_group import serve
from model.provenance import jsonable, save_run
from model.scenario import Scenario, ScenarioError, bundled_names, load_scenario, parse_override
from model.scenario.loader import CLI_SOURCE
from model.simulate import run_model
from model.streams import MAX_SEED

PROG = "cogov"


class UsageError(Exception):
    """A command line that cannot be parsed; the message is one line."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (raised, so ``main`` returns 2)."""

    def error(self, message: str) -> NoReturn:
        """Raise a one-line UsageError instead of printing usage and exiting."""
        raise UsageError(f"{self.prog}: error: {message} (see '{self.prog} --help')")


def _whole_number(text: str, low: int, high: int | None, expected: str) -> int:
    """``text`` as a whole number from ``low`` to ``high``, or an argparse error naming it."""
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        raise argparse.ArgumentTypeError(f"expected {expected}, got '{text}'")
    return value


def positive_int(text: str) -> int:
    """Parse a whole number of at least 1 (an argparse ``type``)."""
    return _whole_number(text, 1, None, "a positive whole number")


def seed_value(text: str) -> int:
    """Parse a seed: a whole number from 0 to 2**63 - 1, the range every command accepts."""
    return _whole_number(text, 0, MAX_SEED, f"a whole number from 0 to {MAX_SEED}")


def port_number(text: str) -> int:
    """Parse a TCP port: 1 to 65535, or 0 for any free port."""
    return _whole_number(text, 0, 65535, "a port from 1 to 65535 (0: any free port)")


def upload_limit(text: str) -> tuple[str, int]:
    """Parse ``NAME=N``, a limit on what an uploaded scenario may ask of the dashboard."""
    name, _, raw = text.partition("=")
    try:
        return name.strip(), parse_limit(name.strip(), raw.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def duration(text: str) -> str:
    """Parse a duration such as ``90s``, ``30m`` or ``2h`` (an argparse ``type``)."""
    if not re.fullmatch(r"\d+(\.\d+)?[smh]", text.strip()):
        raise argparse.ArgumentTypeError(
            f"expected a duration such as 90s, 30m or 2h, got '{text}'")
    return text.strip()


def period_list(text: str) -> list[str]:
    """Parse comma-separated calendar periods (an argparse ``type``): 2019, 2019-09, ..."""
    labels = [label.strip() for label in text.split(",") if label.strip()]
    try:
        for label in labels or [text]:
            period_dates(label)
    except PeriodError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return labels


def outcome_list(text: str) -> list[str]:
    """Parse ``all`` or comma-separated outcome names (an argparse ``type``)."""
    if text.strip() == "all":
        return list(OUTCOMES_BY_NAME)
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in OUTCOMES_BY_NAME]
    if unknown or not names:
        allowed = ", ".join(["all", *OUTCOMES_BY_NAME])
        raise argparse.ArgumentTypeError(
            f"unknown outcome '{unknown[0] if unknown else text}' (allowed: {allowed})")
    return names


def _add_scenario_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``run`` and ``compare``."""
    parser.add_argument("--days", type=positive_int, help="days to simulate (default: the "
                        "scenario's run.days); same as --set run.days=N")
    parser.add_argument("--set", action="append", default=[], metavar="dotted.key=value",
                        help="override a parameter (TOML value), e.g. --set whistle.enabled=true;"
                        " repeatable")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--out", metavar="DIR", help="save results with provenance to DIR")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="label language")


def build_parser() -> argparse.ArgumentParser:
    """The ``cogov`` argument parser with its subcommands."""
    parser = _Parser(prog=PROG, description="Agent-based model of community governance.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("list", help="bundled scenarios and what they are").set_defaults(
        func=cmd_list)
    validate = commands.add_parser("validate", help="check scenario files")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(func=cmd_validate)
    run = commands.add_parser("run", help="run one scenario with one seed")
    run.add_argument("scenario", metavar="SCENARIO", help="bundled name or TOML file")
    run.add_argument("--seed", type=seed_value, default=0, help="seed of the run (default 0)")
    run.add_argument("--periods", type=period_list, default=[], metavar="PERIODS",
                     help="also give the figures of these calendar periods of a dated run, "
                     "comma-separated: 2019, 2019-09 or 2024-01..2024-09")
    _add_scenario_options(run)
    run.set_defaults(func=cmd_run)
    compare = commands.add_parser("compare", help="compare scenarios over replication seeds")
    compare.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                         help="bundled names or TOML files; the first is the reference")
    compare.add_argument("--seeds", type=positive_int, default=5,
                         help="replications per scenario (default 5)")
    compare.add_argument("--seed", type=seed_value, default=0, help="root seed (default 0)")
    compare.add_argument("--workers", type=positive_int, default=os.cpu_count() or 1,
                         help="worker processes (default: all CPUs)")
    compare.add_argument("--outcomes", type=outcome_list, default=list(headline("table")),
                         metavar="NAMES", help="comma-separated outcomes for the table, or all")
    _add_scenario_options(compare)
    compare.set_defaults(func=cmd_compare)
    _add_sweep_parser(commands)
    _add_calibrate_parser(commands)
    paper = commands.add_parser("paper", help="run the paper's experiments and regenerate "
                                "docs/paper.md's tables and figures")
    paper.add_argument("spec", metavar="SPEC", nargs="?", default="experiments/paper.toml",
                       help="paper spec (default: experiments/paper.toml)")
    paper.add_argument("--backend", choices=BACKENDS, help="where runs execute (default: "
                       "processes, or dask with --scheduler)")
    paper.add_argument("--workers", type=positive_int, help="worker processes")
    paper.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler")
    paper.add_argument("--quiet", action="store_true", help="no progress bars")
    paper.set_defaults(func=cmd_paper)
    report = commands.add_parser("report", help="write report.md, figures and tables of a "
                                 "sweep's result folder")
    report.add_argument("folder", metavar="DIR", help="the sweep's result folder")
    report.add_argument("--out", metavar="DIR", help="write there instead (default: DIR)")
    report.add_argument("--emulate", action="store_true",
                        help="a Sobol design's report adds the indices of the expected "
                        "outcomes, estimated on a Gaussian-process emulator of the runs "
                        "(narrower intervals; seconds per outcome)")
    report.set_defaults(func=cmd_report)
    dashboard = commands.add_parser("dashboard", help="serve the policymakers' dashboard")
    dashboard.add_argument("--host", default="127.0.0.1", help="address to listen on (default "
                           "127.0.0.1: this machine only; 0.0.0.0 serves the network)")
    dashboard.add_argument("--port", type=port_number, default=8765,
                           help="port (default 8765; 0: any free port)")
    dashboard.add_argument("--cull-after", type=duration, default="30m", metavar="DURATION",
                           help="free a session's model this long after its page was closed "
                           "(e.g. 90s, 30m, 2h; default 30m)")
    dashboard.add_argument("--allowed-host", type=allowed_host, action="append", default=[],
                           metavar="HOST[:PORT]", help="a further name the server answers to, "
                           "e.g. a reverse proxy's (Host and websocket Origin are checked); "
                           f"repeatable; also ${ENV_ALLOWED_HOSTS}, comma-separated")
    dashboard.add_argument("--resourcez", action="store_true",
                           help="serve /resourcez (server statistics; off by default)")
    dashboard.add_argument("--upload-limit", type=upload_limit, action="append", default=[],
                           metavar="NAME=N", help="the most an uploaded scenario may ask for ("
                           f"{', '.join(limit_names())}); repeatable; also "
                           f"${ENV_UPLOAD_PREFIX}<NAME>")
    dashboard.set_defaults(func=cmd_dashboard)
    commands.add_parser("schema", help="print the scenario JSON schema").set_defaults(
        func=cmd_schema)
    return parser


def _add_sweep_parser(commands: argparse._SubParsersAction) -> None:
    """The ``sweep`` subcommand and its options."""
    sweep = commands.add_parser("sweep", help="run an experiment spec; rerun to resume")
    sweep.add_argument("spec", metavar="SPEC", help="experiment spec (TOML)")
    sweep.add_argument("--backend", choices=BACKENDS, help="where runs execute (default: "
                       "processes; dask when --scheduler is given)")
    sweep.add_argument("--workers", type=positive_int, help="worker processes, or workers of a "
                       "local Dask cluster (default: one per core)")
    sweep.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. "
                       "tcp://10.0.0.5:8786 (default: start a local cluster)")
    sweep.add_argument("--out", metavar="DIR", help="result folder (default: results/NAME)")
    sweep.add_argument("--fresh", action="store_true", help="discard results already in the "
                       "folder instead of resuming")
    sweep.add_argument("--replications", type=positive_int, help="replications instead of "
                       "the spec's")
    sweep.add_argument("--days", type=positive_int, help="days per run instead of the spec's")
    sweep.add_argument("--samples", type=positive_int, help="sample size of a sampled design "
                       "instead of the spec's")
    sweep.add_argument("--set", action="append", default=[], metavar="dotted.key=value",
                       help="override a parameter of every scenario, e.g. --set "
                       "district.residents=2000; repeatable")
    sweep.add_argument("--max-runs", type=positive_int, default=DEFAULT_MAX_RUNS, metavar="N",
                       help=f"refuse a spec planning more runs (default {DEFAULT_MAX_RUNS:,})")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    sweep.add_argument("--lang", choices=("en", "zh"), default="en", help="label language")
    sweep.set_defaults(func=cmd_sweep)


def _add_calibrate_parser(commands: argparse._SubParsersAction) -> None:
    """``cogov calibrate``: fit a calibration spec and run it out of sample from the posterior."""
    calibrate = commands.add_parser("calibrate", help="fit parameters to published figures "
                                    "(emulator-based ABC) and run the dated scenario from "
                                    "posterior draws")
    calibrate.add_argument("spec", metavar="SPEC", help="calibration spec (TOML)")
    calibrate.add_argument("--backend", choices=BACKENDS, help="where runs execute (default: "
                           "processes, or dask with --scheduler)")
    calibrate.add_argument("--workers", type=positive_int, help="worker processes")
    calibrate.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler")
    calibrate.add_argument("--out", metavar="DIR", help="result folder (default: results/NAME)")
    calibrate.add_argument("--fresh", action="store_true", help="discard fitting runs already "
                           "in the folder")
    calibrate.add_argument("--samples", type=positive_int, help="design points instead of the "
                           "spec's")
    calibrate.add_argument("--replications", type=positive_int, help="seeds per point, at the "
                           "check and per posterior draw, instead of the spec's")
    calibrate.add_argument("--days", type=positive_int, help="days per fitting run instead of "
                           "the spec's")
    calibrate.add_argument("--set", action="append", default=[], metavar="dotted.key=value",
                           help="override a parameter in every run (repeatable)")
    calibrate.add_argument("--quiet", action="store_true", help="no progress bar")
    calibrate.set_defaults(func=cmd_calibrate)


def _load_all(refs: Sequence[str], sets: Sequence[str], days: int | None) -> list[Scenario]:
    """Load every scenario with the overrides; report every problem of every one at once."""
    overrides = dict(parse_override(text) for text in sets)
    if days is not None:
        overrides["run.days"] = days
    scenarios, problems = [], []
    for ref in refs:
        try:
            scenarios.append(load_scenario(ref, overrides, overrides_source=CLI_SOURCE))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    return scenarios


def _print_json(data: object) -> None:
    print(json.dumps(jsonable(data), ensure_ascii=False, allow_nan=False))


def cmd_list(args: argparse.Namespace) -> int:
    """Print each bundled scenario with its one-line description."""
    status = 0
    for name in bundled_names():
        try:
            print(f"{name:<22}{load_scenario(name).description}")
        except ScenarioError as exc:
            print("\n".join(exc.problems), file=sys.stderr)
            status = 2
    return status


def cmd_validate(args: argparse.Namespace) -> int:
    """Check scenario files: ``FILE: ok`` for each good one, every problem of the others."""
    status = 0
    for path in args.files:
        try:
            load_scenario(path)
        except ScenarioError as exc:
            print("\n".join(exc.problems), file=sys.stderr)
            status = 2
        else:
            print(f"{path}: ok")
    return status


def cmd_run(args: argparse.Namespace) -> int:
    """Run one scenario with one seed; print the summary and optionally save it."""
    (scenario,) = _load_all([args.scenario], args.set, args.days)
    try:  # every period is checked before anything runs
        for label in args.periods:
            period_days(label, scenario.run.start_date, scenario.run.days)
    except PeriodError as exc:
        raise UsageError(f"{PROG} run: error: --periods: {exc}") from None
    model = run_model(scenario, seed=args.seed)
    summary = summarize(model)
    periods = trajectory(model, args.periods) if args.periods else None
    if args.json:
        _print_json(summary if periods is None else
                    {**summary, "periods": periods.to_dict(orient="records")})
    else:
        print(f"{scenario.name}: seed {args.seed}, {model.day} days")
        print(format_summary(summary, args.lang))
        if periods is not None:
            print(periods.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    if args.out:
        extra = {"command": "run", "scenario_ref": args.scenario, "overrides": args.set,
                 "argv": args.argv}
        save_run(args.out, model, extra)
        print(f"saved to {args.out}", file=sys.stderr)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """Run every scenario over the same seeds; print the comparison and optionally save it."""
    scenarios = _load_all(args.scenarios, args.set, args.days)
    data = {"name": "compare", "scenarios": args.scenarios, "replications": args.seeds,
            "root_seed": args.seed, "days": scenarios[0].run.days, "outcomes": args.outcomes,
            "set": dict(parse_override(text) for text in args.set)}
    experiment = experiment_from_data(data, "cogov compare")
    runs = len(scenarios) * args.seeds
    # --out is checked and locked before anything runs, and written only at the end
    with (comparison_folder(args.out),
          tempfile.TemporaryDirectory(prefix="cogov-compare-") as scratch):
        print(f"{PROG} compare: {runs} runs ({len(scenarios)} scenarios × {args.seeds} seeds)"
              f" on {min(args.workers, runs)} workers", file=sys.stderr)
        done = run_sweep(experiment, scratch, workers=args.workers, fresh=True, progress=False)
        names = [base.name for base in experiment.scenarios]
        results = summaries_by_scenario(done.runs, names)
        _warn_failures(done)
        table = compare_table(results)
        if args.json:
            _print_json(table.to_dict(orient="records"))
        else:
            print(format_table(table, args.outcomes, args.lang))
        if args.out:
            stored = json.loads((done.out / "manifest.json").read_text(encoding="utf-8"))
            extra = {"command": "compare", "scenario_refs": args.scenarios, "names": names,
                     "overrides": args.set, "argv": args.argv}
            save_comparison(args.out, results, scenarios, experiment.seeds,
                            {**stored, **extra}, done.runs)
            print(f"saved to {args.out}", file=sys.stderr)
    return 1 if done.failed else 0


def _warn_failures(done: SweepSummary) -> None:
    """Name the failed runs (with the last line of each traceback) on stderr."""
    failed = done.runs[done.runs["status"] != "ok"] if len(done.runs) else done.runs
    for run_id, error in zip(failed.get("run_id", []), failed.get("error", []), strict=True):
        last = error.strip().splitlines()[-1] if error.strip() else "unknown error"
        print(f"{PROG}: run {run_id} failed: {last}", file=sys.stderr)


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run an experiment spec into its result folder, resuming what is already there."""
    overrides = dict(parse_override(text) for text in args.set)
    experiment = load_experiment(args.spec, args.replications, args.days, args.samples,
                                 overrides, max_runs=args.max_runs)
    backend = args.backend or ("dask" if args.scheduler else "processes")
    if args.scheduler and backend != "dask":
        raise UsageError(f"{PROG} sweep: error: --scheduler needs --backend dask, "
                         f"not {backend}")
    out = Path(args.out or Path("results") / experiment.name)
    done = run_sweep(experiment, out, backend=backend, workers=args.workers,
                     scheduler=args.scheduler, fresh=args.fresh, progress=not args.quiet)
    _warn_failures(done)
    kept = f"; {done.kept} stored runs of further replications kept" if done.kept else ""
    if done.skipped == done.planned:
        print(f"{experiment.name}: all {done.planned} planned runs already stored, nothing to "
              f"run{kept} -> {out}", file=sys.stderr)
    else:
        print(f"{experiment.name}: {done.planned} runs planned, {done.skipped} already stored, "
              f"{done.ok} ok, {done.failed} failed{kept}; {done.seconds:.1f} s on {backend} -> "
              f"{out}", file=sys.stderr)
    if experiment.design_kind == "none" and done.ok:
        names = [base.name for base in experiment.scenarios]
        table = compare_table(summaries_by_scenario(done.runs, names))
        print(format_table(table, experiment.spec.outcomes, args.lang))
    print(f"next: {PROG} report {out}", file=sys.stderr)
    return 1 if done.failed else 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Fit a calibration spec, run it from posterior draws, write and print the results."""
    from model.calibration import Backend, CalibrationError, calibrate, load_calibration
    from model.calibration.report import summary_text, write_calibration_report

    overrides = dict(parse_override(text) for text in args.set)
    calibration = load_calibration(args.spec, samples=args.samples,
                                   replications=args.replications, overrides=overrides,
                                   days=args.days)
    backend = args.backend or ("dask" if args.scheduler else "processes")
    if args.scheduler and backend != "dask":
        raise UsageError(f"{PROG} calibrate: error: --scheduler needs --backend dask, "
                         f"not {backend}")
    out = Path(args.out or Path("results") / calibration.spec.name)
    try:
        result = calibrate(calibration, out, Backend(backend, args.workers, args.scheduler,
                                                     not args.quiet), fresh=args.fresh)
    except CalibrationError as exc:
        print(f"{PROG} calibrate: error: {exc}", file=sys.stderr)
        return 1
    write_calibration_report(out)
    print(summary_text(result))
    print(f"{calibration.spec.name}: {result['seconds']:.1f} s on {backend}; see "
          f"{out / 'report.md'}", file=sys.stderr)
    return 0


def cmd_paper(args: argparse.Namespace) -> int:
    """Run the paper's sweeps and calibration; regenerate its blocks, tables and figures."""
    from model.calibration import Backend, CalibrationError
    from model.paper import run_paper

    backend = args.backend or ("dask" if args.scheduler else "processes")
    if args.scheduler and backend != "dask":
        raise UsageError(f"{PROG} paper: error: --scheduler needs --backend dask, not {backend}")
    try:
        written = run_paper(args.spec, Backend(backend, args.workers, args.scheduler,
                                               not args.quiet))
    except CalibrationError as exc:
        print(f"{PROG} paper: error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} files; see {written[-1]}", file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the report, figures and tables of a sweep's result folder."""
    from model.experiment.report import ReportError, write_report

    try:
        paths = write_report(args.folder, args.out, emulate=args.emulate)
    except ReportError as exc:
        print(f"{PROG} report: error: {exc}", file=sys.stderr)
        return 2
    where = Path(args.out or args.folder)
    print(f"wrote {len(paths)} files; see {where / 'report.md'}", file=sys.stderr)
    return 0


def allowed_host(text: str) -> str:
    """Parse a host name or IP address with an optional port (an argparse ``type``)."""
    try:
        parse_authority(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text.strip()


def dashboard_command(host: str, port: int, cull_after: str, allowed_hosts: Sequence[str] = (),
                      resourcez: bool = False) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of the dashboard's server (:mod:`model.dashboard.server`).

    Solara's app behind safe HTTP defaults on uvicorn, in production mode; ``cull_after`` sets
    ``SOLARA_KERNEL_CULL_TIMEOUT``. ``$COGOV_DASHBOARD_ALLOWED_HOSTS`` passes through the
    environment.
    """
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
           "SOLARA_KERNEL_CULL_TIMEOUT": cull_after}
    argv = [sys.executable, "-m", "model.dashboard.server", "--host", host, "--port", str(port)]
    for name in allowed_hosts:
        argv += ["--allowed-host", name]
    return argv + (["--resourcez"] if resourcez else []), env


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Serve the dashboard until interrupted (on 127.0.0.1 by default; see dashboard_command)."""
    try:
        import solara  # noqa: F401 - only checks that the dashboard extra is installed
    except ImportError:
        raise UsageError(f"{PROG} dashboard: error: needs the dashboard extra: "
                         f"pip install 'cogov[dashboard]'") from None
    for name in env_allowed_hosts():
        try:
            parse_authority(name)
        except ValueError as exc:
            raise UsageError(f"{PROG} dashboard: error: ${ENV_ALLOWED_HOSTS}: {exc}") from None
    argv, env = dashboard_command(args.host, args.port, args.cull_after, args.allowed_host,
                                  args.resourcez)
    env.update({f"{ENV_UPLOAD_PREFIX}{name.upper()}": str(value)
                for name, value in args.upload_limit})
    try:
        UploadLimits.from_environment(env)
    except ValueError as exc:
        raise UsageError(f"{PROG} dashboard: error: {exc}") from None
    return serve(argv, env)  # the server prints its address and the names it answers to


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the scenario JSON schema."""
    print(json.dumps(Scenario.model_json_schema(), indent=2, ensure_ascii=False))
    return 0


def _after_interrupt(command: str | None) -> str:
    """What an interrupted command leaves behind."""
    if command in ("sweep", "calibrate", "paper"):
        return "finished runs are stored, rerun the same command to resume"
    return "nothing was saved"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cogov`` command line.

    Args:
        argv: Arguments after the program name (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 on success, 2 on bad input (one line per problem on stderr).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    args = None
    try:
        args = build_parser().parse_args(argv)
        args.argv = argv
        return args.func(args)
    except UsageError as exc:
        print(exc, file=sys.stderr)
    except ScenarioError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
    except BackendError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
    except BrokenPipeError:  # output piped into e.g. `head`, which has exited
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{PROG}: error: {where}{exc.strerror or exc}", file=sys.stderr)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; {_after_interrupt(getattr(args, 'command', None))}",
              file=sys.stderr)
        return 130
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
