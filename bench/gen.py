#!/usr/bin/env python3
"""Generate a realistic takst model and a large delivered-hours file.

For benchmarks and load tests of `takst compare` (SPEC.md sections 5, 7, 8).
Standard library only; deterministic for a given --seed (and Python version).

Writes, under OUT:

  model/takst.toml      8 staff categories (one, an external psychologist, at a
                        fixed hourly_rate), 5 time bands, working time with
                        deductions, overhead, TILBUD tilbud with shared
                        staffing lines and costs (some with their own overhead)
  model/agreements.csv  1 to 3 agreements per citizen, never overlapping: whole
                        year, re-assessments, move-ins, move-outs, gaps; some
                        open-ended, some with agreed_tariff, some ended before
                        the year
  model/needs.csv       1 to 12 need lines per agreement, ratios 1:1, 2:1, 1:2,
                        1:3; some notes with commas and quotes
  delivered.csv         citizen,date,staff,band,hours, exactly ROWS rows, sorted
                        by date then citizen; hours 0.1 to 8 with at most two
                        decimals
  gen-info.txt          key=value lines: what was generated and the exact hours
                        per conservation reason for --from YEAR-01-01
                        --to YEAR-12-31

Conservation reasons (SPEC 5), each row counted under the first that applies:
outside_period (rows dated --outside-days days before/after the year),
unknown_citizen (ids that no agreement has), no_agreement_that_day (known
citizens on days without an agreement in force), unknown_staff ("vikar"),
unknown_band ("døgn"); all other rows are matched. Some special rows carry two
faults on purpose (an unknown citizen with staff "vikar", ...) so the priority
order is exercised. hours_in = matched + the five reasons, exactly.

Density: rows per citizen per day = ROWS / citizen-days in force. The defaults
(10,000,000 rows, 9,000 citizens) give about 3. Agreed hours are calibrated to
that density so most delivered lines land near their agreement.

--excel writes delivered.csv as Danish Excel saves it: UTF-8 with BOM, ';'
separator, decimal comma, dd-mm-yyyy dates, CRLF line ends. The model files
are always plain CSV.

--rows 0 writes only the model (and a delivered.csv with only its header); use
it with a large --citizens to time `takst tariff`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import os
import random
import sys
import time
from fractions import Fraction

# --------------------------------------------------------------------------
# Fixed vocabulary of the model
# --------------------------------------------------------------------------

MUNICIPALITIES = [
    "Albertslund", "Allerød", "Ballerup", "Bornholm", "Brøndby", "Dragør",
    "Egedal", "Fredensborg", "Frederiksberg", "Frederikssund", "Furesø",
    "Gentofte", "Gladsaxe", "Glostrup", "Gribskov", "Halsnæs", "Helsingør",
    "Herlev", "Hillerød", "Hvidovre", "Høje-Taastrup", "Hørsholm", "Ishøj",
    "København", "Lyngby-Taarbæk", "Rudersdal", "Rødovre", "Tårnby",
    "Vallensbæk",
]

PLACES = [
    "Nord", "Syd", "Øst", "Vest", "Skovly", "Engbo", "Solhaven", "Kildebo",
    "Lindegården", "Bakkehuset", "Strandvejen", "Fjordbo", "Møllehøj",
    "Egebo", "Birkely", "Rosenlund", "Hyldegården", "Granhøj", "Valmuen",
    "Kløverhuset", "Æblehaven", "Søbakken", "Lyngbo", "Havbo", "Mosehuset",
    "Tjørnely", "Agerbo", "Elmehøj", "Bøgely", "Pilehuset", "Hasselbo",
    "Kastanjen", "Ahornhuset", "Solsikken", "Lærkebo", "Vibehuset",
    "Stæreklit", "Svanebo", "Ravnsborg", "Trekanten", "Højager", "Dalbo",
    "Udsigten", "Fyrtårnet",
]

KINDS = [
    ("Bocenter", "SEL § 108"),
    ("Botilbud", "SEL § 107"),
    ("Bofællesskab", "SEL § 107"),
    ("Opgangsfællesskab", "SEL § 107"),
    ("Bosted", "SEL § 108"),
]

# id, name, supplement_pct, share of delivered/agreed hours
BANDS = [
    ("dag", "Dag hverdage 06-17", 0, 55),
    ("aften", "Aften hverdage 17-23", 27, 22),
    ("nat", "Nat 23-06", 32.5, 6),
    ("weekend", "Weekend og søgnehelligdage 06-23", 50, 14),
    ("helligdag", "Grundlovsdag, juleaften, nytårsaften", 100, 3),
]

# id, name, monthly_salary, pension_pct, supplement_pension_pct, direct_share,
# weight in need lines; hourly_rate instead of salary where not None
STAFF = [
    ("paed", "Socialpædagog", 34521, 15, 3.75, 0.75, 40, None),
    ("ssa", "Social- og sundhedsassistent", 31000, 13.5, 3.75, 0.8, 18, None),
    ("ssh", "Social- og sundhedshjælper", 28650, 12.5, 3.75, 0.8, 10, None),
    ("pmh", "Pædagogisk medhjælper", 27400, 8.5, 0, 0.85, 10, None),
    ("spl", "Sygeplejerske", 37850, 15, 3.75, 0.7, 7, None),
    ("ergo", "Ergoterapeut", 35600, 15, 0, 0.7, 6, None),
    ("fys", "Fysioterapeut", 35600, 15, 0, 0.7, 4, None),
    ("psyk", "Psykolog (ekstern, fast timepris)", None, 0, 0, 1, 5, 850),
]

# share of an agreement's matched rows on the staff x band lines it lists;
# the rest (8 of 256) go to one or two combinations it does not list
LISTED_SHARE = 248 / 256

UNKNOWN_STAFF = "vikar"

# conservation reasons, matched first, then SPEC 5's priority order
REASONS = ("matched", "outside_period", "unknown_citizen",
           "no_agreement_that_day", "unknown_staff", "unknown_band")
UNKNOWN_BAND = "døgn"

NOTES = [
    "", "", "", "", "", "", "",
    "Individuel socialpædagogisk støtte",
    "Sundhedsfaglig støtte",
    "Ledsagelse til læge, tandlæge og sygehus",
    "Træning i \"hverdagsliv\"",
    "Medicinhåndtering",
    "Gruppeforløb, madlavning",
    "Støtte ved udadreagerende adfærd",
    "Personlig pleje",
    "Samtaleforløb",
    "Ledsagelse med to medarbejdere",
]

# ratio staff:citizens as written, staff, citizens, weight
RATIOS = [("1:1", 1, 1, 75), ("2:1", 2, 1, 8), ("1:2", 1, 2, 10), ("1:3", 1, 3, 7)]

# Hours per delivered row (strings exactly as written, at most 2 decimals) and
# their weight. Mean about 1.4 hours.
HOURS = [
    ("0.1", 1), ("0.25", 8), ("0.33", 2), ("0.5", 14), ("0.67", 2),
    ("0.75", 8), ("1", 17), ("1.17", 1), ("1.25", 6), ("1.33", 2),
    ("1.5", 10), ("1.75", 3), ("2", 9), ("2.5", 5), ("2.75", 2), ("3", 4),
    ("3.5", 1), ("4", 2), ("5", 1), ("6", 1), ("7.5", 0.5), ("8", 0.5),
]


def hundredths(s: str) -> int:
    """'1.33' -> 133, exactly (no floats)."""
    whole, _, frac = s.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def fmt_hundredths(n: int) -> str:
    sign = "-" if n < 0 else ""
    n = abs(n)
    return f"{sign}{n // 100}.{n % 100:02d}"


def weighted_table(items, weights, size, rng=None):
    """A tuple of `size` entries with each item repeated in proportion to its
    weight (largest remainder; every item with weight > 0 at least once), so
    that a uniform index into it is a weighted pick."""
    total = sum(weights)
    counts = [max(1, int(w * size / total)) if w > 0 else 0 for w in weights]
    # trim or pad to exactly `size`
    while sum(counts) > size:
        i = max(range(len(counts)), key=lambda j: counts[j])
        counts[i] -= 1
    rema = sorted(range(len(weights)),
                  key=lambda j: -(weights[j] * size / total - counts[j]))
    k = 0
    while sum(counts) < size:
        counts[rema[k % len(rema)]] += 1
        k += 1
    out = []
    for item, c in zip(items, counts):
        out.extend([item] * c)
    if rng is not None:
        rng.shuffle(out)
    return tuple(out)


# --------------------------------------------------------------------------
# takst.toml
# --------------------------------------------------------------------------

def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_takst_toml(path, year, tilbud, rng):
    L = []
    a = L.append
    a(f"# Generated by bench/gen.py (synthetic benchmark data, not official figures).")
    a("[model]")
    a(f"name = {toml_str(f'Region, benchmarkmodel, takster {year}')}")
    a(f"year = {year}")
    a(f"days_per_year = 365")
    a("")
    a("[rounding]")
    a('tariff = "1"')
    a('rate = "0.01"')
    a('mode = "half-up"')
    a("")
    a("[working_time]")
    a("gross_hours = 1924")
    a("paid_hours = 1924")
    for name, key, val in [
        ("Ferie, 5 uger", "hours", 185),
        ("Feriefridage, 5 dage", "hours", 37),
        ("Søgnehelligdage på hverdage, 9 dage", "hours", 66.6),
        ("Sygefravær", "pct", 4.6),
        ("Kursus og efteruddannelse, 3 dage", "hours", 22.2),
    ]:
        a("")
        a("[[working_time.deduction]]")
        a(f"name = {toml_str(name)}")
        a(f"{key} = {val}")
        if key == "pct":
            a('source = "Sygefraværsstatistik, ca. 12 dage pr. årsværk"')
    for bid, bname, sup, _w in BANDS:
        a("")
        a("[[band]]")
        a(f"id = {toml_str(bid)}")
        a(f"name = {toml_str(bname)}")
        a(f"supplement_pct = {sup}")
    for sid, sname, monthly, pen, suppen, direct, _w, rate in STAFF:
        a("")
        a("[[staff]]")
        a(f"id = {toml_str(sid)}")
        a(f"name = {toml_str(sname)}")
        if rate is not None:
            a(f"hourly_rate = {rate}")
            a('source = "Rammeaftale om eksterne psykologer"')
            continue
        if sid == "spl":
            a(f"annual_salary = {monthly * 12}")
        else:
            a(f"monthly_salary = {monthly}")
        a(f"pension_pct = {pen}")
        if suppen:
            a(f"supplement_pension_pct = {suppen}")
        a(f"direct_share = {direct}")
        a("")
        a("[[staff.oncost]]")
        a('name = "ATP"')
        a("amount = 2340")
        if sid in ("paed", "ssa", "ssh"):
            a("")
            a("[[staff.oncost]]")
            a('name = "Barselsfond"')
            a("pct = 0.6")
        a("")
        a("[[staff.per_fte]]")
        a('name = "Efteruddannelse"')
        a(f"amount = {4000 if sid != 'spl' else 6500}")
        if sid in ("paed", "spl"):
            a("")
            a("[[staff.per_fte]]")
            a('name = "Supervision"')
            a("pct = 1.2")
            a('base = "pay"')
    a("")
    a("[overhead]")
    a("pct = 6")
    a('method = "markup"')
    a("include_capital = true")
    a('source = "Rammeaftale: maksimal overheadprocent 6"')
    for t in tilbud:
        a("")
        a("[[tilbud]]")
        a(f"id = {toml_str(t['id'])}")
        a(f"name = {toml_str(t['name'])}")
        a(f"paragraph = {toml_str(t['paragraph'])}")
        a(f"places = {t['places']}")
        a(f"occupancy_pct = {t['occupancy']}")
        a(f"settlement = {t['settlement']}")
        if t["overhead"] is not None:
            a("")
            a("[tilbud.overhead]")
            a(f"pct = {t['overhead']}")
        for name, staff, band, hpw in t["shared"]:
            a("")
            a("[[tilbud.shared]]")
            a(f"name = {toml_str(name)}")
            a(f"staff = {toml_str(staff)}")
            a(f"band = {toml_str(band)}")
            a(f"hours_per_week = {hpw}")
        for name, kind, amount in t["cost"]:
            a("")
            a("[[tilbud.cost]]")
            a(f"name = {toml_str(name)}")
            a(f'kind = "{kind}"')
            a(f"amount = {amount}")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(L) + "\n")


def make_tilbud(n, rng):
    out = []
    for i in range(n):
        kind, para = KINDS[i % len(KINDS)]
        places = rng.choice([6, 8, 10, 12, 12, 14, 16, 18, 20, 24, 30])
        posts_day = max(1, round(places / 6))
        posts_eve = max(1, round(places / 8))
        shared = [
            (f"Dagvagt, {posts_day} pers. 07-15", "paed", "dag", 40 * posts_day),
            (f"Aftenvagt, {posts_eve} pers. 15-23", "paed", "aften", 40 * posts_eve),
            ("Weekendvagt", "ssa", "weekend", 16 * posts_day + 16 * posts_eve),
        ]
        if para == "SEL § 108" or places >= 14:
            shared.append(("Vågen nattevagt 23-07", "ssa", "nat", 56))
        else:
            shared.append(("Sovende nattevagt, rådighed", "ssh", "nat", 28))
        if rng.random() < 0.4:
            shared.append(("Sygeplejefaglig tilsyn", "spl", "dag", rng.choice([4, 7.5, 10])))
        cost = [
            ("Ledelse", "other", rng.randrange(250, 700) * 1000),
            ("Aktiviteter, transport, materialer", "other", places * rng.randrange(25, 45) * 1000),
            ("Ejendomsdrift", "other", places * rng.randrange(40, 80) * 1000),
            ("Afskrivninger", "capital", places * rng.randrange(20, 40) * 1000),
            ("Forrentning", "capital", places * rng.randrange(8, 20) * 1000),
        ]
        if rng.random() < 0.5:
            cost.append(("Salg af mad til personale", "income", rng.randrange(10, 60) * 1000))
        settlement = 0
        r = rng.random()
        if r < 0.3:
            settlement = rng.randrange(-400, 400) * 1000 + rng.choice([0, 250, 500])
        out.append({
            "id": f"t{i + 1:02d}",
            "name": f"{kind} {PLACES[i % len(PLACES)]}",
            "paragraph": para,
            "places": places,
            "occupancy": rng.choice([90, 92, 95, 96, 97, 97, 98, 100]),
            "settlement": settlement,
            "overhead": rng.choice([4.5, 5, 5.5]) if rng.random() < 0.2 else None,
            "shared": shared,
            "cost": cost,
        })
    return out


# --------------------------------------------------------------------------
# Agreements and needs
# --------------------------------------------------------------------------

def make_agreements(n_citizens, year, tilbud, n_munis, rng):
    """Return (citizens, agreements). An agreement is a dict with integer day
    numbers relative to Jan 1 of `year` (to=None: open-ended)."""
    y0 = dt.date(year, 1, 1)
    ndays = (dt.date(year + 1, 1, 1) - y0).days
    t_weights = [t["places"] for t in tilbud]
    munis = MUNICIPALITIES[:n_munis]
    m_weights = [max(1, 30 - i) for i in range(len(munis))]
    citizens = []
    agreements = []

    def day(lo, hi):
        return rng.randrange(lo, hi)

    for c in range(n_citizens):
        cid = f"C{c + 1:06d}"
        tb = rng.choices(tilbud, weights=t_weights)[0]["id"]
        mu = rng.choices(munis, weights=m_weights)[0]
        citizens.append(cid)
        r = rng.random()
        spans = []  # (from, to) day numbers, to inclusive or None
        if r < 0.50:  # in place all year, open-ended
            spans = [(day(-3 * 365, -10), None)]
        elif r < 0.58:  # all year, agreement runs to the end of the year
            spans = [(day(-2 * 365, -10), ndays - 1)]
        elif r < 0.73:  # re-assessment mid-year
            d = day(30, ndays - 30)
            spans = [(day(-2 * 365, -10), d - 1), (d, None if rng.random() < 0.8 else ndays + 180)]
        elif r < 0.83:  # move-in during the year
            spans = [(day(10, ndays - 20), None)]
        elif r < 0.90:  # move-out during the year
            spans = [(day(-3 * 365, -10), day(20, ndays - 10))]
        elif r < 0.95:  # old agreement ended before the year, then two in the year
            d = day(60, ndays - 60)
            spans = [(day(-4 * 365, -3 * 365), day(-2 * 365, -400)),
                     (day(-365, -10), d - 1), (d, None)]
        else:  # leave: a gap between two agreements (hospital stay, respite)
            d1 = day(30, ndays - 90)
            d2 = d1 + day(7, 60)
            spans = [(day(-2 * 365, -10), d1 - 1), (d2, None)]
        for f, t in spans:
            agreements.append({
                "citizen": c, "cid": cid, "muni": mu, "tilbud": tb,
                "from": f, "to": t,
            })
    for i, ag in enumerate(agreements):
        ag["id"] = f"A{i + 1:07d}"
    return citizens, agreements


def make_needs(agreements, target_week, rng):
    """Attach need lines to each agreement. target_week is the expected staff
    hours per citizen per week that the delivered file will show."""
    staff_ids = [s[0] for s in STAFF]
    staff_w = [s[6] for s in STAFF]
    band_ids = [b[0] for b in BANDS]
    band_w = [b[3] for b in BANDS]
    n_lines_cw = list(itertools.accumulate([6, 14, 18, 16, 13, 10, 8, 6, 4, 2, 2, 1]))
    staff_cw = list(itertools.accumulate(staff_w))
    band_cw = list(itertools.accumulate(band_w))
    ratio_cw = list(itertools.accumulate(x[3] for x in RATIOS))
    choices = rng.choices
    for ag in agreements:
        k = choices(range(1, 13), cum_weights=n_lines_cw)[0]
        combos = set()
        lines = []
        tries = 0
        while len(lines) < k and tries < 200:
            tries += 1
            s = choices(staff_ids, cum_weights=staff_cw)[0]
            b = choices(band_ids, cum_weights=band_cw)[0]
            if s in ("spl", "ergo", "fys", "psyk") and b not in ("dag",) and rng.random() < 0.9:
                b = "dag"
            if (s, b) in combos:
                continue
            combos.add((s, b))
            lines.append([s, b])
        # calibration: most agreements near the delivered level, some clearly
        # above (delivered under) or below (delivered over)
        r = rng.random()
        if r < 0.80:
            f = rng.uniform(0.96, 1.02)
        elif r < 0.94:
            f = rng.uniform(1.15, 1.5)
        else:
            f = rng.uniform(0.7, 0.85)
        total = target_week * f * LISTED_SHARE
        w = [rng.uniform(0.3, 1.0) for _ in lines]
        sw = sum(w)
        out = []
        for (s, b), wi in zip(lines, w):
            ratio, rnum, rden, _ = choices(RATIOS, cum_weights=ratio_cw)[0]
            staff_h = total * wi / sw
            # citizen hours per week, in whole quarter hours
            hpw_q = max(1, round(staff_h * rden / rnum * 4))
            note = rng.choice(NOTES)
            if ratio == "2:1" and rng.random() < 0.5:
                note = "Ledsagelse med to medarbejdere"
            out.append({"staff": s, "band": b, "hpw_q": hpw_q, "ratio": ratio,
                        "rnum": rnum, "rden": rden, "note": note,
                        "ratio_written": "" if ratio == "1:1" and rng.random() < 0.5 else ratio})
        ag["needs"] = out


def fmt_quarters(q: int) -> str:
    """Quarter hours as a decimal: 7 -> '1.75', 8 -> '2'."""
    return fmt_hundredths(q * 25).rstrip("0").rstrip(".")


def write_model_csvs(model_dir, year, agreements, rng):
    y0 = dt.date(year, 1, 1)
    with open(os.path.join(model_dir, "agreements.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["agreement", "citizen", "municipality", "tilbud", "from", "to", "agreed_tariff"])
        for ag in agreements:
            frm = (y0 + dt.timedelta(days=ag["from"])).isoformat()
            to = "" if ag["to"] is None else (y0 + dt.timedelta(days=ag["to"])).isoformat()
            tariff = ""
            if rng.random() < 0.25:
                tariff = str(rng.randrange(1800, 6500))
                if rng.random() < 0.2:
                    tariff += rng.choice([".50", ".25", ".75"])
            w.writerow([ag["id"], ag["cid"], ag["muni"], ag["tilbud"], frm, to, tariff])
    with open(os.path.join(model_dir, "needs.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["agreement", "staff", "band", "hours_per_week", "ratio", "note"])
        for ag in agreements:
            for n in ag["needs"]:
                w.writerow([ag["id"], n["staff"], n["band"], fmt_quarters(n["hpw_q"]),
                            n["ratio_written"], n["note"]])


# --------------------------------------------------------------------------
# delivered.csv
# --------------------------------------------------------------------------

def spread(n, weights):
    """Split integer n over weights exactly (cumulative rounding)."""
    total = sum(weights)
    out = []
    if total == 0:
        return [0] * len(weights)
    acc = 0
    prev = 0
    for w in weights:
        acc += w
        cur = (n * acc * 2 + total) // (2 * total)
        out.append(cur - prev)
        prev = cur
    return out


def write_delivered(path, args, agreements, n_citizens, rng, info):
    year = args.year
    excel = args.excel
    y0 = dt.date(year, 1, 1)
    ndays = (dt.date(year + 1, 1, 1) - y0).days
    od = args.outside_days
    day_range = range(-od, ndays + od)
    sep = ";" if excel else ","
    eol = "\r\n" if excel else "\n"

    def date_str(d):
        x = y0 + dt.timedelta(days=d)
        return f"{x.day:02d}-{x.month:02d}-{x.year}" if excel else x.isoformat()

    if args.rows == 0:
        with open(path, "w", encoding="utf-8-sig" if excel else "utf-8", newline="") as f:
            f.write(sep.join(["citizen", "date", "staff", "band", "hours"]) + eol)
        info["rows_written"] = 0
        return {k: 0 for k in REASONS}, {k: 0 for k in REASONS}

    # hours table: 1024 entries, strings in the file's notation + hundredths
    h_items = [h for h, _ in HOURS]
    h_tab = weighted_table(h_items, [w for _, w in HOURS], 1024, rng)
    h_out = tuple(h.replace(".", ",") for h in h_tab) if excel else h_tab
    h_val = {h: hundredths(h) for h in h_items}
    if excel:
        h_val.update({h.replace(".", ","): v for h, v in h_val.items()})

    staff_ids = [s[0] for s in STAFF]
    band_ids = [b[0] for b in BANDS]
    all_combos = [(s, b) for s in staff_ids for b in band_ids]
    # per agreement: 256-entry table of "staff<sep>band<sep>"; 8 of 256
    # (about 3 %) on a staff x band the agreement does not list
    for ag in agreements:
        listed = {(n["staff"], n["band"]) for n in ag["needs"]}
        items = [f"{n['staff']}{sep}{n['band']}{sep}" for n in ag["needs"]]
        weights = [n["hpw_q"] * n["rnum"] / n["rden"] for n in ag["needs"]]
        tab = list(weighted_table(items, weights, 248))
        others = [c for c in all_combos if c not in listed]
        extra = rng.sample(others, rng.choice([1, 1, 2]))
        for i in range(8):
            s, b = extra[i % len(extra)]
            tab.append(f"{s}{sep}{b}{sep}")
        rng.shuffle(tab)
        ag["tab"] = tuple(tab)

    # who is covered on which day
    by_cit = [[] for _ in range(n_citizens)]
    for ag in agreements:
        by_cit[ag["citizen"]].append(ag)
    lo, hi = -od, ndays + od - 1
    active = {d: [] for d in day_range}     # (cid, tab) with agreement
    uncovered = {d: [] for d in range(ndays)}  # cid known, no agreement in year
    for c, ags in enumerate(by_cit):
        covered = bytearray(ndays + 2 * od)
        for ag in ags:
            f = max(ag["from"], lo)
            t = hi if ag["to"] is None else min(ag["to"], hi)
            if f > t:
                continue
            # one mutable entry per agreement: the position in its table
            # advances with each row, so the staff x band mix is delivered in
            # proportion (stratified), not by chance
            entry = ag.setdefault("entry", [ag["cid"], ag["tab"], rng.getrandbits(8)])
            for d in range(f, t + 1):
                active[d].append(entry)
                covered[d + od] = 1
        cid = f"C{c + 1:06d}"
        for d in range(ndays):
            if not covered[d + od]:
                uncovered[d].append(cid)

    n_rows = args.rows
    n_unk_cit = round(n_rows * args.unknown_pct / 100)
    n_noagr = round(n_rows * args.no_agreement_pct / 100) if any(uncovered.values()) else 0
    n_unk_staff = round(n_rows * args.unknown_staff_pct / 100)
    n_unk_band = round(n_rows * args.unknown_band_pct / 100)
    # rows per day in proportion to the citizens in place that day
    day_w = [len(active[d]) for d in day_range]
    per_day = spread(n_rows, day_w)
    in_year = [od <= i < od + ndays for i in range(len(per_day))]
    n_outside = sum(n for n, iy in zip(per_day, in_year) if not iy)
    n_year = n_rows - n_outside
    specials = n_unk_cit + n_noagr + n_unk_staff + n_unk_band
    if specials > n_year:
        sys.exit("gen.py: too many special rows for --rows")
    yw = [w if iy else 0 for w, iy in zip(day_w, in_year)]
    sp_unk_cit = spread(n_unk_cit, yw)
    sp_unk_staff = spread(n_unk_staff, yw)
    sp_unk_band = spread(n_unk_band, yw)
    nw = [len(uncovered[d]) if 0 <= d < ndays else 0 for d in day_range]
    sp_noagr = spread(n_noagr, nw)

    unknown_ids = [f"C{n_citizens + 1 + i:06d}" for i in range(max(10, n_citizens // 50))]
    known_staff_sep = [f"{s}{sep}" for s in staff_ids]
    band_sep = [f"{b}{sep}" for b in band_ids]
    unk_staff_sep = f"{UNKNOWN_STAFF}{sep}"
    unk_band_sep = f"{UNKNOWN_BAND}{sep}"

    sums = dict.fromkeys(REASONS, 0)
    counts = dict.fromkeys(sums, 0)
    hv = h_val.__getitem__
    rnd = rng.random
    rb = rng.getrandbits

    enc = "utf-8-sig" if excel else "utf-8"
    with open(path, "w", encoding=enc, newline="", buffering=1 << 22) as f:
        f.write(sep.join(["citizen", "date", "staff", "band", "hours"]) + eol)
        for i, d in enumerate(day_range):
            total_d = per_day[i]
            if total_d == 0:
                continue
            ds = date_str(d) + sep
            act = active[d]
            na = len(act)
            outside = not in_year[i]
            uc = sp_unk_cit[i]
            nag = sp_noagr[i]
            us = sp_unk_staff[i]
            ub = sp_unk_band[i]
            m = total_d - uc - nag - us - ub
            rows = []  # (sort key, line, hours string)
            # matched-looking rows of citizens in place (everything on an
            # outside day is outside_period whatever else it has)
            idx = sorted([int(rnd() * na) for _ in range(m)]) if na else []
            lines = []
            hs = []
            ap = lines.append
            hp = hs.append
            for j in idx:
                e = act[j]
                pos = e[2]
                e[2] = pos + 1
                h = h_out[rb(10)]
                hp(h)
                ap(f"{e[0]}{sep}{ds}{e[1][pos & 255]}{h}{eol}")
            key = "outside_period" if outside else "matched"
            sums[key] += sum(map(hv, hs))
            counts[key] += len(hs)
            # special rows, in their own small batch, merged by citizen order
            spec = []
            hs = []
            hp = hs.append
            for _ in range(uc):
                cid = unknown_ids[int(rnd() * len(unknown_ids))]
                r = rnd()
                st = unk_staff_sep if r < 0.05 else known_staff_sep[int(rnd() * len(known_staff_sep))]
                bd = unk_band_sep if 0.05 <= r < 0.1 else band_sep[int(rnd() * len(band_sep))]
                h = h_out[rb(10)]
                hp(h)
                spec.append(f"{cid}{sep}{ds}{st}{bd}{h}{eol}")
            sums["unknown_citizen"] += sum(map(hv, hs))
            counts["unknown_citizen"] += len(hs)
            hs = []
            hp = hs.append
            unc = uncovered[d] if 0 <= d < ndays else []
            for _ in range(nag):
                cid = unc[int(rnd() * len(unc))]
                st = unk_staff_sep if rnd() < 0.05 else known_staff_sep[int(rnd() * len(known_staff_sep))]
                h = h_out[rb(10)]
                hp(h)
                spec.append(f"{cid}{sep}{ds}{st}{band_sep[int(rnd() * len(band_sep))]}{h}{eol}")
            sums["no_agreement_that_day"] += sum(map(hv, hs))
            counts["no_agreement_that_day"] += len(hs)
            hs = []
            hp = hs.append
            for _ in range(us):
                cid = act[int(rnd() * na)][0]
                bd = unk_band_sep if rnd() < 0.1 else band_sep[int(rnd() * len(band_sep))]
                h = h_out[rb(10)]
                hp(h)
                spec.append(f"{cid}{sep}{ds}{unk_staff_sep}{bd}{h}{eol}")
            sums["unknown_staff"] += sum(map(hv, hs))
            counts["unknown_staff"] += len(hs)
            hs = []
            hp = hs.append
            for _ in range(ub):
                cid = act[int(rnd() * na)][0]
                h = h_out[rb(10)]
                hp(h)
                spec.append(f"{cid}{sep}{ds}{known_staff_sep[int(rnd() * len(known_staff_sep))]}{unk_band_sep}{h}{eol}")
            sums["unknown_band"] += sum(map(hv, hs))
            counts["unknown_band"] += len(hs)
            if spec:
                lines.extend(spec)
                lines.sort()  # by citizen within the day (same date prefix length)
            f.write("".join(lines))

    info["rows_written"] = sum(counts.values())
    assert info["rows_written"] == n_rows, (info["rows_written"], n_rows)
    return sums, counts


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def main(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created; files in it are overwritten)")
    p.add_argument("--rows", type=int, default=10_000_000, help="delivered rows in all, exact (default 10,000,000)")
    p.add_argument("--citizens", type=int, default=9_000, help="citizens with agreements (default 9,000)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--year", type=int, default=2025, help="tariff year; the period is the whole year (default 2025)")
    p.add_argument("--tilbud", type=int, default=40, help=f"number of tilbud (default 40, at most {len(PLACES)})")
    p.add_argument("--municipalities", type=int, default=29, help="paying municipalities (default 29, at most 29)")
    p.add_argument("--unknown-pct", type=float, default=0.5, help="share of rows for unknown citizens (default 0.5)")
    p.add_argument("--no-agreement-pct", type=float, default=0.2, help="share of rows for known citizens on days without an agreement (default 0.2)")
    p.add_argument("--unknown-staff-pct", type=float, default=0.05, help="share of rows with staff 'vikar' (default 0.05)")
    p.add_argument("--unknown-band-pct", type=float, default=0.05, help="share of rows with band 'døgn' (default 0.05)")
    p.add_argument("--outside-days", type=int, default=2, help="days before and after the year that also get rows (default 2)")
    p.add_argument("--excel", action="store_true", help="write delivered.csv Danish-Excel style: BOM, ';', decimal comma, dd-mm-yyyy, CRLF")
    args = p.parse_args(argv)
    if args.citizens < 1 or args.rows < 0 or args.outside_days < 0:
        p.error("--citizens must be >= 1, --rows and --outside-days >= 0")
    if not 1 <= args.tilbud <= len(PLACES):
        p.error(f"--tilbud must be 1..{len(PLACES)}")
    if not 1 <= args.municipalities <= len(MUNICIPALITIES):
        p.error(f"--municipalities must be 1..{len(MUNICIPALITIES)}")

    t0 = time.perf_counter()
    rng = random.Random(args.seed)
    model_dir = os.path.join(args.out, "model")
    os.makedirs(model_dir, exist_ok=True)

    tilbud = make_tilbud(args.tilbud, rng)
    write_takst_toml(os.path.join(model_dir, "takst.toml"), args.year, tilbud, rng)
    citizens, agreements = make_agreements(args.citizens, args.year, tilbud, args.municipalities, rng)

    # calibrate agreed hours to the density the delivered file will have
    ndays = (dt.date(args.year + 1, 1, 1) - dt.date(args.year, 1, 1)).days
    cit_days = 0
    for ag in agreements:
        f = max(ag["from"], 0)
        t = ndays - 1 if ag["to"] is None else min(ag["to"], ndays - 1)
        cit_days += max(0, t - f + 1)
    mean_h = sum(hundredths(h) * w for h, w in HOURS) / sum(w for _, w in HOURS) / 100
    density = args.rows / cit_days if args.rows and cit_days else 3.0
    matched_share = 1 - (args.unknown_pct + args.no_agreement_pct + args.unknown_staff_pct + args.unknown_band_pct) / 100
    target_week = density * matched_share * mean_h * 7
    make_needs(agreements, target_week, rng)
    write_model_csvs(model_dir, args.year, agreements, rng)

    info = {}
    sums, counts = write_delivered(os.path.join(args.out, "delivered.csv"), args,
                                   agreements, args.citizens, rng, info)

    # agreed staff hours in the period (exact, shown rounded half-up to 0.01)
    # sum of hpw_q x staff x days per citizens-denominator, divided once
    agreed_num = {1: 0, 2: 0, 3: 0}
    in_period = 0
    for ag in agreements:
        f = max(ag["from"], 0)
        t = ndays - 1 if ag["to"] is None else min(ag["to"], ndays - 1)
        days = t - f + 1
        if days <= 0:
            continue
        in_period += 1
        for n in ag["needs"]:
            agreed_num[n["rden"]] += n["hpw_q"] * n["rnum"] * days
    agreed = sum(Fraction(v, 4 * 7 * den) for den, v in agreed_num.items())
    agreed_h = int(agreed * 100 + Fraction(1, 2))

    keys = REASONS
    hours_in = sum(sums.values())
    lines = [
        "# bench/gen.py output; hours exact (two decimals); period = the whole year",
        f"seed={args.seed}",
        f"year={args.year}",
        f"from={args.year}-01-01",
        f"to={args.year}-12-31",
        f"excel={'yes' if args.excel else 'no'}",
        f"citizens={args.citizens}",
        f"tilbud={args.tilbud}",
        f"municipalities={args.municipalities}",
        f"agreements={len(agreements)}",
        f"agreements_in_period={in_period}",
        f"need_lines={sum(len(a['needs']) for a in agreements)}",
        f"rows={args.rows}",
        f"rows_per_citizen_day={density:.2f}",
        f"agreed_hours_in_period={fmt_hundredths(agreed_h)}",
        f"hours_in={fmt_hundredths(hours_in)}",
    ]
    lines += [f"{k}={fmt_hundredths(sums[k])}" for k in keys]
    lines += [f"rows_{k}={counts[k]}" for k in keys]
    lines.append("# the stderr line takst compare should print for this period:")
    lines.append(f"# conservation: delivered_in={fmt_hundredths(hours_in)} "
                 + " ".join(f"{k}={fmt_hundredths(sums[k])}" for k in keys))
    with open(os.path.join(args.out, "gen-info.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"gen.py: {args.rows} rows, {len(agreements)} agreements in {args.out} "
          f"({time.perf_counter() - t0:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
