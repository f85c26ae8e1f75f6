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
    (r"automobiles?|motor vehicles?|\bcars?\b|\bvehicles\b|\bauto\b(?=\s+(?:exports?|"
     r"imports?|exporter|shipments))", ("motor_vehicles", "passenger_cars")),
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

FLOW_RE = re.compile(r"\b(export(?:s|ed|ing|ers?)?|outbound shipments|shipments|shipped|NODX|"
                     r"import(?:s|ed|ing|ers?)?|purchases from abroad)\b", re.IGNORECASE)
TRADE_RE = re.compile(r"\b(?:foreign|external|overall|total) trade\b", re.IGNORECASE)
#: a balance ("trade surplus", "deficit") or the two flows together ("trade with", "total
#: import and export value"): flows the checker reads as such, never as exports
BALANCE_RE = re.compile(r"\b(?:surplus(?:es)?|deficits?|trade balance)\b", re.IGNORECASE)
TOTAL_TRADE_RE = re.compile(
    r"\b(?:(?:foreign|external|overall|total|two-way|bilateral) trade|trade (?:with|volume|"
    r"between)|(?:\w+-\w+|\w+’s|\w+'s) trade(?: with)?|import and export|imports and exports|"
    r"exports and imports combined|trade turnover)\b(?!\s+(?:surplus|deficit|balance|war))",
    re.IGNORECASE)

UP = ("rose|rise|rises|rising|grew|grow|grows|growth|growing|increase|increased|increases|"
      "increasing|up|jump|jumped|jumps|surge|surged|surges|climb|climbed|climbs|gain|gained|"
      "gains|expand|expanded|expands|higher|more|rebound|rebounded")
DOWN = ("fell|fall|falls|falling|drop|dropped|drops|decline|declined|declines|declining|"
        "decrease|decreased|decreases|decreasing|down|shrank|shrink|shrinks|contract|contracted|"
        "contraction|slump|slumped|slid|lower|less|plunged|plunge")
DIRECTION_RE = re.compile(rf"\b(?:(?P<up>{UP})|(?P<down>{DOWN}))\b", re.IGNORECASE)

#: words that make a sentence about something other than customs trade
NOT_TRADE = {
    "forecast": r"forecasts?|expected(?: to)?|projected|projections?|is set to|will (?:reach|"
                r"rise|grow|hit|exceed|top)|predicts?|outlook|estimated|would (?:touch|reach|"
                r"hit|rise|grow)|could|poll",
    "production": r"produc(?:ed|es|tion|e)|output|manufactured|capacity|investment",
    "sales": r"sales|\bsold\b|revenue|market (?:size|value)|consumption|demand",
}
NOT_TRADE_RE = {k: re.compile(rf"\b(?:{v})\b", re.IGNORECASE) for k, v in NOT_TRADE.items()}

CURRENCY_WORDS = {"yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "cny": "CNY", "¥": "CNY",
                  "$": "USD", "us$": "USD", "u.s.$": "USD", "usd": "USD", "dollars": "USD",
                  "us dollars": "USD", "u.s. dollars": "USD", "€": "EUR", "eur": "EUR",
                  "euros": "EUR", "euro": "EUR", "yen": "JPY", "won": "KRW",
                  "ringgit": "MYR", "rm": "MYR", "baht": "THB", "₹": "INR", "rs": "INR",
                  "singapore dollars": "SGD", "s$": "SGD", "hk$": "HKD", "nt$": "TWD"}
SCALES = {"trillion": 1e12, "tn": 1e12, "trn": 1e12, "billion": 1e9, "bn": 1e9, "bil": 1e9,
          "million": 1e6, "mn": 1e6, "thousand": 1e3}
#: the reporter a currency implies when the text names none (with a note)
CURRENCY_REPORTER = {"CNY": "CHN", "JPY": "JPN", "KRW": "KOR", "MYR": "MYS", "THB": "THA",
                     "INR": "IND", "SGD": "SGP", "HKD": "HKG", "TWD": "S19", "EUR": None}

MONEY_RE = re.compile(
    r"(?P<pre>U\.?S\.?\s?\$|HK\$|NT\$|S\$|\$|USD|CNY|RMB|¥|€|EUR|₹|RM(?=\d))?\s?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>trillion|billion|million|thousand|trn|tn|bn|bil|mn)\b)?"
    r"(?:\s(?P<post>yuan|renminbi|RMB|CNY|U\.?S\.? dollars|Singapore dollars|dollars|USD|"
    r"euros?|EUR|yen|won|ringgit|baht)\b)?",
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
    r"^\s*(?:share\s+)?of\s+(?:the\s+)?(?:(?:[A-Z][\w.]*|country|nation)(?:'s|’s)\s+)?"
    r"(?P<what>global|world(?:wide)?|world's|total|overall|all)\b",
    re.IGNORECASE)
SHARE_VERB_RE = re.compile(r"\b(?:account(?:s|ed|ing)? for|made up|makes? up|represent(?:s|ed|"
                           r"ing)?|share of|accounting for|equivalent to|contributed|"
                           r"share has (?:fallen|risen|grown|dropped) to)\b", re.IGNORECASE)

COMPARE_RE = re.compile(
    r"\b(?P<gt>surpass(?:es|ed|ing)?|exceed(?:s|ed|ing)?|overt(?:ook|akes?)|outpac(?:es|ed)|"
    r"(?:more|larger|higher|greater|bigger) than|ahead of|more\s+(?:[\w-]+\s+){1,3}?than)|"
    r"(?P<eq>match(?:es|ed|ing)?|on par with|equal(?:s|led)? to|level with|the same as)|"
    r"(?P<lt>(?:less|smaller|lower) than|trail(?:s|ed|ing)?|behind|second only to|"
    r"(?:less|fewer)\s+(?:[\w-]+\s+){1,3}?than)\b", re.IGNORECASE)

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
            "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3,
            "4th": 4, "5th": 5}
_ORD = "|".join(ORDINALS)
#: who is ranked, by the word for it: reporters (exporters), partners (markets,
#: destinations, trading partners) or products (categories, export items)
RANKED = {"partner": ("trading partner", "partner", "export destination", "destination",
                      "export market", "market", "buyer", "importer"),
          "product": ("categories", "category", "exports", "export", "export item", "item")}
RANK_RE = re.compile(
    r"\b(?:rank(?:s|ed|ing)?\s+(?:as\s+)?(?:the\s+)?(?:No\.?\s?(?P<no>\d+)|(?P<ord>"
    + _ORD + r")\b)|(?:the\s+)?(?:(?P<ord2>" + _ORD + r")[- ])?(?:top\s+(?P<topn>two|three|"
    r"four|five|ten|\d+)\s+|(?P<sup>largest|biggest|top|leading|main)\s+)(?:[\w’']+\s+){0,3}?"
    r"(?P<who>exporter|importer|supplier|buyer|trading partner|export destination|destination|"
    r"export market|market|traders?|categories|export item|exports?)s?\b|"
    r"(?P<ord3>" + _ORD + r")\s+(?P<spot>spot|place|slot)\b|"
    r"(?P<nth>\d+)(?:st|nd|rd|th)-ranked)", re.IGNORECASE)
RECORD_RE = re.compile(r"\b(?:the\s+)?(?:largest|highest|biggest|lowest|smallest|strongest|"
                       r"weakest)\s+(?:[A-Za-z-]+\s+){0,5}?(?:since\s+(?:the\s+)?(?:[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?|\d{4})"
                       r"(?:\s+\d{4})?|in recent history|on record|ever)")

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
QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3,
            "4th": 4}
_Q = "|".join(QUARTERS)
#: "2024", "this year", "last year", "the year" after a month, quarter or count of months
_YEAR = r"(?:\s+(?:of\s+)?(?:(?P<y>(?:19|20)\d{2})(?![-–]\d)|(?P<yr>this|last) year|the year))?"
#: (kind, pattern); the first pattern that takes a stretch of text wins. Each kind is turned
#: into months (and days, a fiscal year, a year relative to the date) by extract.periods.
PERIOD_RES = tuple((k, re.compile(p, re.IGNORECASE)) for k, p in (
    ("days", rf"\b(?P<m0>{_MON})\s+(?P<d0>\d{{1,2}})\s?(?:-|–|to)\s?(?P<d1>\d{{1,2}})\b"
             rf"(?:,?\s+(?P<y>\d{{4}}))?"),
    ("first-days", rf"\bfirst\s+(?P<d1>\d{{1,2}})\s+days\s+of\s+(?P<m0>{_MON})"
                   rf"(?:\s+(?P<y>\d{{4}}))?"),
    ("upto-day", rf"\byear\s+(?:up\s+)?to\s+(?P<m0>{_MON})\s+(?P<d1>\d{{1,2}})\b"),
    ("fy-months", rf"\bfirst\s+(?P<n>{_NUM})\s+months\s+of\s+(?P<y0>\d{{4}})[-–](?P<y1>\d{{2}})"),
    ("fy-quarter", r"\bQ(?P<q>[1-4])\s?FY\s?'?(?P<fy>\d{2})\b"),
    ("fy", r"\bFY\s?'?(?P<fy>\d{2})\b"),
    ("first-n", rf"\bfirst\s+(?P<n>{_NUM})\s+months{_YEAR}"),
    ("quarter", rf"\b(?P<q>{_Q})\s+quarter{_YEAR}"),
    ("quarter", r"\bQ(?P<qn>[1-4])\s+(?P<y>(?:19|20)\d{2})\b"),
    ("half", rf"\b(?P<h>first|second)\s+half{_YEAR}"),
    ("three-quarters", rf"\bfirst\s+three[- ]quarters{_YEAR}"),
    ("until", rf"\buntil the end of (?P<m1>{_MON}){_YEAR}"),
    ("range", rf"\b(?P<m0>{_MON})\s?(?:-|–|—|to|through|until|and)\s?(?P<m1>{_MON}){_YEAR}"),
    ("month", rf"\b(?P<m0>{_MON})\s+(?:of\s+)?(?:(?P<y>(?:19|20)\d{{2}})|(?P<yr>this|last) year)"
              r"\b"),
    ("ytd", r"\byear[- ]to[- ]date\b|\bso far this year\b"),
    ("rel-month", r"\b(?P<w>last|past|this|previous|preceding)\s+month(?:’s|'s)?(?!s)\b|"
                  r"\bthe month before\b"),
    ("year-ago", r"\byear-ago (?:quarter|month|period)\b"),
    # opening a sentence, it dates the sentence ("A year earlier, exports were …"); after a
    # change ("up 5 % from a year earlier") it is a base, which no pattern here reads
    ("year-earlier", r"^\s*(?:(?:a|one) year (?:earlier|before|ago)|(?:in )?the (?:previous|"
                     r"preceding|prior) year)\b"),
    ("rel-year", r"\b(?P<w>last|this)\s+year\b"),
    ("year", r"\b(?:in|for|during|of|throughout|over|since|from)\s+(?:the\s+(?:whole\s+|full\s+)?"
             r"year\s+(?:of\s+)?)?(?P<y>(?:19|20)\d{2})\b(?![-–]\d)"),
    ("year", r"(?:’s|'s)\s+(?P<y>(?:19|20)\d{2})\b"),
    ("month", rf"\b(?:in|during|for|into|from|of|by|since)\s+(?P<m0>{_MON})(?![\w-])"),
))
#: words before a period that make it the comparison base ("over 2017", "compared with
#: September 2018", "from November last year" after a change), not the claim's period
BASE_BEFORE_RE = re.compile(
    r"(?:\bover|\bcompared (?:with|to)|\bthan(?: in)?|\bagainst|\bversus|\bvs\.?|"
    r"\brelative to|\bsame (?:period|time|month|quarter)(?: (?:of|in))?|\bcorresponding "
    r"period(?: (?:of|in))?)\s+(?:the\s+)?$", re.IGNORECASE)
FROM_BEFORE_RE = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)
#: a period that dates something else in its clause: "(the record) set in 2022", "announced
#: in 2020", "the highest since March 2022", "advanced into the U.S. market ... in 1986"
ASIDE_BEFORE_RE = re.compile(r"\b(?:set|announced|launched|founded|introduced|since|signed|"
                             r"imposed|record of|levels? of)\s+(?:in\s+)?(?:the\s+)?$",
                             re.IGNORECASE)
