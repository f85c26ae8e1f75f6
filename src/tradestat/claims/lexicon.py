"""The words the claim extractor knows: products, flows, directions, periods, numbers.

Product phrases map to the readings they may have, most likely first; a reading is a basket
name, an HS code or TOTAL (the convention of :func:`tradestat.analytics.compare`). Where a
word is ambiguous ("semiconductors": HS 8541+8542, or only integrated circuits as China
Customs' headline item), every reading is listed and the checker computes each.
"""

from __future__ import annotations

import re

#: (pattern, readings); the first pattern that matches a stretch of text wins, so the more
#: specific phrases come first.
PRODUCTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"semiconductor (?:manufacturing )?equipment|chip[- ]?making (?:tools|equipment|machines)",
     ("semiconductor_equipment",)),
    (r"integrated[- ]circuits?|\bICs?\b", ("integrated_circuits",)),
    (r"semiconductors?|semiconductor devices", ("semiconductors", "integrated_circuits")),
    (r"(?:computer |memory |micro)?chips?", ("integrated_circuits", "semiconductors")),
    (r"electric (?:vehicles|cars)|\bEVs\b", ("electric_cars",)),
    (r"passenger cars?", ("passenger_cars", "motor_vehicles")),
    (r"automobiles?|motor vehicles?|\bcars?\b|\bvehicles\b", ("motor_vehicles",
                                                             "passenger_cars")),
    (r"mobile (?:phones?|telephones?)|smartphones?|cell ?phones?|handsets?", ("mobile_phones",)),
    (r"laptops?|notebook computers?", ("laptops",)),
    (r"computers?|automatic data processing (?:equipment|machines)", ("adp_machines",)),
    (r"apparel|clothing|garments?", ("apparel",)),
    (r"footwear|shoes", ("footwear",)),
    (r"\btoys\b", ("toys",)),
    (r"furniture", ("furniture",)),
    (r"pharmaceuticals?|medicines?|medical and pharmaceutical products", ("pharmaceuticals",)),
    (r"solar (?:cells|panels|modules)|photovoltaic (?:cells|modules|products)", ("solar_pv",)),
    (r"lithium[- ]ion batteries|batteries", ("lithium_ion_batteries",)),
    (r"\bships\b", ("ships",)),
    (r"soya? ?beans|soybeans", ("1201",)),
    (r"crude (?:oil|petroleum)", ("2709",)),
    (r"iron ores?", ("2601",)),
    (r"copper ores?", ("2603",)),
)
PRODUCT_RE = [(re.compile(p, re.IGNORECASE), r) for p, r in PRODUCTS]

FLOW_RE = re.compile(r"\b(export(?:s|ed|ing|ers?)?|outbound shipments|import(?:s|ed|ing|ers?)?|"
                     r"purchases from abroad)\b", re.IGNORECASE)
TRADE_RE = re.compile(r"\b(?:foreign|external|overall|total) trade\b", re.IGNORECASE)

UP = ("rose|rise|rises|rising|grew|grow|grows|growth|growing|increase|increased|increases|"
      "increasing|up|jump|jumped|jumps|surge|surged|surges|climb|climbed|climbs|gain|gained|"
      "gains|expand|expanded|expands|higher|more|rebound|rebounded")
DOWN = ("fell|fall|falls|falling|drop|dropped|drops|decline|declined|declines|declining|"
        "decrease|decreased|decreases|down|shrank|shrink|shrinks|contract|contracted|"
        "contraction|slump|slumped|slid|lower|less|plunged|plunge")
DIRECTION_RE = re.compile(rf"\b(?:(?P<up>{UP})|(?P<down>{DOWN}))\b", re.IGNORECASE)

#: words that make a sentence about something other than customs trade
NOT_TRADE = {
    "forecast": r"forecasts?|expected to|projected|is set to|will (?:reach|rise|grow|hit|"
                r"exceed|top)|predicts?|outlook",
    "production": r"produc(?:ed|es|tion|e)|output|manufactured|capacity",
    "sales": r"sales|\bsold\b|revenue|market (?:size|value)|consumption|demand",
}
NOT_TRADE_RE = {k: re.compile(rf"\b(?:{v})\b", re.IGNORECASE) for k, v in NOT_TRADE.items()}

CURRENCY_WORDS = {"yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "cny": "CNY", "¥": "CNY",
                  "$": "USD", "us$": "USD", "u.s.$": "USD", "usd": "USD", "dollars": "USD",
                  "us dollars": "USD", "u.s. dollars": "USD", "€": "EUR", "eur": "EUR",
                  "euros": "EUR", "euro": "EUR"}
SCALES = {"trillion": 1e12, "tn": 1e12, "trn": 1e12, "billion": 1e9, "bn": 1e9,
          "million": 1e6, "mn": 1e6, "thousand": 1e3}
#: the reporter a currency implies when the text names none (with a note)
CURRENCY_REPORTER = {"CNY": "CHN"}

MONEY_RE = re.compile(
    r"(?P<pre>U\.?S\.?\s?\$|\$|USD|CNY|RMB|¥|€|EUR)?\s?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>trillion|billion|million|thousand|trn|tn|bn|mn)\b)?"
    r"(?:\s(?P<post>yuan|renminbi|RMB|CNY|U\.?S\.? dollars|dollars|USD|euros?|EUR)\b)?",
    re.IGNORECASE)
PERCENT_RE = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s?(?:percent|per cent|%|pct)(?![\w])",
                        re.IGNORECASE)
QUALIFIER_RE = re.compile(
    r"\b(?P<q>more than|over|above|exceeding|exceeded|exceeds|surpassed|surpasses|topped|"
    r"tops|at least|less than|under|below|about|around|"
    r"roughly|approximately|nearly|almost|some|close to)\s*$", re.IGNORECASE)
QUALIFIERS = {"more than": ">", "over": ">", "above": ">", "exceeding": ">", "at least": ">",
              "exceeded": ">", "exceeds": ">", "surpassed": ">", "surpasses": ">",
              "topped": ">", "tops": ">",
              "less than": "<", "under": "<", "below": "<", "nearly": "~<", "almost": "~<",
              "close to": "~", "about": "~", "around": "~", "roughly": "~",
              "approximately": "~", "some": "~"}
#: how far "about" may be from the figure (stated here, shown in every reason that uses it)
APPROX_PCT = 5.0

SHARE_RE = re.compile(
    r"^\s*of\s+(?:the\s+)?(?:[A-Z][\w.]*(?:'s|’s)\s+)?"
    r"(?P<what>global|world(?:wide)?|world's|total|overall|all)\b",
    re.IGNORECASE)
SHARE_VERB_RE = re.compile(r"\b(?:account(?:s|ed|ing)? for|made up|makes? up|represent(?:s|ed|"
                           r"ing)?|share of|accounting for)\b", re.IGNORECASE)

COMPARE_RE = re.compile(
    r"\b(?P<gt>surpass(?:es|ed|ing)?|exceed(?:s|ed|ing)?|overt(?:ook|akes?)|outpac(?:es|ed)|"
    r"(?:more|larger|higher|greater|bigger) than|ahead of)|"
    r"(?P<eq>match(?:es|ed|ing)?|on par with|equal(?:s|led)? to|level with|the same as)|"
    r"(?P<lt>(?:less|smaller|lower) than|trail(?:s|ed|ing)?|behind)\b", re.IGNORECASE)

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
            "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3,
            "4th": 4, "5th": 5}
RANK_RE = re.compile(
    r"\b(?:rank(?:s|ed|ing)?\s+(?:as\s+)?(?:the\s+)?(?:No\.?\s?(?P<no>\d+)|(?P<ord>"
    + "|".join(ORDINALS) + r")\b)|(?:the\s+)?(?:(?P<ord2>" + "|".join(ORDINALS)
    + r")[- ])?(?P<sup>largest|biggest|top|leading)\s+(?:\w+\s+){0,3}?(?P<who>exporter|"
    r"importer|supplier|buyer)s?)", re.IGNORECASE)

MONTHS = {m: i + 1 for i, m in enumerate((
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december"))}
MONTHS |= {m[:3]: i for m, i in list(MONTHS.items())} | {"sept": 9}
_ABBREVIATED = ("sept", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "oct", "nov",
                "dec")
_MON = (r"(?:(?:" + "|".join(m for m in MONTHS if m not in _ABBREVIATED) + r")\b|(?:"
        + "|".join(_ABBREVIATED) + r")\b\.?)")  # a dot after "Nov.", not a sentence's end
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_NUM = r"(?:\d{1,2}|" + "|".join(NUMBERS) + r")"
PARTS = {"half": 6, "quarter": 3, "three quarters": 9, "three-quarters": 9}
PERIOD_RES = (
    ("first-n", re.compile(rf"\bfirst\s+(?P<n>{_NUM})\s+months\s+(?:of\s+)?(?:(?P<y>\d{{4}}))?",
                           re.IGNORECASE)),
    ("first-part", re.compile(r"\bfirst\s+(?P<part>half|quarter|three[- ]quarters)\s+"
                              r"(?:of\s+)?(?:(?P<y>\d{4}))?", re.IGNORECASE)),
    ("range", re.compile(rf"\b(?P<m0>{_MON})\s?(?:-|–|—|to|through|until)\s?(?P<m1>{_MON})"
                         rf"(?:\s+(?:of\s+)?(?P<y>\d{{4}}))?", re.IGNORECASE)),
    ("month", re.compile(rf"\b(?P<m0>{_MON})\s+(?:of\s+)?(?P<y>\d{{4}})\b", re.IGNORECASE)),
    ("year", re.compile(r"\b(?:in|for|during|of|throughout|over)\s+(?:the\s+(?:whole\s+|full\s+"
                        r")?year\s+(?:of\s+)?)?(?P<y>(?:19|20)\d{2})\b", re.IGNORECASE)),
    ("month", re.compile(rf"\b(?:in|during|for)\s+(?P<m0>{_MON})(?![\w-])", re.IGNORECASE)),
)
