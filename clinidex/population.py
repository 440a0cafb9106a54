"""A synthetic patient population for the master patient index (MPI), the noisy demographics
that arrive on faxes about those patients, and labelled documents rendered for them.

Everything here is generated; nothing is, or is derived from, real patient data.

`population(n, seed, issuers)` streams `n` patients in households: singles, couples and families
sharing a family name, address and (often) phone; twins (same family name, birth date and
address); adult children who moved out or married. Family names follow a Zipf-like curve over a
few common surnames and a long tail of names built from syllables (~110k distinct), so 1M
patients keep finding new names while the common names produce unrelated same-name (and, at
scale, same-name-same-birth-date) people. Every patient has an MRN from the home issuer
(`issuers[0]`, the hospital running the MPI) and some carry MRNs from one or two partner
facilities (defaults 30% one, 8% two). Households: 45% one person, 25% a couple, 30% a family
with children (3% of births twins); 85% of addresses in the home catchment. Rate ~12k/s.

`faxed_demographics(records, seed, n)` makes the fields a document extraction gives for a fax
about a patient (normal forms of `clinidex.fields`), damaged the way faxes are. The proportions
below are an honest guess at faxes reaching a hospital records office, not measurements; they
are the defaults of `FaxNoise` (each applies per case, independently, where it can apply):

  outside_fraction  0.10  the person is not in the MPI (true answer: no match; generated like the
                          MPI, never sharing an MPI patient's name + birth date or MRN)
  name_only         0.04  only a name could be read
  nickname          0.08  "bill" for william, "beth" for elizabeth (names that have one)
  family_name_change 0.10 women 18+: maiden/married name (or both, hyphenated) -> ~4% of cases
  partial_family    0.30  hyphenated/multi-word family names written with one part
  name_order_swapped 0.03 "family given"
  typo_given/typo_family 0.03 each: a letter dropped, doubled, swapped or mistyped
  ocr_name          0.05  rn/m, cl/d, l/1/i, o/0, s/5, b/8 ... in the name
  missing_dob       0.06;  transposed_dob 0.04 (only when day <= 12: ~1.5% of cases);
  dob_digit_wrong   0.03
  missing_sex       0.40
  MRN source: an issuer the MPI does not know 0.15 ("unknown_issuer_mrn"; 0.30 for people
             not in the MPI, the rest from a known partner with a number the MPI lacks); else,
             patient with partner MRNs: the home hospital's 0.10, otherwise one of theirs;
             patient without: the home hospital's 0.30, otherwise a partner that never sent this
             patient to the MPI ("mrn_not_in_mpi")
  no_mrn 0.15;  mrn_ocr 0.05 (0/O, 1/I/L, 5/S, 8/B, 2/Z);  no_issuer 0.10 (MRN without its issuer)
  missing_phone     0.60;  old_phone 0.10;  phone_digit_wrong 0.03
  missing_address   0.55;  old_address 0.12 (before a move);  address_ocr 0.05

`FaxedCase.damage` lists the labels applied (the names above). `documents_for` renders labelled
documents with a corpus family, sent by the partner facility whose MRN the patient carries.
"""
from __future__ import annotations

import bisect
import random
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Iterator, Sequence

from clinidex.corpus.base import Family, LabelledDocument, Person, Sender
from clinidex.fields import norm_code, norm_text
from clinidex.patient import Identifier, PatientRecord, issuer_key

__all__ = ["Issuer", "FaxNoise", "FaxedCase", "default_issuers", "population", "as_person", "format_mrn", "sender_for",
           "faxed_demographics", "documents_for", "NICKNAMES"]

YEAR_FIRST, YEAR_LAST = 1925, 2025
_STAMP = datetime(2026, 1, 1, tzinfo=timezone.utc)  # updated_at of every record: deterministic


@dataclass(frozen=True)
class Issuer:
    system: str  # FHIR system URI / OID / HL7 assigning authority
    name: str  # as people write it (the assigner)


def default_issuers() -> list[Issuer]:
    """The home hospital (first) and partner facilities (names shared with the evaluation family)."""
    return [
        Issuer("urn:oid:2.16.840.1.113883.3.7751.1", "St. Brendan's Hospital"),
        Issuer("https://cedarhollow.example.org/mrn", "Cedar Hollow Medical Center"),
        Issuer("https://windrow-gi.example.org/patient", "Windrow Endoscopy & Digestive Health"),
        Issuer("urn:oid:2.16.840.1.113883.3.8812.2", "Stonebridge Regional Hospital"),
        Issuer("https://larkfield-ortho.example.org/mrn", "Larkfield Orthopedic & Spine Associates"),
        Issuer("https://prairielantern.example.org/ids/mrn", "Prairie Lantern Health System"),
    ]


# Facilities whose MRNs an MPI built from default_issuers() has never seen.
_OUTSIDE_FACILITIES = ("Tamarack Valley Clinic", "Oxbow River Hospital", "Juniper Bluff Health Center",
                       "Harrow Creek Community Health Center", "Thistledown Family Medicine",
                       "Greywater Neurology Clinic", "Pewter Hill Hospital")

# ---------------------------------------------------------------------------------------------
# Names

_COMMON_FAMILY = (  # generic common US surnames, most common first
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
    "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark",
    "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres",
    "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell",
    "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker",
    "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy", "Cook",
    "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey", "Reed", "Kelly",
    "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks", "Chavez", "Wood",
    "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez", "Castillo",
    "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Powell", "Jenkins", "Perry",
    "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes", "Gonzales", "Fisher",
    "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander", "Hamilton", "Graham",
    "Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes", "Bryant", "Herrera",
    "Gibson", "Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray", "Ford", "Castro", "Marshall",
    "Owens", "Harrison", "Fernandez", "McDonald", "Woods", "Washington", "Kennedy", "Wells", "Vargas",
    "Henry", "Chen", "Freeman", "Webb", "Tucker", "Guzman", "Burns", "Crawford", "Olson", "Simpson",
    "Porter", "Hunter", "Gordon", "Mendez", "Silva", "Shaw", "Snyder", "Mason", "Dixon", "Munoz",
    "Hunt", "Hicks", "Holmes", "Palmer", "Wagner", "Black", "Robertson", "Boyd", "Rose", "Stone",
    "Salazar", "Fox", "Warren", "Mills", "Meyer", "Rice", "Schmidt", "Garza", "Daniels", "Ferguson",
    "Nichols", "Stephens", "Soto", "Weaver", "Ryan", "Gardner", "Payne", "Grant", "Dunn", "Kelley",
    "O'Brien", "Wang", "Singh", "Schultz", "Kowalski", "D'Angelo", "Nowak", "Yang", "Le", "Pham",
)
# Rare family names: start + middle + ending, decoded from a rank (about 110k combinations).
_SYL_START = ("Ab", "Al", "Ash", "Bal", "Bar", "Bel", "Bran", "Brock", "Cal", "Car", "Cor", "Dal",
              "Dar", "Dun", "El", "Fal", "Fen", "Gar", "Gil", "Gor", "Hal", "Har", "Hol", "Kel",
              "Ken", "Kir", "Lan", "Lind", "Mal", "Mar", "Mel", "Mor", "Nor", "Ol", "Pel", "Quin",
              "Ral", "Ren", "Ros", "Sal", "Sel", "Stan", "Tal", "Tor", "Ul", "Val", "Ver", "Wal",
              "Wes", "Yar", "Zel", "Dra", "Kov", "Nak", "Tam", "Ok", "Ad", "Ib")
_SYL_MID = ("", "a", "e", "i", "o", "u", "an", "en", "in", "on", "er", "ar", "or", "el", "il", "ol",
            "ing", "ow", "ey", "ab", "ad", "ur", "at", "ig", "is", "om", "ac", "ev")
_SYL_END = ("son", "sen", "ley", "ly", "man", "ton", "ford", "field", "wood", "worth", "berg",
            "stein", "ski", "sky", "ovic", "enko", "ez", "es", "ani", "elli", "etti", "ini", "ian",
            "yan", "oglu", "ard", "ert", "ick", "ock", "ings", "well", "more", "ridge", "by", "dale",
            "holm", "quist", "strom", "hart", "er", "ner", "ler", "rick", "land", "ham", "ville", "o",
            "a", "i", "ou", "ada", "ama", "awa", "oto", "uchi", "ong", "ang", "eau", "ier", "ot", "in",
            "ens", "s", "et", "ano", "ino", "ero", "eda", "off", "ach")
_RARE_SPACE = len(_SYL_START) * len(_SYL_MID) * len(_SYL_END)
_PARTICLES = ("Van", "De", "Del", "De La", "Da", "Von", "St", "Mac", "Al", "Le", "Di", "Ten")

FEMALE_GIVEN = (
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah",
    "Karen", "Nancy", "Lisa", "Margaret", "Betty", "Sandra", "Ashley", "Dorothy", "Kimberly", "Emily",
    "Donna", "Michelle", "Carol", "Amanda", "Melissa", "Deborah", "Stephanie", "Rebecca", "Laura",
    "Sharon", "Cynthia", "Kathleen", "Amy", "Shirley", "Angela", "Helen", "Anna", "Brenda", "Pamela",
    "Nicole", "Samantha", "Katherine", "Emma", "Ruth", "Christine", "Catherine", "Debra", "Rachel",
    "Carolyn", "Janet", "Virginia", "Maria", "Heather", "Diane", "Julie", "Joyce", "Victoria",
    "Olivia", "Kelly", "Christina", "Lauren", "Joan", "Evelyn", "Judith", "Megan", "Cheryl", "Andrea",
    "Hannah", "Martha", "Jacqueline", "Frances", "Gloria", "Ann", "Teresa", "Kathryn", "Sara",
    "Janice", "Jean", "Alice", "Madison", "Doris", "Abigail", "Julia", "Grace", "Denise", "Amber",
    "Marilyn", "Beverly", "Danielle", "Theresa", "Sophia", "Marie", "Diana", "Brittany", "Natalie",
    "Isabella", "Charlotte", "Rose", "Alexis", "Kayla", "Guadalupe", "Mei", "Priya", "Aisha",
    "Fatima", "Ngoc", "Yesenia", "Lakisha", "Ifeoma", "Svetlana", "Hye-jin", "Mary Ann",
)
MALE_GIVEN = (
    "James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph", "Thomas",
    "Christopher", "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Andrew",
    "Paul", "Joshua", "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald", "Jason", "Edward",
    "Jeffrey", "Ryan", "Jacob", "Gary", "Nicholas", "Eric", "Jonathan", "Stephen", "Larry", "Justin",
    "Scott", "Brandon", "Benjamin", "Samuel", "Gregory", "Alexander", "Patrick", "Frank", "Raymond",
    "Jack", "Dennis", "Jerry", "Tyler", "Aaron", "Jose", "Adam", "Nathan", "Henry", "Zachary",
    "Douglas", "Peter", "Kyle", "Noah", "Ethan", "Jeremy", "Walter", "Christian", "Keith", "Roger",
    "Terry", "Austin", "Sean", "Gerald", "Carl", "Harold", "Dylan", "Arthur", "Lawrence", "Jordan",
    "Jesse", "Bryan", "Billy", "Bruce", "Gabriel", "Joe", "Logan", "Alan", "Juan", "Albert", "Willie",
    "Elijah", "Wayne", "Randy", "Vincent", "Liam", "Luis", "Carlos", "Wei", "Minh", "Rahul", "Omar",
    "Kwame", "Dmitri", "Tuan", "Jae-won", "Jean-Luc", "Mohammed", "Santiago", "Darnell",
)
_GIVEN_START = ("Ka", "Ma", "Le", "Ja", "Ta", "Ri", "Sa", "Na", "Da", "Za", "Bre", "Ky", "Ar", "El",
                "Lu", "Mi", "Ro", "Ce", "Ay", "Jo")
_GIVEN_MID = ("", "l", "r", "n", "li", "ri", "ne", "la", "de", "ve", "sh", "m")
_FEMALE_END = ("a", "ie", "elle", "ina", "ara", "ette", "iya", "ah", "lyn", "ene")
_MALE_END = ("on", "er", "o", "an", "el", "us", "ard", "en", "ik", "ius")

NICKNAMES = {  # formal given name (lower case) -> what people write instead
    "william": ("bill", "will", "billy"), "robert": ("bob", "rob", "bobby"),
    "richard": ("rick", "dick", "rich"), "james": ("jim", "jimmy", "jamie"), "john": ("jack", "johnny"),
    "michael": ("mike", "mikey"), "thomas": ("tom", "tommy"), "christopher": ("chris",),
    "joseph": ("joe", "joey"), "charles": ("charlie", "chuck"), "daniel": ("dan", "danny"),
    "matthew": ("matt",), "anthony": ("tony",), "steven": ("steve",), "stephen": ("steve",),
    "andrew": ("andy", "drew"), "kenneth": ("ken", "kenny"), "timothy": ("tim",),
    "ronald": ("ron", "ronnie"), "edward": ("ed", "eddie", "ted"), "jeffrey": ("jeff",),
    "nicholas": ("nick",), "jonathan": ("jon",), "gregory": ("greg",), "alexander": ("alex",),
    "patrick": ("pat",), "samuel": ("sam",), "benjamin": ("ben",), "lawrence": ("larry",),
    "raymond": ("ray",), "gerald": ("jerry",), "donald": ("don",), "douglas": ("doug",),
    "zachary": ("zach",), "jacob": ("jake",), "peter": ("pete",), "walter": ("walt",),
    "joshua": ("josh",), "david": ("dave",), "albert": ("al",), "frank": ("frankie",),
    "elizabeth": ("beth", "liz", "betty", "lizzie"), "margaret": ("peggy", "maggie", "meg"),
    "patricia": ("pat", "patty", "trish"), "jennifer": ("jen", "jenny"),
    "katherine": ("kate", "kathy", "katie"), "catherine": ("cathy", "cate"), "kathleen": ("kathy", "kate"),
    "kathryn": ("kate", "kathy"), "deborah": ("deb", "debbie"), "debra": ("deb", "debbie"),
    "susan": ("sue", "susie"), "rebecca": ("becky",), "victoria": ("vicky", "tori"),
    "christine": ("chris", "tina"), "christina": ("tina", "chris"), "barbara": ("barb",),
    "cynthia": ("cindy",), "pamela": ("pam",), "samantha": ("sam",), "kimberly": ("kim",),
    "jessica": ("jess",), "stephanie": ("steph",), "abigail": ("abby",), "judith": ("judy",),
    "dorothy": ("dot", "dottie"), "theresa": ("terry", "tess"), "teresa": ("terry",),
    "virginia": ("ginny",), "frances": ("fran",), "jacqueline": ("jackie",), "amanda": ("mandy",),
    "sandra": ("sandy",), "madison": ("maddie",), "natalie": ("nat",), "evelyn": ("evie",),
    "megan": ("meg",), "alexis": ("lexi",), "danielle": ("dani",), "isabella": ("bella",),
    "charlotte": ("charlie",), "nancy": ("nan",), "carolyn": ("carol",),
}

# ---------------------------------------------------------------------------------------------
# Places: the home hospital sits in Ohio; most patients live in its catchment.

_AREA = {"OH": ("614", "740", "937", "513", "419"), "PA": ("412", "724"), "MI": ("734", "517"),
         "IN": ("317", "765"), "WV": ("304",), "KY": ("859", "606"), "FL": ("239", "941"),
         "NY": ("716",), "TX": ("214",), "AZ": ("480",), "IL": ("217", "309")}
_FACILITY_STATES = {"Cedar Hollow Medical Center": "OH", "Windrow Endoscopy & Digestive Health": "OH",
                    "Stonebridge Regional Hospital": "PA", "Larkfield Orthopedic & Spine Associates": "MI",
                    "Prairie Lantern Health System": "IL"}
_HOME_CITIES = (  # (city, state, first ZIP, how many ZIPs)
    ("Brennan Falls", "OH", 43015, 3), ("Kettering Mills", "OH", 43040, 2),
    ("Harmon Grove", "OH", 43055, 4), ("Lockport Center", "OH", 43068, 2), ("Westfield", "OH", 43081, 3),
    ("Sugar Creek", "OH", 43102, 1), ("Millersburg Heights", "OH", 43130, 2), ("Oak Harbor", "OH", 43449, 1),
    ("Canal Junction", "OH", 43160, 1), ("Riverside", "OH", 43205, 6), ("Northgate", "OH", 43229, 4),
    ("Elm Park", "OH", 43232, 3), ("Fairview", "OH", 45005, 2), ("Greenfield", "OH", 45123, 1),
    ("Ashbury", "OH", 43701, 2), ("Clearwater", "OH", 43950, 1), ("Pine Ridge", "OH", 44001, 2),
    ("Union City", "OH", 45390, 1), ("Maple Valley", "OH", 43420, 1), ("New Bremen Falls", "OH", 45869, 1),
)
_AWAY_CITIES = (
    ("Coal Run", "WV", 26101, 2), ("Hollister", "PA", 15301, 2), ("Maumee Bend", "MI", 48161, 2),
    ("Richmond Hill", "IN", 47374, 1), ("Covington Park", "KY", 41011, 2), ("Cape Sable", "FL", 33901, 3),
    ("Lakeport", "NY", 14201, 2), ("Plano Ridge", "TX", 75023, 2), ("Desert Hills", "AZ", 85201, 2),
)
_STREETS = ("Main", "Oak", "Maple", "Park", "Washington", "Elm", "Lake", "Hill", "Pine", "Walnut",
            "Cedar", "High", "Church", "Center", "Broad", "Market", "Mill", "Spring", "River",
            "Sycamore", "Jefferson", "Lincoln", "Franklin", "Chestnut", "Cherry", "Willow", "Ridge",
            "Meadow", "Sunset", "Highland", "Jackson", "Madison", "Adams", "Forest", "Valley",
            "Orchard", "Prospect", "Summit", "Hickory", "Dogwood", "Birch", "Poplar", "Laurel",
            "Magnolia", "Locust", "Woodland", "Country Club", "Canal", "Railroad", "Liberty",
            "Second", "Third", "Fourth", "Fifth", "1st", "2nd", "3rd", "4th", "5th", "6th",
            "12th", "Old Mill", "Quarry", "Harvest", "Fox Run", "Deer Path", "Cardinal", "Heron",
            "Bluebird", "Shawnee", "Miami", "Scioto", "Tecumseh")
_SUFFIXES = ("St", "St", "Ave", "Rd", "Dr", "Ln", "Ct", "Blvd", "Way", "Pl", "Cir", "Pike", "Trl")


def _pick(rng: random.Random, seq):
    """rng.choice, several times cheaper (population() makes millions of these)."""
    return seq[int(rng.random() * len(seq))]


def _int(rng: random.Random, lo: int, hi: int) -> int:
    """rng.randint(lo, hi), cheaper."""
    return lo + int(rng.random() * (hi - lo + 1))


def _phone(rng: random.Random, state: str) -> str:
    exchange = _int(rng, 201, 989)
    while exchange % 100 == 11:
        exchange = _int(rng, 201, 989)
    return f"{_pick(rng, _AREA[state])}{exchange}{_int(rng, 0, 9999):04d}"


@dataclass(frozen=True)
class _Address:
    street: str
    city: str
    state: str
    postcode: str

    def line(self) -> str:
        return norm_text(f"{self.street} {self.city} {self.state} {self.postcode}")


def _address(rng: random.Random, near: _Address | None = None) -> _Address:
    """A street address in the catchment (85%) or further away; `near` keeps the same city (a
    move across town) with some probability."""
    if near is not None and rng.random() < 0.6:
        city = next(c for c in _HOME_CITIES + _AWAY_CITIES if c[0] == near.city)
    else:
        city = _pick(rng, _HOME_CITIES if rng.random() < 0.85 else _AWAY_CITIES)
    roll = rng.random()
    number = _int(rng, 1, 199) if roll < 0.3 else _int(rng, 100, 2999) if roll < 0.85 else _int(rng, 3000, 19999)
    direction = _pick(rng, ("N ", "S ", "E ", "W ")) if rng.random() < 0.15 else ""
    street = f"{number} {direction}{_pick(rng, _STREETS)} {_pick(rng, _SUFFIXES)}"
    unit = rng.random()
    if unit < 0.10:
        street += f" Apt {_int(rng, 1, 40)}{_pick(rng, 'ABCD')}"
    elif unit < 0.14:
        street += f" Unit {_int(rng, 1, 30)}"
    elif unit < 0.17:
        street += f" Lot {_int(rng, 1, 120)}"
    name, state, zip0, nzip = city
    return _Address(street, name, state, f"{zip0 + int(rng.random() * nzip):05d}")


# ---------------------------------------------------------------------------------------------
# Sampling


class _Zipf:
    """Ranks 0..size-1 with weight 1/(rank + 1 + offset)^s."""

    def __init__(self, size: int, offset: float, s: float = 1.0) -> None:
        total, cum = 0.0, []
        for r in range(size):
            total += 1.0 / (r + 1 + offset) ** s
            cum.append(total)
        self.cum, self.total = cum, total

    def rank(self, rng: random.Random) -> int:
        return bisect.bisect_right(self.cum, rng.random() * self.total)


_FAMILY_RANKS = _Zipf(len(_COMMON_FAMILY) + _RARE_SPACE, offset=10)
_FEMALE_RANKS = _Zipf(len(FEMALE_GIVEN), offset=3)
_MALE_RANKS = _Zipf(len(MALE_GIVEN), offset=3)
_RARE_STRIDE = 48271  # coprime to _RARE_SPACE: neighbouring ranks get unlike names


def _family_at(rank: int) -> str:
    if rank < len(_COMMON_FAMILY):
        return _COMMON_FAMILY[rank]
    code = (rank - len(_COMMON_FAMILY)) * _RARE_STRIDE % _RARE_SPACE
    code, end = divmod(code, len(_SYL_END))
    start, mid = divmod(code, len(_SYL_MID))
    return _SYL_START[start] + _SYL_MID[mid] + _SYL_END[end]


def _family_name(rng: random.Random) -> str:
    name = _family_at(_FAMILY_RANKS.rank(rng))
    roll = rng.random()
    if roll < 0.015:  # a particle: "Van Allen", "De La Rosa"
        return f"{rng.choice(_PARTICLES)} {name}"
    if roll < 0.025:  # two family names, Hispanic style
        second = _family_at(_FAMILY_RANKS.rank(rng))
        return f"{name} {second}" if second != name else name
    return name


def _given_name(rng: random.Random, sex: str, avoid: str | None = None) -> str:
    for _ in range(10):
        if rng.random() < 0.04:  # a rarer name
            name = (_pick(rng, _GIVEN_START) + _pick(rng, _GIVEN_MID)
                    + _pick(rng, _FEMALE_END if sex == "female" else _MALE_END))
        elif sex == "female":
            name = FEMALE_GIVEN[_FEMALE_RANKS.rank(rng)]
        else:
            name = MALE_GIVEN[_MALE_RANKS.rank(rng)]
        if name != avoid:
            return name
    return name


_BIRTH_BANDS = ((1925, 1934, 3), (1935, 1944, 7), (1945, 1954, 12), (1955, 1964, 15), (1965, 1974, 14),
                (1975, 1984, 13), (1985, 1994, 13), (1995, 2004, 11), (2005, 2014, 7), (2015, 2025, 5))
_BAND_CUM = [sum(w for *_, w in _BIRTH_BANDS[:i + 1]) for i in range(len(_BIRTH_BANDS))]


def _birth_year(rng: random.Random, latest: int = YEAR_LAST) -> int:
    for _ in range(20):
        lo, hi, _w = _BIRTH_BANDS[bisect.bisect_right(_BAND_CUM, rng.random() * _BAND_CUM[-1])]
        year = _int(rng, lo, hi)
        if year <= latest:
            return year
    return _int(rng, YEAR_FIRST, latest)


def _birth_date(rng: random.Random, year: int) -> date:
    return date(year, 1, 1) + timedelta(days=int(rng.random() * (366 if year % 4 == 0 else 365)))


# ---------------------------------------------------------------------------------------------
# MRNs: each issuer prints its numbers its own way; the stored value is the normal form.

_SCHEMES = (("", 8, ()), ("", 7, ()), ("E", 7, ()), ("", 9, (3, 2, 4)), ("M", 8, ()),
            ("", 10, (3, 3, 4)), ("H", 7, (3, 4)), ("", 8, (2, 3, 3)))


def _scheme(system: str) -> tuple[str, int, tuple[int, ...]]:
    return _SCHEMES[zlib.crc32(issuer_key(system).encode()) % len(_SCHEMES)]


def format_mrn(value: str, system: str) -> str:
    """An MRN as the issuer prints it (dashes where its scheme groups digits)."""
    prefix, digits, groups = _scheme(system)
    body = value[len(prefix):]
    if not groups or not value.startswith(prefix) or len(body) != digits or not body.isdigit():
        return value
    parts, at = [], 0
    for g in groups:
        parts.append(body[at:at + g])
        at += g
    return prefix + "-".join(parts)


class _Numbers:
    """Distinct MRNs for one issuer: counter i -> (a*i + b) mod 10^digits, a bijection."""

    def __init__(self, seed: int, system: str) -> None:
        self.prefix, self.digits, _ = _scheme(system)
        self.modulus = 10 ** self.digits
        rng = random.Random(f"mrn|{seed}|{issuer_key(system)}")
        a = rng.randrange(self.modulus // 10, self.modulus) | 1
        while a % 5 == 0:
            a += 2
        self.a, self.b, self.next = a, rng.randrange(self.modulus), 0

    def take(self) -> str:
        if self.next >= self.modulus:
            raise ValueError("issuer ran out of MRNs")
        value = (self.a * self.next + self.b) % self.modulus
        self.next += 1
        return f"{self.prefix}{value:0{self.digits}d}"


def _random_mrn(rng: random.Random, system: str) -> str:
    prefix, digits, _ = _scheme(system)
    return f"{prefix}{rng.randrange(10 ** digits):0{digits}d}"


# ---------------------------------------------------------------------------------------------
# People and households


@dataclass
class _Member:
    given: str
    family: str
    sex: str
    born: date
    address: _Address
    phone: str


class _Generator:
    """Streams households of people (before they become MPI records)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def person(self, sex: str, year: int, family: str, address: _Address, phone: str,
               avoid_given: str | None = None) -> _Member:
        rng = self.rng
        return _Member(_given_name(rng, sex, avoid_given), family, sex, _birth_date(rng, year), address, phone)

    def household(self) -> list[_Member]:
        rng = self.rng
        home = _address(rng)
        phone = _phone(rng, home.state)
        roll = rng.random()
        if roll < 0.45:  # somebody on their own (or whose household are not patients here)
            sex = _pick(rng, ("female", "male"))
            return [self.person(sex, _birth_year(rng), _family_name(rng), home, phone)]
        # A couple; with children in 55% of these households.
        same_sex = rng.random() < 0.04
        first_year = _birth_year(rng, latest=2003)
        second_year = min(2005, max(YEAR_FIRST, first_year + round(rng.gauss(1.5, 3.5))))
        husband_family = _family_name(rng)
        first = self.person("male" if not same_sex or rng.random() < 0.5 else "female", first_year,
                            husband_family, home, phone)
        second_sex = first.sex if same_sex else "female"
        maiden = _family_name(rng)
        while maiden == husband_family:
            maiden = _family_name(rng)
        name_roll = rng.random()
        wife_family = (maiden if same_sex or name_roll < 0.15
                       else f"{maiden}-{husband_family}" if name_roll < 0.22 else husband_family)
        second = self.person(second_sex, second_year, wife_family, home,
                             phone if rng.random() < 0.5 else _phone(rng, home.state))
        if rng.random() < 0.5:
            first.phone = _phone(rng, home.state)
        members = [first, second]
        if roll < 0.45 + 0.55 * 0.45:
            return self._some(members, 0.8)
        # Children, born to the younger parent aged 19..44, every 1-5 years, until 2025.
        kids_family = husband_family if rng.random() < 0.96 else f"{maiden}-{husband_family}"
        mother = min(first_year, second_year) if same_sex else second_year
        year = mother + _int(rng, 19, 34)
        children: list[_Member] = []
        for _ in range(_pick(rng, (1, 1, 2, 2, 2, 3, 3, 4))):
            if year > YEAR_LAST or year - mother > 44:
                break
            kid = self.person(_pick(rng, ("female", "male")), year, kids_family, home, phone)
            children.append(kid)
            if rng.random() < 0.03:  # twins: same day, same name, different given name
                twin_sex = kid.sex if rng.random() < 0.4 else _pick(rng, ("female", "male"))
                twin = _Member(_given_name(rng, twin_sex, kid.given), kids_family, twin_sex, kid.born,
                               home, phone)
                children.append(twin)
            year += _int(rng, 1, 5)
        for kid in children:
            age = YEAR_LAST - kid.born.year
            if age >= 24 and rng.random() < 0.75:  # moved out
                kid.address = _address(rng, near=home if rng.random() < 0.5 else None)
                kid.phone = _phone(rng, kid.address.state)
                if kid.sex == "female" and rng.random() < 0.5:
                    kid.family = _family_name(rng)  # married
        twins = {id(k) for k in children if sum(1 for c in children if c.born == k.born) > 1}
        parents = self._some(members, 0.7, allow_none=True)
        kids = [k for k in children if id(k) in twins or rng.random() < 0.8]
        return (parents + kids) or [members[0]]

    def _some(self, members: list[_Member], p: float, allow_none: bool = False) -> list[_Member]:
        chosen = [m for m in members if self.rng.random() < p]
        return chosen if chosen or allow_none else [members[self.rng.randrange(len(members))]]


def population(n: int, seed: int, issuers: list[Issuer] | None = None, *,
               partner_one: float = 0.30, partner_two: float = 0.08) -> Iterator[PatientRecord]:
    """`n` synthetic MPI patients, streamed household by household, deterministic for `seed`.
    Each has an MRN from `issuers[0]` (the home hospital); with probability `partner_one` also
    one partner facility's MRN, with `partner_two` two."""
    issuers = list(issuers or default_issuers())
    home, partners = issuers[0], issuers[1:]
    gen = _Generator(seed)
    rng = gen.rng
    numbers = {i.system: _Numbers(seed, i.system) for i in issuers}
    source = f"synthetic:population:{seed}"
    made = 0
    while made < n:
        for m in gen.household():
            if made >= n:
                return
            extra: list[Identifier] = []
            roll = rng.random()
            if partners and roll < partner_one + partner_two:
                count = 2 if roll < partner_two and len(partners) > 1 else 1
                for p in rng.sample(partners, count):
                    extra.append(Identifier(system=p.system, value=numbers[p.system].take(),
                                            assigner=p.name, type="MR"))
            middle = None
            if rng.random() < 0.7:
                middle = _given_name(rng, m.sex, m.given)
                if rng.random() < 0.15:
                    middle = middle[0]
            primary = Identifier(system=home.system, value=numbers[home.system].take(),
                                 assigner=home.name, type="MR")
            yield PatientRecord.create(
                primary, identifiers=extra, given=m.given, middle=middle, family=m.family,
                birth_date=m.born.isoformat(), sex=m.sex, phone=m.phone, address=m.address.street,
                city=m.address.city, state=m.address.state, postcode=m.address.postcode,
                source=source, updated_at=_STAMP)
            made += 1


def _identifier(record: PatientRecord, issuer: Issuer) -> Identifier:
    key = issuer_key(issuer.system)
    for ident in record.identifiers:
        if issuer_key(ident.system) == key:
            return ident
    raise KeyError("the patient has no identifier from this issuer")


def as_person(record: PatientRecord, issuer: Issuer) -> Person:
    """The patient as the corpus renders them, with the MRN `issuer` gave them (as it prints it)."""
    ident = _identifier(record, issuer)
    if not (record.given and record.family and record.birth_date) or record.sex not in ("female", "male"):
        raise ValueError("the record lacks a name, birth date or sex the corpus can print")
    return Person(given=record.given, family=record.family, sex=record.sex,
                  birth_date=date.fromisoformat(record.birth_date),
                  mrn=format_mrn(ident.value, ident.system), phone=record.phone or "",
                  street=record.address or "", city=record.city or "", state=record.state or "",
                  postcode=record.postcode or "")


# ---------------------------------------------------------------------------------------------
# Faxed demographics


@dataclass(frozen=True)
class FaxNoise:
    """Per-case probabilities of each kind of damage (see the module docstring)."""

    name_only: float = 0.04
    nickname: float = 0.08
    family_name_change: float = 0.10
    partial_family: float = 0.30
    name_order_swapped: float = 0.03
    typo_given: float = 0.03
    typo_family: float = 0.03
    ocr_name: float = 0.05
    missing_dob: float = 0.06
    transposed_dob: float = 0.04
    dob_digit_wrong: float = 0.03
    missing_sex: float = 0.40
    home_mrn: float = 0.10  # patient with partner MRNs: the fax shows the home hospital's MRN
    home_mrn_unlinked: float = 0.30  # patient without partner MRNs: the same
    unknown_issuer: float = 0.15  # the MRN is from a facility the MPI does not know
    outside_unknown_issuer: float = 0.30  # the same, for people not in the MPI
    no_mrn: float = 0.15
    mrn_ocr: float = 0.05
    no_issuer: float = 0.10
    missing_phone: float = 0.60
    old_phone: float = 0.10
    phone_digit_wrong: float = 0.03
    missing_address: float = 0.55
    old_address: float = 0.12
    address_ocr: float = 0.05


@dataclass(frozen=True)
class FaxedCase:
    fields: dict[str, str]  # clinidex.fields names and normal forms
    true_patient_id: str | None  # None: the person is not in the MPI
    damage: list[str] = field(default_factory=list)


_OCR_TEXT = (("m", "rn"), ("rn", "m"), ("d", "cl"), ("cl", "d"), ("l", "1"), ("l", "i"), ("i", "l"),
             ("o", "0"), ("s", "5"), ("b", "8"), ("e", "c"), ("h", "b"), ("n", "ri"), ("w", "vv"),
             ("g", "q"), ("0", "o"), ("1", "l"), ("5", "s"), ("8", "b"))
_OCR_CODE = (("0", "O"), ("O", "0"), ("1", "I"), ("1", "L"), ("I", "1"), ("5", "S"), ("S", "5"),
             ("8", "B"), ("B", "8"), ("2", "Z"), ("6", "G"))
_KEYBOARD = {c: n for c, n in zip("qwertyuiopasdfghjklzxcvbnm",
                                  ("wa", "qes", "wrd", "etf", "ryg", "tuh", "yij", "uok", "ipl", "ol",
                                   "qsz", "awdx", "sefc", "drgv", "fthb", "gyjn", "hukm", "jil", "kop",
                                   "asx", "zsdc", "xdfv", "cfgb", "vghn", "bhjm", "njk"))}
_DIGIT_SLIPS = {"0": "869", "1": "74", "2": "73", "3": "852", "4": "19", "5": "63", "6": "508",
                "7": "12", "8": "360", "9": "40"}


def _ocr(rng: random.Random, text: str, pairs) -> str | None:
    options = [(a, b, i) for a, b in pairs for i in _find_all(text, a)]
    if not options:
        return None
    a, b, i = rng.choice(options)
    return text[:i] + b + text[i + len(a):]


def _find_all(text: str, part: str) -> list[int]:
    out, at = [], text.find(part)
    while at >= 0:
        out.append(at)
        at = text.find(part, at + 1)
    return out


def _typo(rng: random.Random, word: str) -> str | None:
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 3:
        return None
    for _ in range(6):
        i = rng.choice(letters)
        kind = rng.randrange(4)
        if kind == 0:
            out = word[:i] + word[i + 1:]  # dropped
        elif kind == 1:
            out = word[:i] + word[i] + word[i:]  # doubled
        elif kind == 2 and i + 1 < len(word) and word[i + 1].isalpha():
            out = word[:i] + word[i + 1] + word[i] + word[i + 2:]  # swapped
        else:
            out = word[:i] + rng.choice(_KEYBOARD.get(word[i], "e")) + word[i + 1:]  # mistyped
        if out != word:
            return out
    return None


def _dob_slip(rng: random.Random, iso: str) -> str | None:
    positions = [i for i, c in enumerate(iso) if c.isdigit()]
    for _ in range(20):
        i = rng.choice(positions)
        out = iso[:i] + rng.choice(_DIGIT_SLIPS[iso[i]]) + iso[i + 1:]
        try:
            if date.fromisoformat(out).year <= YEAR_LAST + 1:
                return out
        except ValueError:
            continue
    return None


def _phone_slip(rng: random.Random, phone: str) -> str:
    i = rng.randrange(3, 10)
    return phone[:i] + rng.choice(_DIGIT_SLIPS[phone[i]]) + phone[i + 1:]


def _known_issuers(records: Sequence[PatientRecord]) -> tuple[Issuer, list[Issuer], dict[str, set[str]]]:
    """The home issuer (first identifier of the first record), the partners, and every value each
    issuer (by key) has given."""
    home = None
    partners: dict[str, Issuer] = {}
    values: dict[str, set[str]] = {}
    for record in records:
        for i, ident in enumerate(record.identifiers):
            key = issuer_key(ident.system)
            values.setdefault(key, set()).add(ident.value)
            issuer = Issuer(ident.system, ident.assigner or ident.system)
            if home is None and i == 0:
                home = issuer
            elif key != issuer_key(home.system) and key not in partners:
                partners[key] = issuer
    if home is None:
        raise ValueError("no records with identifiers")
    return home, sorted(partners.values(), key=lambda i: i.system), values


def faxed_demographics(records: Sequence[PatientRecord], seed: int, n: int, *,
                       outside_fraction: float = 0.10, noise: FaxNoise = FaxNoise()) -> list[FaxedCase]:
    """`n` sets of extracted fax fields: about MPI patients (true id known) and, for
    `outside_fraction` of them, about people never given to the MPI (true id None; none shares an
    MPI patient's name and birth date, nor carries an MRN the MPI holds for that issuer)."""
    rng = random.Random(f"faxed|{seed}")
    home, partners, values = _known_issuers(records)
    known = {issuer_key(home.system)} | {issuer_key(p.system) for p in partners}
    known |= {issuer_key(home.name)} | {issuer_key(p.name) for p in partners}
    strangers = [Issuer(f"urn:example:outside:{issuer_key(name)}", name) for name in _OUTSIDE_FACILITIES
                 if issuer_key(name) not in known] or [Issuer("urn:example:outside:unknown", "Outside Clinic")]
    outsiders: Iterator[_Member] | None = None
    taken: set[tuple] | None = None
    cases = []
    for _ in range(n):
        if rng.random() < outside_fraction:
            if outsiders is None:
                taken = {(r.given, r.family, r.birth_date) for r in records}
                outsiders = _outsiders(seed)
            person = next(p for p in outsiders if (p.given, p.family, p.born.isoformat()) not in taken)
            cases.append(_fax_case(rng, person, None, [], home, partners, strangers, values, noise))
        else:
            record = records[rng.randrange(len(records))]
            person = _Member(record.given or "", record.family or "", record.sex or "",
                             date.fromisoformat(record.birth_date) if record.birth_date else None,
                             _Address(record.address or "", record.city or "", record.state or "",
                                      record.postcode or ""), record.phone or "")
            cases.append(_fax_case(rng, person, record.patient_id, record.identifiers, home, partners,
                                   strangers, values, noise))
    return cases


def _outsiders(seed: int) -> Iterator[_Member]:
    gen = _Generator(zlib.crc32(f"outside|{seed}".encode()))
    while True:
        yield from gen.household()


def _fax_case(rng: random.Random, person: _Member, patient_id: str | None, identifiers: list[Identifier],
              home: Issuer, partners: list[Issuer], strangers: list[Issuer], values: dict[str, set[str]],
              noise: FaxNoise) -> FaxedCase:
    damage: list[str] = [] if patient_id else ["not_in_mpi"]
    chance = rng.random

    def fresh_mrn(issuer: Issuer) -> str:
        used = values.get(issuer_key(issuer.system), set())
        while True:
            value = _random_mrn(rng, issuer.system)
            if value not in used:
                return value

    # The name.
    given, family = person.given.lower(), person.family.lower()
    if person.sex == "female" and person.born and YEAR_LAST - person.born.year >= 18 \
            and chance() < noise.family_name_change:
        other = _family_name(rng).lower()
        while other == family:
            other = _family_name(rng).lower()
        family = f"{other}-{family}" if chance() < 0.2 else other
        damage.append("family_name_change")
    parts = family.replace("-", " ").split()
    if len(parts) > 1 and "family_name_change" not in damage and chance() < noise.partial_family:
        family = rng.choice(parts[-2:]) if len(parts) > 2 else rng.choice(parts)
        damage.append("partial_family")
    if given in NICKNAMES and chance() < noise.nickname:
        given = rng.choice(NICKNAMES[given])
        damage.append("nickname")
    for label, p, which in (("typo_given", noise.typo_given, 0), ("typo_family", noise.typo_family, 1)):
        if chance() < p:
            changed = _typo(rng, (given, family)[which])
            if changed:
                given, family = (changed, family) if which == 0 else (given, changed)
                damage.append(label)
    if chance() < noise.ocr_name:
        name = f"{given}\t{family}"
        changed = _ocr(rng, name, _OCR_TEXT)
        if changed and "\t" in changed:
            given, family = changed.split("\t")
            damage.append("ocr_name")
    swapped = chance() < noise.name_order_swapped
    if swapped:
        damage.append("name_order_swapped")
    fields = {"patient_name": f"{family} {given}" if swapped else f"{given} {family}"}
    if chance() < noise.name_only:
        damage.append("name_only")
        return FaxedCase(fields, patient_id, damage)

    # Birth date and sex.
    if person.born is None or chance() < noise.missing_dob:
        damage.append("missing_dob")
    else:
        dob = person.born.isoformat()
        if person.born.day <= 12 and person.born.day != person.born.month and chance() < noise.transposed_dob:
            dob = date(person.born.year, person.born.day, person.born.month).isoformat()
            damage.append("transposed_dob")
        elif chance() < noise.dob_digit_wrong:
            slipped = _dob_slip(rng, dob)
            if slipped and slipped != dob:
                dob = slipped
                damage.append("dob_digit_wrong")
        fields["birth_date"] = dob
    if person.sex not in ("female", "male") or chance() < noise.missing_sex:
        damage.append("missing_sex")
    else:
        fields["sex"] = person.sex

    # The MRN and who issued it.
    theirs = [i for i in identifiers if issuer_key(i.system) != issuer_key(home.system)]
    mine = [i for i in identifiers if issuer_key(i.system) == issuer_key(home.system)]
    roll = chance()
    if roll < (noise.unknown_issuer if patient_id else noise.outside_unknown_issuer):
        issuer = rng.choice(strangers)
        mrn, name = _random_mrn(rng, issuer.system), issuer.name
        damage.append("unknown_issuer_mrn")
    elif patient_id and mine and chance() < (noise.home_mrn if theirs else noise.home_mrn_unlinked):
        mrn, name = format_mrn(mine[0].value, home.system), home.name
    elif theirs:
        ident = rng.choice(theirs)
        mrn, name = format_mrn(ident.value, ident.system), ident.assigner or ident.system
    elif partners:
        issuer = rng.choice(partners)
        mrn, name = format_mrn(fresh_mrn(issuer), issuer.system), issuer.name
        if patient_id:
            damage.append("mrn_not_in_mpi")
    else:
        mrn, name = format_mrn(fresh_mrn(home), home.system), home.name
        if patient_id:
            damage.append("mrn_not_in_mpi")
    if chance() < noise.no_mrn:
        damage.append("no_mrn")
    else:
        if chance() < noise.mrn_ocr:
            changed = _ocr(rng, mrn.upper(), _OCR_CODE)
            if changed and norm_code(changed) != norm_code(mrn):
                mrn = changed
                damage.append("mrn_ocr")
        fields["mrn"] = norm_code(mrn)
        if chance() < noise.no_issuer:
            damage.append("no_issuer")
        else:
            fields["mrn_issuer"] = norm_text(name)

    # Phone and address.
    if not person.phone or chance() < noise.missing_phone:
        damage.append("missing_phone")
    else:
        phone = person.phone
        if chance() < noise.old_phone:
            phone = _phone(rng, person.address.state if person.address.state in _AREA else "OH")
            damage.append("old_phone")
        elif chance() < noise.phone_digit_wrong:
            phone = _phone_slip(rng, phone)
            damage.append("phone_digit_wrong")
        fields["phone"] = phone
    if not person.address.street or chance() < noise.missing_address:
        damage.append("missing_address")
    else:
        address = person.address
        if address.city and chance() < noise.old_address:
            known_city = any(c[0] == address.city for c in _HOME_CITIES + _AWAY_CITIES)
            address = _address(rng, near=address if known_city else None)
            damage.append("old_address")
        line = address.line()
        if chance() < noise.address_ocr:
            changed = _ocr(rng, line, _OCR_TEXT)
            if changed:
                line = norm_text(changed)
                damage.append("address_ocr")
        fields["address"] = line
    return FaxedCase(fields, patient_id, damage)


# ---------------------------------------------------------------------------------------------
# Rendered documents


def sender_for(issuer: Issuer) -> Sender:
    """The facility's fax line and main number: the same on every document it sends."""
    rng = random.Random(zlib.crc32(f"sender|{issuer_key(issuer.name)}".encode()))
    phone = _phone(rng, _FACILITY_STATES.get(issuer.name, "OH"))
    fax = phone[:6] + f"{(int(phone[6:]) + rng.randint(1, 80)) % 10000:04d}"
    return Sender(facility=issuer.name, fax=fax, phone=phone)


def documents_for(records: Sequence[PatientRecord], family: Family, seed: int, n: int, *,
                  types: Sequence[str] | None = None,
                  issuer: Issuer | None = None) -> list[tuple[LabelledDocument, str | None]]:
    """`n` labelled documents about MPI patients who carry a partner facility's MRN, each sent by
    that facility (the family prints the sender as the MRN's issuer) with that MRN on it: pairs
    (document, true patient id; None if the document turned out to name no patient)."""
    if types is None:
        keys = getattr(family, "TYPE_KEYS", None)
        if not keys:
            raise ValueError("pass `types`: the family does not list its document types")
        types = [k for k in keys if k not in ("fax_cover_sheet", "other")]
    home = records[0].identifiers[0] if records and records[0].identifiers else None
    home_key = issuer_key(home.system) if home else None
    want = issuer_key(issuer.system) if issuer else None

    def partner_ids(record: PatientRecord) -> list[Identifier]:
        return [i for i in record.identifiers if issuer_key(i.system) != home_key
                and (want is None or issuer_key(i.system) == want)]

    eligible = [i for i, r in enumerate(records) if partner_ids(r) and r.given and r.family
                and r.birth_date and r.sex in ("female", "male")]
    if not eligible:
        raise ValueError("no patient carries a partner facility's MRN")
    rng = random.Random(f"documents|{seed}")
    out = []
    for k in range(n):
        record = records[rng.choice(eligible)]
        ident = rng.choice(partner_ids(record))
        partner = Issuer(ident.system, ident.assigner or ident.system)
        doc = family.make_document(rng, types[k % len(types)], patient=as_person(record, partner),
                                   sender=sender_for(partner))
        out.append((doc, record.patient_id if doc.patient is not None else None))
    return out
