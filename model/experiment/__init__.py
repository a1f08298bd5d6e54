"""Experiments: specs, designs, the sweep runner with its result store, and reports."""

from model.experiment.design import Run, design_points, plan_runs
from model.experiment.runner import SweepSummary, run_sweep
from model.experiment.spec import Experiment, ExperimentSpec, experiment_from_data, load_experiment
from model.experiment.store import ResultStore

__all__ = [
    "Experiment",
    "ExperimentSpec",
    "ResultStore",
    "Run",
    "SweepSummary",
    "design_points",
    "experiment_from_data",
    "load_experiment",
    "plan_runs",
    "run_sweep",
]
