"""What to read aloud for a voice-clone sample: a few phonetically rich sentences per language.

About 10–12 s at a relaxed pace, so a reading fits the 5–15 s the service wants.
"""

from __future__ import annotations

PROMPTS: dict[str, str] = {
    "en": "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue "
    "background. It's easy to tell the depth of a well. These days a chicken leg is a rare dish.",
    "hi": "आज सुबह हल्की बारिश हुई और बच्चे खुशी से बाहर खेलने निकले। पुराने पेड़ के नीचे एक "
    "छोटी सी दुकान है, जहाँ गरम चाय और ताज़ी जलेबी मिलती है।",
    "es": "El veloz murciélago hindú comía feliz cardillo y kiwi. La cigüeña tocaba el "
    "saxofón detrás del palenque de paja, mientras llovía suavemente sobre el jardín.",
    "fr": "Portez ce vieux whisky au juge blond qui fume. Le chat dort près de la fenêtre, et "
    "la pluie chante doucement sur les toits gris de la ville.",
    "de": "Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich. Am Morgen duftet "
    "frisches Brot, und die Kinder lachen fröhlich im Garten.",
    "it": "Quel vituperabile xenofobo zelante assaggia il whisky ed esclama: alleluja! Il sole "
    "del mattino scalda piano le vecchie pietre della piazza.",
    "pt": "Luís argüia à Júlia que brações, fé, chá, óxido, pôr, zângão eram palavras do "
    "português. Depois da chuva, o jardim ficou cheio de flores.",
}


def prompt_for(language: str) -> str:
    """The reading prompt for a language code; English when there is none for it."""
    return PROMPTS.get(language, PROMPTS["en"])
