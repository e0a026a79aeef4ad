"""Curated, checked-in seed tables (package data) and how to read them.

The CSV files in this package are written by hand (or from curated facts) and
contain no rows or coordinates copied from the third-party files in
``../shared/data``. Read them with ``seed_path(name)``; every cell is a string
and an empty cell means NULL.

``team_codes.csv`` — ``team_abbr,bref_code,nba_team_id,full_name,is_nba,tz,utc_offset_std``
    * 30 rows with ``is_nba=true``: NBA.com tricode, basketball-reference code
      (``BRK``/``CHO``/``PHO`` differ), NBA.com ``TEAM_ID``, current full name,
      home IANA time zone and its *standard-time* UTC offset in hours. These 30
      rows are unique on ``team_abbr``, ``bref_code`` and ``nba_team_id``.
    * ``is_nba=false`` rows: every other code seen in the staged files
      (guest/preseason clubs such as ``MAC`` or ``FCB``, All-Star and
      celebrity teams such as ``AWY``/``HME``/``LBN``/``GNS``), with the
      NBA.com ``TEAM_ID`` when a source carries one (empty otherwise), the
      name as published (stripped) and empty ``bref_code``/``tz``.
    * The file is unique on ``team_abbr`` (one row per code). A code seen with
      several ``TEAM_ID``s (All-Star codes ``CAN``, ``EST``, ``WST``, ``LBN``,
      ``USA`` are reused across years) keeps the id and name of its latest
      appearance; All-Star ids are also shared by several codes, so
      ``nba_team_id`` is unique only among the NBA rows.
    * One celebrity-game team ("Team Stephen A", 2020-02-14, ``TEAM_ID``
      1610616839) was published with the NBA code ``SAS``; the code maps to
      the Spurs row. Rule: a team-game belongs to an NBA team iff its code is
      an ``is_nba`` tricode **and**, when the source carries a ``TEAM_ID``,
      that id equals the row's ``nba_team_id`` (All-Star/preseason phases are
      excluded before analytics anyway).

``team_names.csv`` — ``name,team_abbr``
    Every full-name spelling any source uses for an NBA team (SBR, fixtures,
    The Odds API, basketball-reference, NBA.com), including historic names
    (``Charlotte Bobcats``, ``New Jersey Nets``, ``Seattle SuperSonics`` ...),
    mapped to the tricode. ``name`` is unique; match it exactly.

``arenas.csv`` — ``arena_key,aliases,city,lat,lon,tz,utc_offset_std,team_abbr,``
``valid_from_season,valid_to_season,source``
    One row per physical arena site per tenancy (SPEC §3.9).

    * ``arena_key`` names the *site*. For ``source=kennethday8`` it is exactly
      the ``arena`` value of ``arenas_kennethday8.csv`` and ``city``/``lat``/
      ``lon`` are empty: join them from that file on ``arena`` at ingest (the
      file lists ``Staples Center`` twice, for LAC and LAL, with identical
      coordinates, so take the distinct coordinates). ``source=curated`` rows
      carry their own city and coordinates.
    * ``aliases`` is a ``|``-separated list of the other names used for the
      same site (renames, sponsor names, spelling variants).
    * **Name rule.** Compare names case-insensitively (``str.casefold``) and
      exactly against ``arena_key`` and every alias. Each name identifies
      exactly one ``arena_key``. A site may have several rows (several
      tenancies); those rows share the ``arena_key``, aliases, city,
      coordinates, ``tz`` and ``utc_offset_std``, so a name always gives one
      location. Shared sites: ``Staples Center`` (LAL open-ended, LAC up to
      2023) and ``Scotiabank Arena`` (TOR up to 2019 and from 2021, with
      ``Amalie Arena`` as TOR's home for 2020 only).
    * **Home-arena rule.** ``team_abbr`` is the NBA tricode of the tenant, or
      empty for a neutral site. ``valid_from_season``/``valid_to_season`` are
      inclusive season start years; empty means open-ended. For every NBA
      team and every season exactly one row has that ``team_abbr`` and covers
      that season: that row is the team's home arena for the season.
    * A game is at a neutral site when its resolved ``arena_key`` is not the
      home team's home arena for that season (e.g. Paris, Mexico City, London,
      Berlin, Las Vegas Cup games, Austin, the 2019-20 restart site).
    * ``tz`` is the IANA zone, ``utc_offset_std`` the standard-time offset in
      hours (Phoenix -7, Paris +1).

``player_aliases.csv`` — ``alias_lookup,player_id,source,valid_from,valid_to``
    Curated nickname/spelling aliases: ``alias_lookup`` is the
    ``player_lookup`` key of the alternative name, ``player_id`` the NBA.com
    ``PLAYER_ID``. ``alias_lookup`` is unique and never equals the lookup of a
    *different* NBA.com player. ``valid_from``/``valid_to`` (dates) are empty
    unless an alias is only valid for a period.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["SEED_FILES", "seed_path"]

#: The seed files shipped in this package.
SEED_FILES: tuple[str, ...] = (
    "arenas.csv",
    "player_aliases.csv",
    "team_codes.csv",
    "team_names.csv",
)


def seed_path(name: str) -> Path:
    """Return the filesystem path of the seed file ``name`` (e.g. ``"arenas.csv"``).

    The files are package data located with :mod:`importlib.resources`, so
    this works for editable and regular (unzipped) installs.

    Raises:
        FileNotFoundError: if no seed file of that name exists.
    """
    path = Path(str(files(__name__).joinpath(name)))
    if not path.is_file():
        raise FileNotFoundError(f"no seed file {name!r} in package {__name__} ({path})")
    return path
