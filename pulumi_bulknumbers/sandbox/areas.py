"""Real North American area codes with their state or province and a principal city.

Data only: the sandbox's inventory draws local numbers from these NPAs and toll-free numbers from
the NANP toll-free codes, which US and Canada share.
"""

from __future__ import annotations

__all__ = ["CA_AREAS", "TOLL_FREE_NPAS", "US_AREAS"]

# NPA -> (state, city)
US_AREAS: dict[str, tuple[str, str]] = {
    "201": ("NJ", "Jersey City"), "202": ("DC", "Washington"), "203": ("CT", "Bridgeport"),
    "205": ("AL", "Birmingham"), "206": ("WA", "Seattle"), "207": ("ME", "Portland"),
    "208": ("ID", "Boise"), "210": ("TX", "San Antonio"), "212": ("NY", "New York"),
    "213": ("CA", "Los Angeles"), "214": ("TX", "Dallas"), "215": ("PA", "Philadelphia"),
    "216": ("OH", "Cleveland"), "217": ("IL", "Springfield"), "301": ("MD", "Bethesda"),
    "302": ("DE", "Wilmington"), "303": ("CO", "Denver"), "304": ("WV", "Charleston"),
    "305": ("FL", "Miami"), "307": ("WY", "Cheyenne"), "308": ("NE", "Grand Island"),
    "312": ("IL", "Chicago"), "313": ("MI", "Detroit"), "314": ("MO", "St. Louis"),
    "316": ("KS", "Wichita"), "317": ("IN", "Indianapolis"), "318": ("LA", "Shreveport"),
    "319": ("IA", "Cedar Rapids"), "401": ("RI", "Providence"), "402": ("NE", "Omaha"),
    "404": ("GA", "Atlanta"), "405": ("OK", "Oklahoma City"), "406": ("MT", "Billings"),
    "407": ("FL", "Orlando"), "410": ("MD", "Baltimore"), "412": ("PA", "Pittsburgh"),
    "414": ("WI", "Milwaukee"), "415": ("CA", "San Francisco"), "501": ("AR", "Little Rock"),
    "502": ("KY", "Louisville"), "503": ("OR", "Portland"), "504": ("LA", "New Orleans"),
    "505": ("NM", "Albuquerque"), "512": ("TX", "Austin"), "513": ("OH", "Cincinnati"),
    "515": ("IA", "Des Moines"), "601": ("MS", "Jackson"), "602": ("AZ", "Phoenix"),
    "603": ("NH", "Manchester"), "605": ("SD", "Sioux Falls"), "608": ("WI", "Madison"),
    "612": ("MN", "Minneapolis"), "615": ("TN", "Nashville"), "617": ("MA", "Boston"),
    "619": ("CA", "San Diego"), "701": ("ND", "Fargo"), "702": ("NV", "Las Vegas"),
    "704": ("NC", "Charlotte"), "713": ("TX", "Houston"), "717": ("PA", "Harrisburg"),
    "718": ("NY", "Brooklyn"), "720": ("CO", "Denver"), "801": ("UT", "Salt Lake City"),
    "802": ("VT", "Burlington"), "803": ("SC", "Columbia"), "804": ("VA", "Richmond"),
    "808": ("HI", "Honolulu"), "816": ("MO", "Kansas City"), "901": ("TN", "Memphis"),
    "907": ("AK", "Anchorage"), "919": ("NC", "Raleigh"), "970": ("CO", "Fort Collins"),
}  # fmt: skip

# NPA -> (province or territory, city)
CA_AREAS: dict[str, tuple[str, str]] = {
    "204": ("MB", "Winnipeg"), "236": ("BC", "Vancouver"), "250": ("BC", "Victoria"),
    "289": ("ON", "Hamilton"), "306": ("SK", "Regina"), "403": ("AB", "Calgary"),
    "416": ("ON", "Toronto"), "418": ("QC", "Quebec City"), "438": ("QC", "Montreal"),
    "506": ("NB", "Moncton"), "514": ("QC", "Montreal"), "519": ("ON", "London"),
    "587": ("AB", "Edmonton"), "604": ("BC", "Vancouver"), "613": ("ON", "Ottawa"),
    "647": ("ON", "Toronto"), "705": ("ON", "Sudbury"), "709": ("NL", "St. John's"),
    "780": ("AB", "Edmonton"), "782": ("NS", "Halifax"), "807": ("ON", "Thunder Bay"),
    "867": ("YT", "Whitehorse"), "902": ("NS", "Halifax"), "905": ("ON", "Mississauga"),
}  # fmt: skip

TOLL_FREE_NPAS: tuple[str, ...] = ("800", "833", "844", "855", "866", "877", "888")
