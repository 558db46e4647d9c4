"""Synthetic news articles for load benchmarks: short wire-style reports of armed clashes,
strikes, bombings, arrests and protests, written from our own templates.

`articles(n, seed=…, start=…)` yields `n` records of the ingest input (`id`, `title`, `source`,
`published`, `text`): a dateline, two to five event sentences, sometimes a quote and some
background. Towns are real places (so the gazetteer resolves them), actors are names in our
knowledge base, people and sources are invented; dates spread over 2024-2025. The same seed
gives the same articles; different `start` values give disjoint ids and texts. No sentence
comes from any corpus: they are written here for this generator.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

# town, country name: real places (facts), grouped so one article stays in one country
TOWNS = {
    "Iraq": ["Mosul", "Kirkuk", "Tikrit", "Ramadi", "Fallujah", "Baiji", "Samarra", "Tal Afar", "Hawija", "Baquba"],
    "Syria": ["Deir ez-Zor", "Raqqa", "Hasakah", "Al-Bukamal", "Aleppo", "Idlib", "Homs", "Palmyra", "Manbij"],
    "Somalia": ["Mogadishu", "Kismayo", "Baidoa", "Beledweyne", "Jowhar", "Afgooye", "Marka"],
    "Nigeria": ["Maiduguri", "Kaduna", "Damaturu", "Yola", "Bama", "Gwoza", "Sokoto"],
    "Mali": ["Gao", "Timbuktu", "Mopti", "Kidal", "Menaka", "Segou", "Bamako"],
    "Yemen": ["Aden", "Taiz", "Marib", "Hodeidah", "Sanaa", "Mukalla"],
    "Afghanistan": ["Kandahar", "Kunduz", "Jalalabad", "Herat", "Ghazni", "Kabul"],
}
FORCES = {
    "Iraq": ["Iraqi Security Forces", "Iraqi army", "Iraqi police", "Kurdish Peshmerga"],
    "Syria": ["Syrian Democratic Forces", "Syrian army", "Kurdish fighters"],
    "Somalia": ["Somali National Army", "African Union troops", "Somali police"],
    "Nigeria": ["Nigerian army", "Nigerian police", "Civilian Joint Task Force"],
    "Mali": ["Malian army", "Malian soldiers", "Malian gendarmes"],
    "Yemen": ["Yemeni government forces", "Saudi-led coalition"],
    "Afghanistan": ["Afghan police", "Taliban security forces"],
}
GROUPS = {
    "Iraq": ["Islamic State", "ISIS", "Islamic State militants"],
    "Syria": ["Islamic State", "Hayat Tahrir al-Sham", "ISIS"],
    "Somalia": ["al-Shabaab", "al-Shabaab militants"],
    "Nigeria": ["Boko Haram", "Islamic State West Africa Province", "bandits"],
    "Mali": ["JNIM", "Islamic State Sahel Province", "jihadists"],
    "Yemen": ["Houthi rebels", "al-Qaeda in the Arabian Peninsula"],
    "Afghanistan": ["Islamic State Khorasan", "gunmen"],
}
SOURCES = ["Example Wire", "Desert Monitor", "Frontline Report", "Regional Press Service", "Morning Dispatch",
           "Field Notes Daily"]
FIRST = ["Ahmed", "Omar", "Hassan", "Yusuf", "Ali", "Ibrahim", "Musa", "Karim", "Samir", "Abdi", "Fatima", "Amina",
         "Leila", "Mariam", "Khalid", "Tariq", "Bashir", "Idris", "Salim", "Nadia"]
LAST = ["Haddad", "Nasser", "Rahman", "Farah", "Osman", "Bello", "Traore", "Keita", "Saleh", "Mansour", "Qasim",
        "Darwish", "Aziz", "Jama", "Danjuma", "Coulibaly", "Hakimi", "Sultani", "Barre", "Ismail"]
TITLES = ["Colonel", "Major", "Captain", "General", "Lieutenant"]
TARGETS = ["checkpoint", "patrol", "military base", "police station", "convoy", "market", "village",
           "fuel depot", "border post", "mosque", "bus station", "supply route"]
NUMBERS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "12", "15", "at least 20",
           "dozens of", "more than 30"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

EVENTS = [
    "{group} fighters attacked a {target} near {town} on {day}, killing {n} soldiers.",
    "An air strike hit a {group} hideout outside {town} late on {day}, local officials said.",
    "A roadside bomb exploded next to a {target} in {town} on {day}, wounding {n} people.",
    "{forces} arrested {n} suspected {group} members during a raid in {town} on {day}.",
    "Heavy clashes broke out between {forces} and {group} in {town} on {day}; {n} fighters were killed.",
    "Gunmen believed to belong to {group} kidnapped {n} travellers on the road to {town} on {day}.",
    "Hundreds of residents protested in {town} on {day} against power cuts and rising prices.",
    "A suicide bomber blew himself up at a {target} in {town} on {day}, killing {n} civilians.",
    "Mortar shells fell on a {target} in {town} on {day}; no casualties were reported.",
    "{forces} said they retook a {target} near {town} from {group} on {day} after a two-day battle.",
    "A drone struck a vehicle carrying {group} commanders near {town} on {day}.",
    "Police fired tear gas at demonstrators who blocked a road in {town} on {day}.",
]
QUOTES = [
    '"The attackers fled towards the desert," said {title} {person}, a spokesman for the {forces}.',
    '"We will not allow {group} to return to {town}," {title} {person} told reporters.',
    '{title} {person} of the {forces} said the operation would continue "until the area is safe".',
    'A local official, {person}, said the {target} had been attacked twice this year.',
]
BACKGROUND = [
    "The area has seen repeated fighting in recent months.",
    "No group immediately claimed responsibility.",
    "Residents said the road was closed for several hours.",
    "Aid agencies warned that thousands of families had fled their homes.",
    "The government did not comment on the report.",
    "Security was tightened across the province after the incident.",
    "Hospitals in the city appealed for blood donations.",
    "It was the third such incident in the district this month.",
]


def _article(rng: random.Random, i: int) -> dict[str, str]:
    country = rng.choice(list(TOWNS))
    towns = TOWNS[country]
    day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(700))
    source = rng.choice(SOURCES)
    first_town = rng.choice(towns)

    def fill(template: str, town: str | None = None) -> str:
        return template.format(
            group=rng.choice(GROUPS[country]), forces=rng.choice(FORCES[country]), town=town or rng.choice(towns),
            target=rng.choice(TARGETS), n=rng.choice(NUMBERS), day=rng.choice(WEEKDAYS),
            title=rng.choice(TITLES), person=f"{rng.choice(FIRST)} {rng.choice(LAST)}")

    lead = fill(rng.choice(EVENTS), first_town)
    body = [fill(t) for t in rng.sample(EVENTS, rng.randint(1, 4))]
    if rng.random() < 0.6:
        body.insert(rng.randrange(len(body) + 1), fill(rng.choice(QUOTES)))
    body += rng.sample(BACKGROUND, rng.randint(1, 3))
    dateline = f"{first_town.upper()}, {country}, {MONTHS[day.month - 1]} {day.day}, {day.year} ({source}) - "
    text = dateline + lead + " " + " ".join(body[:2]) + "\n\n" + " ".join(body[2:]) + f" (Report {i}.)"
    title = lead.split(",")[0].split(";")[0][:90]
    return {"id": f"synth-{i:06d}", "title": title, "source": source, "published": day.isoformat(), "text": text}


def articles(n: int, *, seed: int = 20250601, start: int = 0) -> Iterator[dict[str, str]]:
    """`n` synthetic articles numbered from `start` (ids `synth-000123`)."""
    for i in range(start, start + n):
        yield _article(random.Random(f"{seed}:{i}"), i)
