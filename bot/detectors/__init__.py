"""Detector registry: new detectors register here, and only here."""

from __future__ import annotations

from bot.detectors.base import Detector


def build_detectors(region: str = "US") -> list[Detector]:
    """One instance of every detector, configured once at start (never per message)."""
    from bot.detectors.address import AddressDetector
    from bot.detectors.birth_date import BirthDateDetector
    from bot.detectors.email import EmailDetector
    from bot.detectors.financial import FinancialDetector
    from bot.detectors.health import HealthDetector
    from bot.detectors.partial import PartialPhoneDetector, VagueResidenceDetector
    from bot.detectors.phone import PhoneDetector
    from bot.detectors.school_work import SchoolWorkDetector
    from bot.detectors.ssn import SSNDetector

    return [
        SSNDetector(),
        PhoneDetector(region=region),
        EmailDetector(),
        FinancialDetector(),
        AddressDetector(),
        BirthDateDetector(),
        HealthDetector(),
        SchoolWorkDetector(),
        VagueResidenceDetector(),
        PartialPhoneDetector(),
    ]


__all__ = ["Detector", "build_detectors"]
