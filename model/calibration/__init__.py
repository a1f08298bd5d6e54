"""Calibration to published figures: emulator-based ABC, then the dated run from the posterior."""

from model.calibration.run import Backend, CalibrationError, calibrate
from model.calibration.spec import Calibration, CalibrationSpec, load_calibration

__all__ = ["Backend", "Calibration", "CalibrationError", "CalibrationSpec", "calibrate",
           "load_calibration"]
