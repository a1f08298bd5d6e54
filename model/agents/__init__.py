"""The five agent types of the model, plus the one-stop hall facility."""

from model.agents.committee import ResidentsCommittee
from model.agents.department import Department
from model.agents.hall import Hall
from model.agents.ngo import NGO
from model.agents.resident import Resident
from model.agents.street import StreetOffice

__all__ = ["NGO", "Department", "Hall", "Resident", "ResidentsCommittee", "StreetOffice"]
