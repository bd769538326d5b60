"""Sport names as GPX, TCX and Strava write them, mapped to FIT ``sport`` / ``sub_sport``."""

from __future__ import annotations

import re

__all__ = ["SPORT_NAMES", "STEP_SPORTS", "STRAVA_TYPE_CODES", "normalize_sport"]

#: Sports whose per-leg cadence (strides/min) is doubled to steps/min (see legday.model).
STEP_SPORTS: frozenset[str] = frozenset({"running", "walking", "hiking"})

#: Strava activity type codes written in a GPX ``<type>`` by Strava's exporter, in the order of
#: Strava's activity types (1 Ride and 9 Run checked in real exports; the rest follow the list).
STRAVA_TYPE_CODES: dict[str, str] = {
    "1": "Ride", "2": "AlpineSki", "3": "BackcountrySki", "4": "Hike", "5": "IceSkate",
    "6": "InlineSkate", "7": "NordicSki", "8": "RollerSki", "9": "Run", "10": "Walk",
    "11": "Workout", "12": "Snowboard", "13": "Snowshoe", "14": "Kitesurf", "15": "Windsurf",
    "16": "Swim", "17": "VirtualRide", "18": "EBikeRide", "19": "Velomobile", "21": "Canoeing",
    "22": "Kayaking", "23": "Rowing", "24": "StandUpPaddling", "25": "Surfing", "26": "Crossfit",
    "27": "Elliptical", "28": "RockClimbing", "29": "StairStepper", "30": "WeightTraining",
    "31": "Yoga", "51": "Handcycle", "52": "Wheelchair", "53": "VirtualRun",
}  # fmt: skip

#: Sport names seen in GPX ``<type>``, TCX ``Sport`` and Strava's activity types (lower case,
#: letters and digits only) mapped to FIT ``sport`` / ``sub_sport`` names (FIT SDK Profile).
SPORT_NAMES: dict[str, tuple[str, str | None]] = {
    "run": ("running", None), "running": ("running", None), "trailrun": ("running", "trail"),
    "trailrunning": ("running", "trail"), "treadmill": ("running", "treadmill"),
    "treadmillrunning": ("running", "treadmill"), "virtualrun": ("running", "virtual_activity"),
    "ride": ("cycling", None), "biking": ("cycling", None), "cycling": ("cycling", None),
    "bike": ("cycling", None), "virtualride": ("cycling", "virtual_activity"),
    "mountainbikeride": ("cycling", "mountain"), "gravelride": ("cycling", "gravel_cycling"),
    "handcycle": ("cycling", "hand_cycling"), "ebikeride": ("e_biking", None),
    "velomobile": ("cycling", None), "walk": ("walking", None), "walking": ("walking", None),
    "hike": ("hiking", None), "hiking": ("hiking", None), "swim": ("swimming", None),
    "swimming": ("swimming", None), "alpineski": ("alpine_skiing", None),
    "backcountryski": ("alpine_skiing", "backcountry"), "nordicski": ("cross_country_skiing", None),
    "rollerski": ("cross_country_skiing", None), "iceskate": ("ice_skating", None),
    "inlineskate": ("inline_skating", None), "snowboard": ("snowboarding", None),
    "snowshoe": ("snowshoeing", None), "kitesurf": ("kitesurfing", None),
    "windsurf": ("windsurfing", None), "canoeing": ("paddling", None),
    "kayaking": ("kayaking", None), "rowing": ("rowing", None),
    "standuppaddling": ("stand_up_paddleboarding", None), "surfing": ("surfing", None),
    "workout": ("training", None), "crossfit": ("training", None),
    "weighttraining": ("training", "strength_training"), "yoga": ("training", "yoga"),
    "elliptical": ("fitness_equipment", "elliptical"),
    "stairstepper": ("fitness_equipment", "stair_climbing"),
    "rockclimbing": ("rock_climbing", None), "wheelchair": ("wheelchair_push_walk", None),
    "other": ("generic", None),
    "generic": ("generic", None), "multisport": ("multisport", None),
}  # fmt: skip

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_sport(raw: str | None) -> tuple[str, str | None]:
    """A source's sport name or Strava code as FIT ``(sport, sub_sport)``; unknown → generic."""
    if raw is None:
        return "generic", None
    key = _NOT_ALNUM.sub("", raw.strip().lower())
    key = _NOT_ALNUM.sub("", STRAVA_TYPE_CODES.get(key, key).lower())
    return SPORT_NAMES.get(key, ("generic", None))
