"""Names of common actor codes in the languages the pages are shown in (else the code)."""

from __future__ import annotations

__all__ = ["actor_name"]

#: code -> (English, Chinese, Russian)
_NAMES: dict[str, tuple[str, str, str]] = {
    "ASEAN": ("ASEAN", "东盟", "АСЕАН"),
    "AUS": ("Australia", "澳大利亚", "Австралия"),
    "AUT": ("Austria-Hungary", "奥匈帝国", "Австро-Венгрия"),
    "BLR": ("Belarus", "白俄罗斯", "Беларусь"),
    "CHN": ("China", "中国", "Китай"),
    "DEU": ("Germany", "德国", "Германия"),
    "EAEU": ("Eurasian Economic Union", "欧亚经济联盟", "ЕАЭС"),
    "EU": ("European Union", "欧盟", "Евросоюз"),
    "FRA": ("France", "法国", "Франция"),
    "G7": ("G7", "七国集团", "G7"),
    "GBR": ("United Kingdom", "英国", "Великобритания"),
    "GEO": ("Georgia", "格鲁吉亚", "Грузия"),
    "IND": ("India", "印度", "Индия"),
    "JPN": ("Japan", "日本", "Япония"),
    "KAZ": ("Kazakhstan", "哈萨克斯坦", "Казахстан"),
    "KGZ": ("Kyrgyzstan", "吉尔吉斯斯坦", "Киргизия"),
    "KOR": ("South Korea", "韩国", "Южная Корея"),
    "MDA": ("Moldova", "摩尔多瓦", "Молдавия"),
    "MNG": ("Mongolia", "蒙古", "Монголия"),
    "NATO": ("NATO", "北约", "НАТО"),
    "POL": ("Poland", "波兰", "Польша"),
    "PRK": ("North Korea", "朝鲜", "КНДР"),
    "QING": ("Qing dynasty", "清朝", "Империя Цин"),
    "ROC": ("Republic of China", "中华民国", "Китайская Республика"),
    "RUS": ("Russia", "俄罗斯", "Россия"),
    "SCO": ("Shanghai Cooperation Organisation", "上海合作组织", "ШОС"),
    "SUN": ("Soviet Union", "苏联", "СССР"),
    "UKR": ("Ukraine", "乌克兰", "Украина"),
    "UN": ("United Nations", "联合国", "ООН"),
    "USA": ("United States", "美国", "США"),
    "UZB": ("Uzbekistan", "乌兹别克斯坦", "Узбекистан"),
    "VNM": ("Vietnam", "越南", "Вьетнам"),
    "WHO": ("World Health Organization", "世界卫生组织", "ВОЗ"),
    "WTO": ("World Trade Organization", "世界贸易组织", "ВТО"),
    "YUG": ("Yugoslavia", "南斯拉夫", "Югославия"),
}
_COLUMN = {"en": 0, "zh": 1, "ru": 2}


def actor_name(code: str, lang: str) -> str:
    """The actor's name in ``lang`` (en, zh, ru) when known, else its code."""
    names = _NAMES.get(code)
    return names[_COLUMN.get(lang, 0)] if names else code
