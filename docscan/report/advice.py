"""Advice texts for the report: what a municipality can do about a weak or missing theme.

Each entry of :data:`ADVICE` has a short ``title``, a ``why`` paragraph
grounded in the codebook's definition of the theme, an opening paragraph per
verdict (``weak`` / ``missing``) and 3-5 concrete ``actions``. The texts are
docscan's own wording.

:data:`MATURITY_ADVICE` holds the advice on the maturity phase, keyed by the
dominant level of the document ("1.0", "2.0", "3.0") or "none" when the plan
takes no stance on the relation with residents and partners.
"""
from __future__ import annotations

ADVICE: dict[str, dict] = {
    "strategie": {
        "title": "Leg een organisatiebrede digitale koers vast",
        "why": (
            "Een digitale strategie geeft richting aan alles wat de gemeente met informatie en "
            "technologie doet. Zij is integraal: dienstverlening, bedrijfsvoering en "
            "informatievoorziening horen erin samen te komen. Een lijst met te vervangen "
            "systemen of een plan van de ICT-afdeling is geen strategie; een keuze voor de hele "
            "organisatie, vertrekkend vanuit de maatschappelijke opgaven, is dat wel."
        ),
        "weak": (
            "Het plan noemt wel een richting, maar op weinig plaatsen of in voorzichtige termen. "
            "Maak de koers expliciet en laat haar terugkomen in de delen over dienstverlening, "
            "bedrijfsvoering en informatievoorziening."
        ),
        "missing": (
            "In het plan is geen digitale koers voor de hele organisatie te herkennen. Daardoor "
            "blijft onduidelijk waar de gemeente over enkele jaren wil staan en welke keuzes "
            "daaruit volgen."
        ),
        "actions": (
            "Beschrijf op één pagina waar de gemeente over vijf tot tien jaar wil staan met haar "
            "dienstverlening, bedrijfsvoering en informatievoorziening, en welke maatschappelijke "
            "opgaven (bijvoorbeeld jeugd, wonen of de energietransitie) daarbij het vertrekpunt zijn.",
            "Benoem de belangrijkste interne en externe uitdagingen, zoals krapte op de "
            "arbeidsmarkt, hogere verwachtingen van inwoners of nieuwe wetgeving, en geef per "
            "uitdaging aan welke digitale mogelijkheid de gemeente wil inzetten.",
            "Stel de koers op met directie, vakafdelingen en I&A samen: I&A adviseert over wat "
            "technisch kan, de organisatie als geheel maakt de keuze.",
            "Vertaal de koers naar drie tot vijf principes voor de hele organisatie (bijvoorbeeld "
            "'gegevens leggen we één keer vast en gebruiken we vaker') en toets elk nieuw project daaraan.",
            "Laat de raad de koers vaststellen en verwijs ernaar in begroting en jaarplannen, zodat "
            "het informatiebeleidsplan als sturingsinstrument gaat werken.",
        ),
    },
    "leiderschap": {
        "title": "Benoem een digitale aanjager in directie of bestuur",
        "why": (
            "Digitale transformatie heeft iemand nodig op directie- of bestuursniveau met een eigen "
            "beeld van wat digitalisering voor de gemeente kan betekenen, die de verandering "
            "zichtbaar draagt en collega's meekrijgt. Een formele tabel met verantwoordelijkheden "
            "is daarvoor niet genoeg. Het gaat om een persoon die knopen doorhakt en het voorbeeld "
            "geeft, en om leidinggevenden die dat voorbeeld in hun teams volgen, ook waar teams "
            "zichzelf sturen."
        ),
        "weak": (
            "Het plan raakt aan leiderschap, maar maakt niet duidelijk wie de verandering trekt, of "
            "het blijft bij formele rollen. Noem de aanjager met functie en beschrijf wat die "
            "persoon concreet doet."
        ),
        "missing": (
            "Het plan zegt niet wie de digitale verandering aanjaagt. Zonder eigenaar aan de top "
            "blijft digitalisering al snel een zaak van de ICT-afdeling alleen."
        ),
        "actions": (
            "Wijs een bestuurlijk opdrachtgever aan (een portefeuillehouder digitalisering) en een "
            "ambtelijk eigenaar in de directie, bijvoorbeeld de gemeentesecretaris of een CIO of CDO, "
            "en beschrijf hun rol in het plan.",
            "Zet de digitale agenda elk kwartaal op de agenda van het directieoverleg; de aanjager "
            "bespreekt daar de voortgang en hakt knopen door waar afdelingen vastlopen.",
            "Spreek af wat van leidinggevenden wordt verwacht: zij vertalen de koers naar hun team, "
            "geven ruimte om nieuwe werkwijzen te proberen en gebruiken zelf zichtbaar de nieuwe "
            "digitale middelen.",
            "Laat de aanjager de koers regelmatig zelf toelichten, in de organisatie en in de raad, "
            "zodat iedereen ziet dat de top erachter staat.",
        ),
    },
    "delen": {
        "title": "Organiseer kennisdeling tussen I&A en de vakafdelingen",
        "why": (
            "Goede digitale oplossingen ontstaan waar kennis van het vak en kennis van "
            "informatievoorziening elkaar ontmoeten. Vakafdelingen moeten weten wat ICT mogelijk "
            "maakt; I&A-medewerkers moeten de maatschappelijke vraagstukken van de vakafdelingen "
            "begrijpen. Ervaren collega's brengen realiteitszin in, nieuwe collega's frisse ideeën, "
            "en juist de combinatie levert iets nieuws op. Multidisciplinaire teams zijn daarvoor "
            "het gewone middel."
        ),
        "weak": (
            "Het plan noemt samenwerking of kennisdeling, maar niet hoe die wordt georganiseerd. "
            "Maak concreet wie met wie kennis deelt, in welke vorm en hoe vaak."
        ),
        "missing": (
            "Het plan zegt niets over kennisuitwisseling tussen I&A en de vakafdelingen. Het "
            "risico is dat I&A oplossingen bouwt waar het vak niet om vraagt, en dat het vak kansen "
            "laat liggen."
        ),
        "actions": (
            "Plaats informatieadviseurs in of dicht bij de vakafdelingen, bijvoorbeeld in het "
            "sociaal domein en bij het team omgevingswet, zodat zij vanaf het begin van een "
            "vraagstuk meedenken.",
            "Werk bij elke nieuwe opgave met een multidisciplinair team van vakmedewerkers en I&A, "
            "aangevuld met juridische of communicatiekennis waar dat nodig is.",
            "Begin een community of practice of maandelijkse kennissessies waarin teams laten zien "
            "wat werkt en wat niet, en stel die bewust samen uit ervaren en jongere collega's.",
            "Neem in opleidingsplannen op dat vakmedewerkers basiskennis van data en informatie "
            "opdoen en dat I&A-medewerkers de inhoud van het gemeentelijke werk leren kennen.",
        ),
    },
    "draagvlak": {
        "title": "Neem medewerkers en inwoners mee in de verandering",
        "why": (
            "Nieuwe digitale middelen werken pas als mensen ze willen en kunnen gebruiken. "
            "Draagvlak gaat over communicatie over de verandering, verandermanagement, aandacht "
            "voor cultuur en gedrag, het trainen van digitale vaardigheden van medewerkers en "
            "inwoners, en digitale inclusie: wie minder digitaal vaardig is, moet ook mee kunnen doen."
        ),
        "weak": (
            "Het plan noemt draagvlak of training, maar het blijft bij een voornemen. Werk uit hoe de "
            "gemeente medewerkers en inwoners meeneemt, wie dat doet, en waaraan u merkt dat het werkt."
        ),
        "missing": (
            "Het plan besteedt geen aandacht aan het meenemen van medewerkers en inwoners. Dan "
            "lopen nieuwe systemen het risico op weerstand te stuiten of groepen inwoners buiten "
            "te sluiten."
        ),
        "actions": (
            "Maak voor elk groot project een veranderaanpak: wie merkt er iets van, wat verandert er "
            "voor die mensen, en wanneer en hoe worden zij geïnformeerd en betrokken.",
            "Bied medewerkers een leerprogramma digitale vaardigheden op verschillende niveaus, met "
            "tijd binnen de werkweek om te oefenen, en houd bij hoeveel mensen meedoen.",
            "Zorg voor digitale inclusie: houd een persoonlijk en telefonisch kanaal open, werk met "
            "bibliotheek en welzijnsorganisaties aan hulp bij digitale zaken, en toets nieuwe "
            "diensten aan de toegankelijkheidseisen (WCAG).",
            "Laat toekomstige gebruikers vroeg meetesten en vraag na de invoering actief om "
            "feedback, zodat weerstand zichtbaar wordt voordat die zich vastzet.",
        ),
    },
    "experimenteren": {
        "title": "Begin klein: pilots rond één maatschappelijke vraag",
        "why": (
            "Volgens het principe Think Big, Act Small denkt de gemeente groot over de richting en "
            "zet zij kleine, concrete stappen. Een pilot rond één maatschappelijke vraag, uitgevoerd "
            "door een multidisciplinair team, laat snel zien wat digitale middelen opleveren en wat "
            "niet. Daarvoor zijn ruimte om te proberen, een klein experimentenbudget en soms kennis "
            "van buiten nodig, zodat de I&A-afdeling ook nieuwe rollen kan oppakken."
        ),
        "weak": (
            "Het plan noemt experimenteren of een pilot, maar zonder heldere vraag, team of budget. "
            "Maak één pilot zo concreet dat die volgende maand kan beginnen."
        ),
        "missing": (
            "Het plan laat geen ruimte voor pilots of experimenten. Dan moet alles in één keer goed "
            "gaan, en leert de organisatie pas van fouten als die duur zijn geworden."
        ),
        "actions": (
            "Kies één afgebakende maatschappelijke vraag, bijvoorbeeld het vroeg signaleren van "
            "schulden of de doorlooptijd van een vergunning, en spreek af wat na drie maanden "
            "merkbaar beter moet zijn.",
            "Stel een klein multidisciplinair team samen uit vakafdeling en I&A, met een vaste "
            "opdrachtgever, en geef het team mandaat om binnen de pilot zelf keuzes te maken.",
            "Reserveer elk jaar een experimentenbudget, bijvoorbeeld een vast bedrag per pilot, dat "
            "zonder lange aanvraagprocedure beschikbaar is.",
            "Haal externe expertise binnen waar die ontbreekt, zoals een data-analist of een "
            "ontwerper van digitale diensten, en laat die samenwerken met eigen medewerkers zodat "
            "de kennis in huis blijft.",
            "Sluit elke pilot af met een korte evaluatie en een besluit: opschalen, bijstellen of "
            "stoppen; deel de lessen in de hele organisatie.",
        ),
    },
    "realisatie": {
        "title": "Maak een uitvoeringsagenda met eigenaren en mijlpalen",
        "why": (
            "Een informatiebeleidsplan heeft pas effect als het wordt uitgevoerd. Dat vraagt dat "
            "doelen worden vertaald naar projecten met een planning, een eigenaar en budget, en "
            "dat de voortgang zichtbaar is voor directie en raad. Zo helpt het plan leidinggevenden "
            "bij hun beslissingen, in plaats van ongebruikt in de kast te blijven staan. Ook hier "
            "geldt Think Big, Act Small: een grote ambitie, opgeknipt in haalbare stappen."
        ),
        "weak": (
            "Het plan zegt iets over uitvoering of planning, maar onvolledig: eigenaren, mijlpalen "
            "of indicatoren ontbreken. Vul die aan en leg vast hoe vaak over de voortgang wordt "
            "gerapporteerd."
        ),
        "missing": (
            "Het plan zegt niet hoe het wordt uitgevoerd. Zonder uitvoeringsagenda valt niet te "
            "volgen wat er van de ambities terechtkomt."
        ),
        "actions": (
            "Voeg een uitvoeringsagenda toe: per doel de projecten, een eigenaar in de lijn, "
            "mijlpalen per kwartaal en het benodigde budget in de meerjarenbegroting.",
            "Kies per doel één tot drie meetbare indicatoren (KPI's), zoals het aandeel aanvragen "
            "dat volledig digitaal wordt afgehandeld of de tevredenheid van inwoners over een "
            "dienst, en doe een nulmeting.",
            "Rapporteer elk halfjaar aan directie en raad over de voortgang: wat is af, wat loopt "
            "vertraging op en welk besluit is nodig.",
            "Weeg nieuwe wensen en projecten in één portfoliooverleg tegen elkaar af, zodat de "
            "agenda haalbaar blijft en keuzes zichtbaar worden.",
            "Evalueer het plan jaarlijks en stel het bij, zodat het een levend document blijft.",
        ),
    },
}

MATURITY_ADVICE: dict[str, dict] = {
    "1.0": {
        "title": "Van zenden naar gesprek (1.0 naar 2.0)",
        "text": (
            "Het plan spreekt vooral over een gemeente die besluit en informeert, met inwoners als "
            "ontvangers. Digitalisering verandert dan het kanaal, maar niet de verhouding met "
            "inwoners. De volgende stap is tweerichtingsverkeer: de inwoner krijgt een sterkere "
            "informatiepositie en denkt mee."
        ),
        "actions": (
            "Ontwerp diensten vanuit de klantreis van de inwoner en test ze met inwoners voordat "
            "ze live gaan.",
            "Bied digitale kanalen waarin inwoners kunnen reageren en de stand van hun zaak kunnen "
            "volgen, niet alleen een formulier om in te vullen.",
            "Laat zien wat er met reacties van inwoners is gedaan, bijvoorbeeld in een korte "
            "terugkoppeling per project.",
            "Probeer intern teams die rond een dienst of doelgroep werken, in plaats van een "
            "strikte verdeling per afdeling.",
        ),
    },
    "2.0": {
        "title": "Van gesprek naar netwerk (2.0 naar 3.0)",
        "text": (
            "Het plan zoekt het gesprek met inwoners en werkt klantgericht. De volgende stap is "
            "een gemeente die één van de partners is in een netwerk van inwoners, ondernemers en "
            "ketenpartners, waarin maatschappelijke opgaven samen worden opgepakt en de gemeente "
            "vooral faciliteert."
        ),
        "actions": (
            "Kies één maatschappelijke opgave en pak die op met inwoners, ondernemers en "
            "ketenpartners, waarbij de gemeente faciliteert in plaats van bepaalt.",
            "Stel gegevens beschikbaar als open data waarop anderen kunnen bouwen, met heldere "
            "afspraken over kwaliteit en privacy.",
            "Ondersteun inwonersinitiatieven met kennis, gegevens en ruimte in regels en procedures.",
            "Werk intern met flexibele teams per opgave, samengesteld over afdelingsgrenzen heen.",
        ),
    },
    "3.0": {
        "title": "De netwerkrol verankeren",
        "text": (
            "Het plan spreekt al vanuit een rol als partner in een netwerk. Zorg dat die rol ook in "
            "de uitvoering, de organisatie en de afspraken met partners terugkomt, zodat het meer "
            "is dan een ambitie op papier."
        ),
        "actions": (
            "Leg met netwerkpartners vast wie wat doet en wie welke gegevens beheert.",
            "Maak zichtbaar welke opgaven in het netwerk worden opgepakt en wat ze opleveren.",
            "Geef opgaveteams eigen budget en mandaat, zodat de interne organisatie meebeweegt.",
        ),
    },
    "none": {
        "title": "Kies een houding tegenover inwoners en partners",
        "text": (
            "Het plan spreekt zich nauwelijks uit over de relatie tussen de gemeente, inwoners en "
            "partners. Daardoor blijft onduidelijk of digitalisering vooral bestaande processen "
            "versnelt of ook de verhouding met de samenleving verandert."
        ),
        "actions": (
            "Beschrijf hoe inwoners en ondernemers de gemeente nu ervaren en hoe dat over enkele "
            "jaren anders moet zijn.",
            "Kies per domein (dienstverlening, sociaal domein, fysieke leefomgeving) of de gemeente "
            "vooral informeert, in gesprek gaat of samenwerkt in een netwerk.",
            "Laat die keuze terugkomen in de projecten van de uitvoeringsagenda.",
        ),
    },
}


def advice_for(theme: str, verdict: str) -> dict | None:
    """The advice block for a theme with ``verdict``; ``None`` for present or unknown themes."""
    entry = ADVICE.get(theme)
    if entry is None or verdict not in ("weak", "missing"):
        return None
    return {
        "title": entry["title"],
        "intro": entry[verdict],
        "why": entry["why"],
        "actions": entry["actions"],
    }
