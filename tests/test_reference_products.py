"""Reference data: HS nomenclature, HS version concordance and product baskets.

Expectations come from the published tables themselves (read here with the csv module) and
from the HS texts, not from tradestat's own code paths."""

from __future__ import annotations

import csv
import functools
import http.server
import threading
from collections import defaultdict
from pathlib import Path

import pytest

from tradestat.errors import ConfigError, InputError
from tradestat.reference import baskets, concordance, hs

UNSD = "HS2022_to_HS2017_ConversionAndCorrelationTables.xlsx"
CONSOLIDATED = "HS_consolidated_comtrade_concordances.csv"


@pytest.fixture(scope="module")
def unsd_store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("unsd") / "store"
    concordance.load(shared_data / "reference" / UNSD, store)
    return store


@pytest.fixture(scope="module")
def all_steps_store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("all") / "store"
    concordance.load(shared_data / "reference" / CONSOLIDATED, store)
    return store


def _published_2022_2017(shared_data: Path) -> list[tuple[str, str, str]]:
    with open(shared_data / "reference" / CONSOLIDATED, encoding="utf-8", newline="") as f:
        return [(r["code.after"].zfill(6), r["code.before"].zfill(6), r["Relationship"])
                for r in csv.DictReader(f) if r["adjustment"] == "2022 to 2017"]


# ---------------------------------------------------------------- HS nomenclature

def test_hs_show_8542() -> None:
    entry = hs.show("8542")
    assert entry.description == "Electronic integrated circuits"
    assert (entry.level, entry.parent, entry.version) == (4, "85", "HS2022")
    assert entry.children == ("854231", "854232", "854233", "854239", "854290")
    assert hs.show("854231").parent == "8542"
    assert hs.show("85").parent is None and "8542" in hs.show("85").children
    assert hs.show("8542.31").code == "854231"


def test_hs_search_by_words() -> None:
    found = [e.code for e in hs.search("integrated circuits")]
    assert found[0] == "8542"
    assert {"854231", "854232", "854233", "854239", "854290"} <= set(found)
    assert hs.search("smartphones")[0].code == "851713"
    assert hs.search("LITHIUM-ION")[0].code == "850760"
    assert hs.search("no such product anywhere") == []


def test_hs_unknown_codes() -> None:
    with pytest.raises(InputError, match=r"851712 is not an HS2022 code.*851713, 851714"):
        hs.show("851712")  # an HS2017 code, split in HS2022
    with pytest.raises(InputError, match="leading zero"):
        hs.show("10121")
    with pytest.raises(InputError):
        hs.search("  ")


# ---------------------------------------------------------------- concordance

def test_the_two_published_formats_agree_on_hs2022_hs2017(
        shared_data: Path, unsd_store: Path, all_steps_store: Path) -> None:
    published = _published_2022_2017(shared_data)
    from_xlsx = {(lk.new_code, lk.old_code, lk.relationship)
                 for lk in concordance.active(unsd_store).links}
    from_csv = {(lk.new_code, lk.old_code, lk.relationship)
                for lk in concordance.active(all_steps_store).links
                if (lk.new_version, lk.old_version) == ("HS2022", "HS2017")}
    assert len(published) == len(set(published)) == 15657
    assert from_xlsx == from_csv == set(published)


def test_conversion_relationships_match_the_published_column(
        shared_data: Path, unsd_store: Path) -> None:
    conc = concordance.active(unsd_store)
    published = _published_2022_2017(shared_data)
    by_code: dict[str, dict[str, str]] = defaultdict(dict)
    for new, old, rel in published:
        by_code[new][old] = rel
    for new, pairs in by_code.items():
        (conv,) = conc.convert(new, "HS2022", "HS2017")
        assert conv.pairs == pairs, new
        assert set(conv.targets) == set(pairs)


def test_smartphones_split_and_merge(unsd_store: Path) -> None:
    conc = concordance.active(unsd_store)
    (back,) = conc.convert("851713", "HS2022", "HS2017")
    assert back.targets == ("851712",) and back.relationship == "n:1"
    assert "851714" in back.shared_with
    (forward,) = conc.convert("851712", "HS2017", "HS2022")
    assert {"851713", "851714"} <= set(forward.targets)
    assert forward.pairs["851713"] == "1:n"
    (same,) = conc.convert("010121", "HS2022", "HS2017")
    assert (same.targets, same.relationship) == (("010121",), "1:1")
    assert [c.code for c in conc.convert("8542", "H6", "2017")] == [
        "854231", "854232", "854233", "854239", "854290"]


def test_chained_conversion_needs_every_step(unsd_store: Path, all_steps_store: Path) -> None:
    with pytest.raises(InputError, match="load-concordance"):
        concordance.active(unsd_store).convert("851713", "HS2022", "HS2012")
    (conv,) = concordance.active(all_steps_store).convert("851713", "HS2022", "HS1992")
    assert conv.targets == ("852520",)  # HS1992: transmission apparatus incl. cell phones
    assert conv.relationship == "n:1"


def test_consolidated_csv_restores_zeros_and_skips_sitc(shared_data: Path, tmp_path: Path
                                                        ) -> None:
    result = concordance.load(shared_data / "reference" / CONSOLIDATED, tmp_path / "s")
    assert set(result.steps) == {"HS2022-HS2017", "HS2017-HS2012", "HS2012-HS2007",
                                 "HS2007-HS2002", "HS2002-HS1996", "HS1996-HS1992"}
    assert sum(result.skipped.values()) == 2016 + 5737 + 12112  # the three SITC steps
    conc = concordance.active(tmp_path / "s")
    assert "010111" in conc.codes("HS1992")
    assert all(len(c) == 6 for c in conc.codes("HS2012"))
    assert Path(result.cached_to).parent == tmp_path / "s" / "reference" / "concordance"


def test_no_concordance_loaded_names_the_command(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="tradestat reference load-concordance"):
        concordance.active(tmp_path / "empty")


def test_load_from_url_is_cached(shared_data: Path, tmp_path: Path) -> None:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(shared_data / "reference"))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{UNSD}"
    try:
        first = concordance.load(url, tmp_path / "s")
    finally:
        server.shutdown()
        server.server_close()
    again = concordance.load(url, tmp_path / "s")  # server gone: the cached download is used
    assert first.steps == again.steps == {"HS2022-HS2017": 15657}
    assert Path(first.file).parent == tmp_path / "s" / "reference" / "downloads"


# ---------------------------------------------------------------- baskets

def test_shipped_baskets_named_in_the_issue() -> None:
    found = baskets.available(store="/nonexistent-store")
    expect = {
        "semiconductors": ("8541", "8542"), "integrated_circuits": ("8542",),
        "semiconductor_devices": ("8541",), "passenger_cars": ("8703",),
        "motor_vehicles": ("8702", "8703", "8704", "8706"), "apparel": ("61", "62"),
        "adp_machines": ("8471",),
    }
    for name, codes in expect.items():
        assert found[name].codes["HS2022"] == codes, name
        assert found[name].codes["HS2017"] == codes, name
        assert found[name].description
    assert len(found) >= 20


def test_mobile_phones_differ_between_hs2017_and_hs2022() -> None:
    phones = baskets.get("mobile_phones", store="/nonexistent-store")
    assert phones.codes["HS2017"] == ("851712",)
    assert phones.codes["HS2022"] == ("851713", "851714")


def test_shipped_hs2017_codes_exist_in_the_unsd_table(unsd_store: Path, shared_data: Path
                                                      ) -> None:
    hs2017 = {old for _new, old, _rel in _published_2022_2017(shared_data)}
    for basket in baskets.available(store=unsd_store).values():
        for code in basket.codes["HS2017"]:
            assert any(c.startswith(code) for c in hs2017), (basket.name, code)


def test_basket_with_unknown_code_is_rejected_naming_it(tmp_path: Path, unsd_store: Path
                                                        ) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[my_phones]\ndescription = "x"\nHS2022 = ["851713", "851712"]\n')
    with pytest.raises(ConfigError, match=r"my_phones.*851712 is not an HS2022 code"):
        baskets.available(store=tmp_path / "store", extra=bad)
    bad.write_text('[old_phones]\nHS2017 = ["851713"]\n')  # an HS2022 code, not HS2017
    with pytest.raises(ConfigError, match=r"old_phones.*851713 is not an HS2017 code"):
        baskets.available(store=unsd_store, extra=bad)
    bad.write_text('[numbers]\nHS2022 = [8542]\n')
    with pytest.raises(ConfigError, match="quoted string"):
        baskets.available(store=tmp_path / "store", extra=bad)
    bad.write_text('[typo]\nHS2099 = ["8542"]\n')
    with pytest.raises(ConfigError, match="unknown key 'HS2099'"):
        baskets.available(store=tmp_path / "store", extra=bad)


def test_user_baskets_from_the_store_and_a_file(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "baskets.toml").write_text(
        '[memory_chips]\ndescription = "Memories"\nHS2022 = ["854232"]\n')
    extra = tmp_path / "mine.toml"
    extra.write_text('[apparel]\ndescription = "Knitted only"\nHS2022 = ["61"]\n')
    found = baskets.available(store=store, extra=extra)
    assert found["memory_chips"].codes == {"HS2022": ("854232",)}
    assert found["apparel"].codes == {"HS2022": ("61",)}  # --baskets FILE wins
    assert found["apparel"].origin == str(extra)
    with pytest.raises(InputError, match="memory_chips"):
        baskets.get("memory_chip", store=store)


def test_translation_warns_where_not_one_to_one(all_steps_store: Path) -> None:
    conc = concordance.active(all_steps_store)
    phones = baskets.get("mobile_phones", store=all_steps_store)
    listed = baskets.codes_for(phones, "HS2022", conc=conc)
    assert (listed.codes, listed.translated_from, listed.warnings) == (
        ["851713", "851714"], None, [])
    older = baskets.codes_for(phones, "HS2012", conc=conc)
    assert older.translated_from == "HS2017"
    assert older.codes == ["851712"]
    assert len(older.warnings) == 1 and "851712 (HS2017)" in older.warnings[0]
    assert "wider" in older.warnings[0]
    cars = baskets.codes_for(baskets.get("passenger_cars", store=all_steps_store), "HS2012",
                             conc=conc)
    assert cars.codes == ["8703"]
    assert len(cars.warnings) == 1 and "same goods" in cars.warnings[0]
    adp = baskets.codes_for(baskets.get("adp_machines", store=all_steps_store), "HS2012",
                            conc=conc)
    assert adp.codes == ["8471"] and adp.warnings == []
