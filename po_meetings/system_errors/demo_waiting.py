"""The demo register's reports that still wait to be taken up (inskickade), beside the few of
:mod:`.demo_reports`: together more than the coming meeting's cap, some of them submitted before
the last meetings and listed there without being dealt with, so that the coming agenda lists the
oldest up to the cap and counts the rest. Seeded with the others by :mod:`.demo`, in date order,
so their numbers follow their submission days.

The reports describe patterns, never a client.
"""

from __future__ import annotations

from ..models import ReportStatus
from .demo_data import AK, MK, OMBUD, OMBUD2, PSY, VC

S = ReportStatus

#: The waiting report about väntetid for hjälpmedel and bostadsanpassning (the search finds it).
WAITING_TITLE = "Väntetid för hjälpmedel och bostadsanpassning vid hemgång från sjukhus"

WAITING: list[dict] = [
    {
        "title": "Ombud får inte delta i samordnad individuell plan via video",
        "level": "local",
        "category": "boundaries",
        "reporter": OMBUD,
        "days": 62,
        "status": S.SUBMITTED,
        "fixer": VC,
        "affected": [VC, PSY],
        "clients": 3,
        "description": "Vårdcentralen och psykiatrin kallar till SIP-möten på plats och säger nej när "
        "ombudet ber att få delta via video, också när klienten vill att ombudet är med.",
        "causes": "Mötesrummen saknar utrustning och rutinen för SIP nämner inte digitalt deltagande.",
        "consequences": "Ombudet hinner inte till alla möten och klienten får företräda sig själv i "
        "en situation där hen behöver stöd.",
        "system_view": "Samordningen bygger på att alla kan vara på samma plats samtidigt, inte på "
        "vad klienten behöver.",
        "proposal": "Att SIP-rutinen anger att den som klienten vill ha med får delta via video.",
    },
    {
        "title": WAITING_TITLE,
        "level": "local",
        "category": "local_resources",
        "reporter": OMBUD2,
        "days": 48,
        "status": S.SUBMITTED,
        "fixer": MK,
        "affected": [MK, AK, VC],
        "clients": 3,
        "description": "Klienter som skrivs ut efter en längre vårdtid får vänta i flera veckor på "
        "hjälpmedel och på beslut om bostadsanpassning. Under väntetiden kan de inte bo kvar hemma "
        "utan stöd.",
        "causes": "Hjälpmedel förskrivs först när utskrivningsdagen är bestämd, och "
        "bostadsanpassningen handläggs i turordning utan hänsyn till när klienten ska hem.",
        "consequences": "Klienter blir kvar på vårdavdelningen eller flyttar tillfälligt till "
        "korttidsboende; några har tackat nej till insatser för att komma hem fortare.",
        "system_view": "Huvudmännen planerar var för sig och väntetiden bärs av klienten.",
        "proposal": "Att hjälpmedel och bostadsanpassning tas upp redan vid den första samordnade "
        "vårdplaneringen.",
        "occurrences": [(OMBUD, 20, "Åsby", 1, "Väntetiden på en ramp till entrén var tio veckor.")],
    },
    {
        "title": "Intyg om nödvändig tandvård utfärdas inte för klienter med boendestöd",
        "level": "caseworker",
        "category": "competence",
        "reporter": OMBUD,
        "days": 40,
        "status": S.SUBMITTED,
        "fixer": MK,
        "affected": [MK, AK],
        "clients": 2,
        "description": "Klienter med boendestöd som har rätt till tandvård till hälso- och "
        "sjukvårdsavgift får inget intyg. Handläggarna vet inte vem som ska utfärda det.",
        "causes": "Rutinen för intyg gäller bara personer med hemtjänst eller särskilt boende.",
        "consequences": "Klienter avstår från tandvård tills de får akuta besvär.",
        "system_view": "Rätten finns på papperet men ingen huvudman tar ansvar för att den blir av.",
        "proposal": "Att boendestödets personal får uppdraget att uppmärksamma rätten och beställa intyget.",
    },
    {
        "title": "Apoteket lämnar inte ut läkemedel till ombud med fullmakt",
        "level": "central",
        "category": "regulation",
        "reporter": OMBUD2,
        "days": 3,
        "status": S.SUBMITTED,
        "who_can_fix": "Apoteken och E-hälsomyndigheten",
        "affected": [VC],
        "clients": 1,
        "description": "Apoteket vägrar lämna ut en klients läkemedel till ombudet trots skriftlig "
        "fullmakt, med hänvisning till att fullmakten ska vara registrerad digitalt.",
        "causes": "Den digitala fullmakten kräver att klienten själv loggar in med BankID.",
        "consequences": "Klienten blev utan sina läkemedel i tre dagar.",
        "system_view": "Vägen till stödet förutsätter en e-legitimation som många i målgruppen saknar.",
    },
    {
        "title": "Sms-påminnelser från psykiatrin når inte klienter utan egen telefon",
        "level": "local",
        "category": "accessibility",
        "reporter": OMBUD,
        "days": 1,
        "status": S.SUBMITTED,
        "fixer": PSY,
        "affected": [PSY],
        "clients": 2,
        "description": "Psykiatrins mottagning skickar kallelser och påminnelser bara som sms. Klienter "
        "som byter nummer ofta eller saknar telefon missar sina besök och skrivs ut ur vården.",
        "causes": "Brev skickas inte längre; mottagningen räknar uteblivna besök som att klienten "
        "inte vill ha vård.",
        "consequences": "Klienter förlorar sin kontakt med psykiatrin och söker akuten i stället.",
        "system_view": "Vården anpassas till kanalen, inte till målgruppen.",
        "proposal": "Brev eller kontakt via ombud när klienten begär det.",
    },
]
