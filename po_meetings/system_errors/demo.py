"""Demo data for the systemfel register: about 30 reports of the Mellanå group.

Every report goes through the services, so the history, the followers and the search index
are what a real user would have left; only the dates are moved back afterwards, so that the
reports spread over this year and the last (a report's number year is its submission year).
The reports describe patterns, never a client.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update

from ..extensions import db
from ..models import (
    EscalationBody,
    Group,
    Meeting,
    ReportEvent,
    ReportStatus,
    SystemErrorReport,
    User,
    utcnow,
)
from . import services

S = ReportStatus

#: Titles the tests look reports up by (tests/conftest.py, the ``demo`` fixture).
ESCALATED_TITLE = "Krav på BankID för att skriva in sig på Arbetsförmedlingen"
CONFIDENTIAL_TITLE = "Ingen jourhavande socialsekreterare nåbar för psykiatrins akutmottagning"
DRAFT_TITLE = "Tolk saknas vid återbesök på vårdcentralen"

MK = "Mellanå kommun, socialtjänsten"
AK = "Åsby kommun, socialtjänsten"
PSY = "Region Mellanland, psykiatrin"
VC = "Region Mellanland, primärvården"
AF = "Arbetsförmedlingen"
FK = "Försäkringskassan"

OMBUD, OMBUD2 = "ombud@demo.se", "ombud2@demo.se"

# Each report: title, level, category, reporter, days since it was submitted, status, who can fix
# it, affected organisations, clients, the texts, and optional extras (occurrences: (who, days
# ago, municipality, clients, note); comments: (who, text); owner; escalations; flags).
REPORTS: list[dict] = [
    {
        "title": "Utskrivning från slutenvården utan kontakt med socialtjänsten",
        "level": "local",
        "category": "boundaries",
        "reporter": OMBUD,
        "days": 520,
        "status": S.RESOLVED,
        "fixer": PSY,
        "affected": [PSY, MK],
        "clients": 4,
        "description": "Under våren skrevs flera klienter ut från vuxenpsykiatrins vårdavdelning en fredag "
        "eftermiddag utan att socialtjänsten kontaktats. Ingen samordnad individuell plan fanns.",
        "causes": "Rutinen för samordnad utskrivning tillämpas inte på helger. Avdelningen saknar "
        "kontaktvägar till socialtjänsten efter kl. 16.",
        "consequences": "Klienterna stod utan boende och utan läkemedel över helgen. Två återinlades inom en vecka.",
        "system_view": "Stödet samordnades inte: två huvudmän planerade var för sig och klienten fick bära glappet.",
        "proposal": "Gemensam rutin för utskrivning med krav på SIP-kallelse före utskrivningsdagen.",
        "occurrences": [(OMBUD2, 470, "Åsby", 1, "Samma mönster vid utskrivning en lördag.")],
        "comments": [
            ("vice@demo.se", "Psykiatrin ser över helgbemanningen. Vi återkommer till nästa möte."),
            (OMBUD, "Tack! Viktigt att rutinen även gäller **rättspsykiatrin**."),
        ],
        "owner": "vice@demo.se",
        "resolution": "Ny gemensam utskrivningsrutin antagen av psykiatrin och socialtjänsten. "
        "SIP ska kallas senast tre dagar före utskrivning.",
    },
    {
        "title": "Försäkringskassans beslutsbrev är svåra att förstå",
        "level": "central",
        "category": "regulation",
        "reporter": OMBUD,
        "days": 430,
        "status": S.ESCALATED,
        "fixer": FK,
        "affected": [FK],
        "clients": 9,
        "description": "Klienter får beslut om sjukpenning och aktivitetsersättning som de inte förstår. "
        "Breven hänvisar till lagparagrafer utan att förklara vad beslutet innebär.",
        "causes": "Breven är mallstyrda nationellt och skrivs för att hålla juridiskt, inte för att läsas.",
        "consequences": "Klienter missar tidsfrister för omprövning och förlorar sin ersättning.",
        "system_view": "Klientens behov av begriplig information tillgodoses inte; kontakten förutsätter "
        "att man kan läsa myndighetsspråk.",
        "proposal": "Lyfta frågan nationellt om klarspråk och ett kort sammanfattande stycke i varje beslut.",
        "occurrences": [
            (OMBUD2, 400, "Mellanå", 3, "Tre klienter med avslag på aktivitetsersättning."),
            (OMBUD, 200, "Åsby", 2, None),
        ],
        "comments": [("ledamot.fk@demo.se", "Mallarna kan inte ändras lokalt. Vi tar det vidare i linjen.")],
        "owner": "ledamot.fk@demo.se",
        "escalations": [
            {
                "body": EscalationBody.NATIONAL_BOARD,
                "days": 60,
                "channel": "Brev",
                "reply_days": 20,
                "reply": "Socialstyrelsen hänvisar till Försäkringskassan som ansvarig myndighet.",
                "outcome": "Frågan skickas vidare till Försäkringskassans huvudkontor.",
            }
        ],
    },
    {
        "title": ESCALATED_TITLE,
        "level": "central",
        "category": "central_organisation",
        "reporter": OMBUD,
        "days": 300,
        "status": S.ESCALATED,
        "fixer": AF,
        "affected": [AF],
        "clients": 5,
        "description": "Arbetsförmedlingen kräver BankID för att skriva in sig och för att lämna aktivitetsrapport. "
        "Lokalkontoret hänvisar till den digitala tjänsten.",
        "causes": "Den digitala kanalen är förstahandsval nationellt och personliga besök kräver tidsbokning, "
        "som också görs digitalt.",
        "consequences": "Klienter utan BankID blir inte inskrivna och förlorar rätt till ersättning och insatser.",
        "system_view": "Klienten blir inte bemött med respekt när den enda vägen in förutsätter en e-legitimation "
        "som många i målgruppen inte kan få.",
        "proposal": "Att lokalkontoret tar emot inskrivning vid besök utan tidsbokning för personer utan e-legitimation.",
        "occurrences": [
            (OMBUD2, 250, "Åsby", 2, "Två klienter nekades inskrivning vid besök."),
            (OMBUD, 90, "Mellanå", 1, None),
        ],
        "comments": [
            ("ledamot@demo.se", "Vi har tagit upp det med regionledningen men har inget lokalt mandat.")
        ],
        "owner": "ledamot@demo.se",
        "escalations": [
            {
                "body": EscalationBody.REGION,
                "days": 40,
                "channel": "E-post",
                "reply_expected": 30,
                "reply_days": 25,
                "reply": "Regionen delar bilden men saknar rådighet över Arbetsförmedlingens kanaler.",
                "outcome": "Inget lokalt ändrat; gruppen går vidare till Länsstyrelsen.",
            },
            {"body": EscalationBody.COUNTY_BOARD, "days": 12, "channel": "Brev", "reply_expected": 45},
        ],
    },
    {
        "title": "Lång väntan på beslut om bostadsanpassning",
        "level": "local",
        "category": "local_resources",
        "reporter": OMBUD,
        "days": 210,
        "status": S.ESCALATED,
        "fixer": MK,
        "affected": [MK, AK],
        "clients": 6,
        "description": "Klienter har väntat mer än sex månader på beslut om bostadsanpassningsbidrag. "
        "Under tiden kan de inte bo kvar hemma utan stöd.",
        "causes": "En handläggartjänst har varit vakant i ett år och ärendena handläggs i turordning.",
        "consequences": "Klienter blir kvar på korttidsboende eller hos anhöriga; hemtjänsten får större insatser.",
        "system_view": "Behovet tillgodoses inte för att resurserna inte räcker, och ingen huvudman tar ansvar för väntetiden.",
        "proposal": "Tillfällig förstärkning och förtur för ärenden där klienten annars inte kan bo kvar.",
        "occurrences": [(OMBUD2, 150, "Åsby", 3, "Åsby har samma väntetid.")],
        "comments": [
            ("ordforande@demo.se", "Förvaltningen har inte fått medel i budgeten. Vi eskalerar till nämnden.")
        ],
        "owner": "ordforande@demo.se",
        "escalations": [
            {
                "body": EscalationBody.COUNTY_BOARD,
                "days": 70,
                "channel": "Brev och möte",
                "reply_expected": 30,
                "reply_days": 28,
                "reply": "Länsstyrelsen konstaterar att handläggningstiderna är oskäligt långa och har begärt "
                "en redovisning från kommunen.",
                "outcome": "Kommunen ska redovisa en åtgärdsplan till Länsstyrelsen.",
            }
        ],
    },
    {
        "title": "Tolk saknas vid handläggning hos socialtjänsten",
        "level": "caseworker",
        "category": "method",
        "reporter": OMBUD2,
        "days": 380,
        "status": S.RESOLVED,
        "fixer": MK,
        "affected": [MK],
        "clients": 3,
        "description": "Vid ansökan om ekonomiskt bistånd hölls samtal utan tolk trots att klienten bett om tolk.",
        "causes": "Handläggarna bokar inte tolk när klienten kan lite svenska; rutinen är otydlig.",
        "consequences": "Klienter förstår inte vilka underlag som krävs och ansökningar avslås.",
        "system_view": "Klienten blir inte bemött med respekt och får inte samma möjlighet att föra sin talan.",
        "owner": "ordforande@demo.se",
        "resolution": "Rutinen för tolkbokning förtydligad; tolk bokas alltid när klienten ber om det.",
    },
    {
        "title": "Klienter bollas mellan handläggare på Försäkringskassan",
        "level": "caseworker",
        "category": "treatment",
        "reporter": OMBUD,
        "days": 160,
        "status": S.IN_PROGRESS,
        "fixer": FK,
        "affected": [FK],
        "clients": 4,
        "description": "Klienter har under samma ärende haft fyra eller fler handläggare och får börja om varje gång.",
        "causes": "Ärenden fördelas digitalt mellan kontor utan hänsyn till att klienten behöver kontinuitet.",
        "consequences": "Klienter ger upp sina ansökningar; ärenden drar ut på tiden.",
        "system_view": "Stödet samordnas inte och klienten får själv hålla ihop sitt ärende.",
        "owner": "ledamot.fk@demo.se",
        "review": 30,
        "occurrences": [(OMBUD2, 100, "Mellanå", 1, None)],
    },
    {
        "title": "Stängda kontor och bara telefontid för socialtjänstens mottagning",
        "level": "local",
        "category": "accessibility",
        "reporter": OMBUD2,
        "days": 140,
        "status": S.IN_PROGRESS,
        "fixer": AK,
        "affected": [AK],
        "clients": 7,
        "description": "Socialtjänstens reception i Åsby har stängt och telefontiden är en timme per dag.",
        "causes": "Besparing på receptionstjänster under året.",
        "consequences": "Klienter når inte sin handläggare och missar besked om beslut.",
        "system_view": "Tillgängligheten är byggd för den som kan ringa på en viss timme, inte för målgruppen.",
        "proposal": "Drop-in en förmiddag i veckan och återuppringning inom en arbetsdag.",
        "owner": "ledamot.asby@demo.se",
        "review": 14,
        "comments": [("ledamot.asby@demo.se", "Vi prövar drop-in på tisdagar från nästa månad.")],
    },
    {
        "title": "Vårdcentralen kräver digital tidsbokning",
        "level": "local",
        "category": "accessibility",
        "reporter": OMBUD,
        "days": 120,
        "status": S.IN_PROGRESS,
        "fixer": VC,
        "affected": [VC],
        "clients": 3,
        "description": "Vårdcentralen i Mellanå hänvisar all tidsbokning till 1177 och ringer inte tillbaka.",
        "causes": "Telefonkön stängs när den är full; återuppringning erbjuds bara digitalt.",
        "consequences": "Klienter söker akuten i stället och får ingen kontinuitet i sin vård.",
        "system_view": "Behovet av vård tillgodoses inte för att vägen in förutsätter digital vana.",
        "owner": "ledamot.vc@demo.se",
        "review": 21,
    },
    {
        "title": "Aktivitetsersättning dras in utan kontakt med klienten",
        "level": "central",
        "category": "regulation",
        "reporter": OMBUD2,
        "days": 100,
        "status": S.IN_PROGRESS,
        "fixer": FK,
        "affected": [FK, MK],
        "clients": 2,
        "description": "Ersättningen drogs in efter utebliven aktivitetsrapport utan att någon försökte nå klienten.",
        "causes": "Regelverket tillåter indragning efter skriftlig påminnelse, som klienten inte förstått.",
        "consequences": "Klienten blev utan inkomst och fick söka ekonomiskt bistånd.",
        "system_view": "Kostnaden flyttas mellan huvudmän medan klienten blir utan stöd.",
        "owner": "ledamot.fk@demo.se",
        "review": 40,
    },
    {
        "title": "Ingen samordnad individuell plan trots flera insatser",
        "level": "caseworker",
        "category": "method",
        "reporter": OMBUD,
        "days": 95,
        "status": S.IN_PROGRESS,
        "fixer": MK,
        "affected": [MK, PSY],
        "clients": 2,
        "description": "Klienter med insatser från både psykiatrin och socialtjänsten har ingen SIP.",
        "causes": "Ingen av huvudmännen tar initiativ; båda väntar på den andra.",
        "consequences": "Insatser krockar och klienten får berätta samma sak för många.",
        "system_view": "Stödet samordnas inte trots att lagen kräver det.",
        "owner": "adjungerad@demo.se",
        "owner_fallback": "ordforande@demo.se",
        "review": 10,
    },
    {
        "title": "Handläggare saknar kunskap om psykisk funktionsnedsättning",
        "level": "caseworker",
        "category": "competence",
        "reporter": OMBUD2,
        "days": 80,
        "status": S.TAKEN_UP,
        "fixer": AF,
        "affected": [AF],
        "clients": 2,
        "description": "Klienter bedöms som omotiverade när de inte kommer till bokade möten.",
        "causes": "Handläggarna har inte fått utbildning om hur psykisk ohälsa påverkar förmågan att planera.",
        "consequences": "Klienter stängs av från insatser.",
        "system_view": "Klienten blir inte bemött med respekt för sina förutsättningar.",
    },
    {
        "title": "Boendestöd upphör vid flytt mellan kommunerna",
        "level": "local",
        "category": "boundaries",
        "reporter": OMBUD,
        "days": 75,
        "status": S.TAKEN_UP,
        "fixer": AK,
        "affected": [MK, AK],
        "clients": 1,
        "description": "När en klient flyttade från Mellanå till Åsby upphörde boendestödet och nytt beslut dröjde två månader.",
        "causes": "Kommunerna har ingen överenskommelse om överlämning vid flytt.",
        "consequences": "Klienten stod utan stöd i det nya boendet och riskerade att förlora det.",
        "system_view": "Gränsen mellan kommunerna blev klientens problem.",
        "occurrences": [(OMBUD2, 50, "Åsby", 1, None)],
    },
    {
        "title": "Beroendevården kräver nykterhet före psykiatrisk bedömning",
        "level": "local",
        "category": "governance",
        "reporter": OMBUD2,
        "days": 60,
        "status": S.TAKEN_UP,
        "fixer": PSY,
        "affected": [PSY, MK],
        "clients": 3,
        "description": "Klienter med samsjuklighet hänvisas mellan beroendevården och psykiatrin.",
        "causes": "Styrdokumenten anger olika ingångskrav hos de två verksamheterna.",
        "consequences": "Ingen bedömning görs och klienten blir utan vård.",
        "system_view": "Behoven tillgodoses inte för att styrningen inte är samordnad.",
    },
    {
        "title": "Kallelser skickas bara digitalt till Min sida",
        "level": "central",
        "category": "central_organisation",
        "reporter": OMBUD,
        "days": 55,
        "status": S.TAKEN_UP,
        "fixer": AF,
        "affected": [AF, FK],
        "clients": 4,
        "description": "Kallelser till möten och utredningar skickas enbart till den digitala brevlådan.",
        "causes": "Myndigheterna har gått över till digital post som standard.",
        "consequences": "Klienter missar möten och noteras som frånvarande.",
        "system_view": "Kommunikationen utgår från den som har digital vana.",
    },
    {
        "title": "Överförmyndaren svarar inte på frågor om god man",
        "level": "local",
        "category": "local_resources",
        "reporter": OMBUD,
        "days": 30,
        "status": S.SUBMITTED,
        "fixer": MK,
        "affected": [MK],
        "clients": 2,
        "description": "Ansökningar om god man har legat utan besked i fyra månader.",
        "causes": "Brist på ställföreträdare och handläggare hos överförmyndaren.",
        "consequences": "Klienters räkningar betalas inte och skulder växer.",
        "system_view": "Klienten står utan stöd medan myndigheterna väntar på varandra.",
    },
    {
        "title": "Ekonomiskt bistånd kräver kontoutdrag som banken inte lämnar ut",
        "level": "caseworker",
        "category": "method",
        "reporter": OMBUD2,
        "days": 25,
        "status": S.SUBMITTED,
        "fixer": MK,
        "affected": [MK],
        "clients": 3,
        "description": "Socialtjänsten kräver kontoutdrag på papper, banken lämnar bara ut dem digitalt.",
        "causes": "Rutinen för underlag har inte ändrats sedan bankerna slutade skicka papper.",
        "consequences": "Ansökningar blir ofullständiga och avslås.",
        "system_view": "Kraven utgår från organisationens rutin, inte klientens möjligheter.",
        "occurrences": [(OMBUD, 10, "Mellanå", 1, None)],
    },
    {
        "title": "Psykiatrins mottagning har ingen telefontid för anhöriga",
        "level": "local",
        "category": "accessibility",
        "reporter": OMBUD,
        "days": 20,
        "status": S.SUBMITTED,
        "fixer": PSY,
        "affected": [PSY],
        "clients": 1,
        "description": "Anhöriga och ombud når inte mottagningen; meddelanden via växeln besvaras inte.",
        "causes": "Telefontiden togs bort vid omorganisationen.",
        "consequences": "Viktig information om klientens mående når inte behandlaren.",
        "system_view": "Stödet samordnas inte när ingen kan nå vården.",
    },
    {
        "title": "Avslag på färdtjänst utan hänsyn till psykisk funktionsnedsättning",
        "level": "caseworker",
        "category": "values",
        "reporter": OMBUD2,
        "days": 15,
        "status": S.SUBMITTED,
        "fixer": AK,
        "affected": [AK],
        "clients": 1,
        "description": "Färdtjänst avslogs med motiveringen att klienten kan gå, trots intyg om panikångest.",
        "causes": "Bedömningen utgår bara från fysisk rörlighet.",
        "consequences": "Klienten kan inte ta sig till behandling.",
        "system_view": "Värderingen att bara fysiska hinder räknas gör att behovet inte tillgodoses.",
    },
    {
        "title": "Ledningsgruppens beslut når inte handläggarna",
        "level": "local",
        "category": "governance",
        "reporter": OMBUD,
        "days": 12,
        "status": S.SUBMITTED,
        "fixer": MK,
        "affected": [MK, AK, PSY],
        "clients": None,
        "description": "Rutiner som ledningsgruppen enats om är okända för handläggarna ute i verksamheterna.",
        "causes": "Det finns ingen väg för att föra ut ledningsgruppens beslut i linjen.",
        "consequences": "Samma systemfel återkommer trots att de är åtgärdade på papperet.",
        "system_view": "Styrningen når inte fram och klienterna märker ingen skillnad.",
    },
    {
        "title": "Hemlösa klienter får inte adress för post från myndigheter",
        "level": "central",
        "category": "central_resources",
        "reporter": OMBUD2,
        "days": 8,
        "status": S.SUBMITTED,
        "fixer": None,
        "who_can_fix": "Skatteverket",
        "affected": [FK, AF],
        "clients": 2,
        "description": "Klienter utan fast bostad får inte sin post och missar beslut och kallelser.",
        "causes": "Det saknas en möjlighet att ha postadress hos socialtjänsten.",
        "consequences": "Ersättningar dras in och skulder växer.",
        "system_view": "Systemet förutsätter en adress som målgruppen inte har.",
    },
    {
        "title": "Läkarintyg krävs för att få förlängd tid hos Arbetsförmedlingen",
        "level": "central",
        "category": "regulation",
        "reporter": OMBUD,
        "days": 5,
        "status": S.SUBMITTED,
        "fixer": AF,
        "affected": [AF, VC],
        "clients": 1,
        "description": "Arbetsförmedlingen kräver läkarintyg som vårdcentralen inte utfärdar utan besök.",
        "causes": "Kraven på underlag är nationella och vården prioriterar inte intyg.",
        "consequences": "Klienten hamnar mellan två myndigheter och förlorar sin plats i programmet.",
        "system_view": "Stödet samordnas inte mellan myndigheten och vården.",
    },
    {
        "title": "Hemtjänsten avbröts under sjukhusvistelse och startades inte igen",
        "level": "local",
        "category": "boundaries",
        "reporter": OMBUD2,
        "days": 400,
        "status": S.CLOSED,
        "fixer": MK,
        "affected": [MK, PSY],
        "clients": 1,
        "description": "Efter en inläggning startades inte hemtjänsten igen förrän klienten själv hörde av sig.",
        "causes": "Ingen meddelade hemtjänsten om hemgången.",
        "consequences": "Klienten blev utan mat och läkemedelshjälp i en vecka.",
        "system_view": "Glappet mellan vården och omsorgen bars av klienten.",
        "close_reason": "Ingår i rapporten om utskrivning från slutenvården, som gruppen redan arbetar med.",
    },
    {
        "title": "Enstaka missnöje med ett bemötande i receptionen",
        "level": "caseworker",
        "category": "treatment",
        "reporter": OMBUD,
        "days": 45,
        "status": S.CLOSED,
        "fixer": MK,
        "affected": [MK],
        "clients": 1,
        "description": "En klient upplevde att receptionen var otrevlig vid ett besök.",
        "causes": "Oklart; en enstaka händelse.",
        "consequences": "Klienten ville inte komma tillbaka.",
        "system_view": "Bedömdes inte som ett mönster.",
        "close_reason": "Ett enskilt bemötandeärende, inte ett systemfel. Hanteras som synpunkt i verksamheten.",
    },
    {
        "title": "Långa köer till neuropsykiatrisk utredning",
        "level": "central",
        "category": "central_resources",
        "reporter": OMBUD2,
        "days": 350,
        "status": S.CLOSED,
        "fixer": PSY,
        "affected": [PSY],
        "clients": 5,
        "description": "Väntetiden till NPF-utredning för vuxna är över två år.",
        "causes": "Regionen har inte resurser för antalet remisser.",
        "consequences": "Klienter får inte rätt stöd medan de väntar.",
        "system_view": "Resurserna motsvarar inte behoven.",
        "close_reason": "Regionen har redan en handlingsplan som följs upp i regionfullmäktige; gruppen kan inte påverka mer.",
    },
    {
        "title": "Försörjningsstödet betalas ut sent vid röda dagar",
        "level": "local",
        "category": "local_resources",
        "reporter": OMBUD,
        "days": 330,
        "status": S.RESOLVED,
        "fixer": MK,
        "affected": [MK],
        "clients": 6,
        "description": "Utbetalningen sker efter helger och röda dagar, så hyran betalas för sent.",
        "causes": "Utbetalningsdagen styrs av ett fast datum i verksamhetssystemet.",
        "consequences": "Klienter får påminnelseavgifter och riskerar vräkning.",
        "system_view": "Systemets rutin går före klientens behov.",
        "owner": "ordforande@demo.se",
        "resolution": "Utbetalningen görs nu sista bankdagen före helgen.",
        "reopen": (OMBUD2, 6, "Åsby", 2, "Samma sak i Åsby vid allhelgona."),
    },
    {
        "title": "Anhöriga får inte information om vårdplanering",
        "level": "caseworker",
        "category": "values",
        "reporter": OMBUD2,
        "days": 280,
        "status": S.RESOLVED,
        "fixer": PSY,
        "affected": [PSY],
        "clients": 2,
        "description": "Anhöriga som klienten gett samtycke för informeras inte om vårdplanering.",
        "causes": "Samtycken dokumenteras inte så att de syns i journalen.",
        "consequences": "Anhöriga kan inte stödja klienten efter utskrivning.",
        "system_view": "Samarbetet med klientens nätverk tas inte till vara.",
        "owner": "vice@demo.se",
        "resolution": "Samtycke registreras nu i en egen journalmall.",
    },
    {
        "title": "Sjukskrivning utan kontakt med arbetsgivaren",
        "level": "caseworker",
        "category": "competence",
        "reporter": OMBUD,
        "days": 110,
        "status": S.RESOLVED,
        "fixer": VC,
        "affected": [VC, FK],
        "clients": 1,
        "description": "Rehabkoordinatorn kontaktade inte arbetsgivaren trots att klienten bett om det.",
        "causes": "Rehabkoordinatorn var ny och kände inte till rutinen.",
        "consequences": "Återgången i arbete försenades med flera månader.",
        "system_view": "Kompetensen räckte inte för att samordna stödet.",
        "owner": "ledamot.vc@demo.se",
        "resolution": "Introduktionen för nya rehabkoordinatorer har kompletterats.",
    },
    {
        "title": CONFIDENTIAL_TITLE,
        "level": "local",
        "category": "local_resources",
        "reporter": "vice@demo.se",
        "days": 90,
        "status": S.IN_PROGRESS,
        "confidential": True,
        "fixer": MK,
        "affected": [MK, PSY],
        "clients": 2,
        "description": "Psykiatrins akutmottagning har vid flera tillfällen inte nått socialjouren nattetid.",
        "causes": "Socialjouren är bemannad av en person för tre kommuner.",
        "consequences": "Klienter skrivs ut till gatan nattetid.",
        "system_view": "Resurserna räcker inte och ingen huvudman tar ansvaret nattetid.",
        "owner": "ordforande@demo.se",
        "review": 7,
    },
    {
        "title": "Hot mot personal ledde till stängd mottagning",
        "level": "local",
        "category": "accessibility",
        "reporter": OMBUD2,
        "days": 65,
        "status": S.TAKEN_UP,
        "confidential": True,
        "fixer": AK,
        "affected": [AK],
        "clients": 3,
        "description": "Mottagningen stängdes efter en hotfull situation och har inte öppnat igen.",
        "causes": "Säkerhetsrutinen säger att mottagningen stängs tills vidare.",
        "consequences": "Klienter får inte träffa någon handläggare.",
        "system_view": "Verksamhetens skydd väger tyngre än tillgängligheten och ingen plan finns för att öppna igen.",
        "occurrences": [(OMBUD, 40, "Åsby", 1, "Även ombudens klienter berörs.")],
    },
    {
        "title": "Missbruksvårdens platser räcker inte för kvinnor",
        "level": "local",
        "category": "local_resources",
        "reporter": "ledamot.asby@demo.se",
        "days": 18,
        "status": S.SUBMITTED,
        "confidential": True,
        "fixer": AK,
        "affected": [AK, MK],
        "clients": 2,
        "description": "Det finns inga platser för kvinnor i det gemensamma behandlingshemmet.",
        "causes": "Upphandlingen gällde bara platser för män.",
        "consequences": "Kvinnor placeras långt bort eller inte alls.",
        "system_view": "Resurserna är inte anpassade till alla i målgruppen.",
    },
]

#: Drafts of ombud@demo.se (not submitted: no number, only the author sees them).
DRAFTS: list[dict] = [
    {
        "title": DRAFT_TITLE,
        "level": "local",
        "category": "local_resources",
        "description": "Vårdcentralen bokar inte tolk vid återbesök; klienten får ta med en anhörig.",
        "causes": None,
        "consequences": None,
        "system_view": None,
        "affected": [VC],
    },
    {
        "title": "Bostadsbolaget kräver fast inkomst för förstahandskontrakt",
        "level": "central",
        "category": "central_resources",
        "description": "Klienter med aktivitetsersättning nekas lägenhet.",
        "causes": "Bolagets uthyrningspolicy.",
        "consequences": None,
        "system_view": None,
        "affected": [MK],
    },
]


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def seed_system_errors(group: Group, users: dict[str, User]) -> None:
    """Add the demo reports, drafts, occurrences, escalations and comments to the group."""
    from ..models import Organisation

    today = utcnow().date()
    organisations = {o.name: o for o in db.session.scalars(select(Organisation))}
    members = {m.user.email: m for m in group.memberships}
    municipalities = {m.name: m for m in group.municipalities}
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.group_id == group.id, Meeting.starts_at < utcnow())
        .order_by(Meeting.starts_at)
    ).all()
    chair = users["ordforande@demo.se"]
    stamps: list[dict] = []  # the history's real dates, written with one statement at the end

    for spec in sorted(REPORTS, key=lambda s: -s["days"]):
        reporter = users[spec["reporter"]]
        submitted_on = today - timedelta(days=spec["days"])
        report = services.save_report(
            group, reporter, _values(spec, organisations), submit=True, now=_moment(submitted_on, 9)
        )
        report.created_at = report.submitted_at
        clock = _Clock(report, stamps)
        clock.stamp(submitted_on)
        for who, days, place, count, note in spec.get("occurrences", ()):
            services.add_occurrence(
                report, users[who], today - timedelta(days=days), municipalities[place], count, note
            )
            clock.stamp(today - timedelta(days=days))
        if spec.get("confidential"):
            services.set_confidential(report, chair, True)
            clock.stamp(submitted_on + timedelta(days=1))
        _move_on(report, spec, today, submitted_on, meetings, members, chair, clock)
        for who, comment in spec.get("comments", ()):
            services.add_comment(report, users[who], comment)
            clock.stamp(min(today, clock.last + timedelta(days=3)))
        if "reopen" in spec:
            who, days, place, count, note = spec["reopen"]
            services.add_occurrence(
                report, users[who], today - timedelta(days=days), municipalities[place], count, note
            )
            clock.stamp(today - timedelta(days=days))

    for spec in DRAFTS:
        report = services.save_report(group, users[OMBUD], _values(spec, organisations))
        report.created_at = _moment(today - timedelta(days=3))
    db.session.flush()
    # One executemany instead of an UPDATE per event keeps seed_demo fast (the tests run it often).
    db.session.execute(update(ReportEvent), stamps)


def _values(spec: dict, organisations: dict) -> dict:
    """Return the guided form's answers of a report spec."""
    fixer = spec.get("fixer")
    return {
        "title": spec["title"],
        "description": spec.get("description"),
        "causes": spec.get("causes"),
        "consequences": spec.get("consequences"),
        "system_view": spec.get("system_view"),
        "proposal": spec.get("proposal"),
        "who_can_fix": spec.get("who_can_fix"),
        "fixer_organisation_id": organisations[fixer].id if fixer else None,
        "affected_organisation_ids": [organisations[name].id for name in spec.get("affected", ())],
        "level": spec["level"],
        "category": spec["category"],
        "client_count": spec.get("clients"),
    }


class _Clock:
    """Note the day each of a report's new history events 'happened' (written in one go later)."""

    def __init__(self, report: SystemErrorReport, stamps: list[dict]) -> None:
        self.report = report
        self.stamps = stamps
        self.done = 0
        self.last: date = date.min

    def stamp(self, day: date) -> None:
        day = max(day, self.last)
        for offset, event in enumerate(self.report.events[self.done :]):
            self.stamps.append({"id": event.id, "occurred_at": _moment(day, 10) + timedelta(minutes=offset)})
        self.done = len(self.report.events)
        self.last = day


def _move_on(report, spec, today, submitted_on, meetings, members, chair, clock) -> None:
    """Take the report through the statuses its spec asks for."""
    status = spec["status"]
    if status == S.SUBMITTED:
        return
    if status == S.CLOSED and "owner" not in spec:
        services.change_status(report, chair, S.CLOSED, spec["close_reason"])
        clock.stamp(min(today, submitted_on + timedelta(days=30)))
        return
    meeting = next((m for m in meetings if m.starts_at.date() > submitted_on), meetings[-1])
    item = next((i for i in meeting.items if i.title == "Systemfrågor"), None)
    services.change_status(report, chair, S.TAKEN_UP, meeting=meeting, agenda_item=item)
    clock.stamp(max(meeting.starts_at.date(), submitted_on))
    if status == S.TAKEN_UP:
        return
    owner = members.get(spec["owner"])
    if owner is None or not services.sees_all(owner):
        owner = members[spec.get("owner_fallback", "ordforande@demo.se")]
    review = today + timedelta(days=spec.get("review", 30))
    services.change_status(report, chair, S.IN_PROGRESS, owner=owner, next_review_on=review)
    clock.stamp(clock.last)
    if status == S.IN_PROGRESS:
        return
    actor = owner.user
    if status == S.RESOLVED:
        services.change_status(report, actor, S.RESOLVED, spec["resolution"])
        clock.stamp(min(today, clock.last + timedelta(days=30)))
        return
    for index, esc in enumerate(spec.get("escalations", ())):
        sent_on = today - timedelta(days=esc["days"])
        expected = sent_on + timedelta(days=esc["reply_expected"]) if "reply_expected" in esc else None
        values = {
            "body": esc["body"].value,
            "sent_on": sent_on,
            "channel": esc.get("channel"),
            "reply_expected_by": expected,
        }
        services.change_status(report, actor, S.ESCALATED, escalation=values)
        clock.stamp(sent_on)
        if "reply" in esc:
            record = report.escalations[index]
            services.record_reply(
                record, actor, sent_on + timedelta(days=esc["reply_days"]), esc["reply"], esc.get("outcome")
            )
            clock.stamp(sent_on + timedelta(days=esc["reply_days"]))


# -- a large data set for benchmarks (flask seed-bulk) ------------------------------------------

BULK_PROBLEMS = [
    ("Lång väntan på beslut om {thing}", "resources"),
    ("Krav på BankID för {thing}", "digital"),
    ("Ingen tolk vid {thing}", "method"),
    ("Klienter bollas mellan handläggare vid {thing}", "treatment"),
    ("Stängda kontor försvårar {thing}", "access"),
    ("Brev om {thing} är svåra att förstå", "regulation"),
    ("Utskrivning utan samordning kring {thing}", "boundaries"),
    ("Ingen samordnad individuell plan vid {thing}", "method"),
    ("Digital tidsbokning krävs för {thing}", "digital"),
    ("Handläggare saknar kunskap om {thing}", "competence"),
]
BULK_THINGS = [
    "bostadsanpassning",
    "ekonomiskt bistånd",
    "sjukpenning",
    "aktivitetsersättning",
    "boendestöd",
    "färdtjänst",
    "god man",
    "hemtjänst",
    "inskrivning på Arbetsförmedlingen",
    "läkarintyg",
    "utskrivning från psykiatrin",
    "beroendevård",
    "neuropsykiatrisk utredning",
    "förstahandskontrakt",
    "skuldsanering",
]
BULK_PLACES = [
    "på mottagningen",
    "vid telefontiden",
    "i den digitala tjänsten",
    "på kontoret",
    "vid hembesök",
]
BULK_WHEN = ["under våren", "under sommaren", "i höstas", "efter årsskiftet", "under flera månader"]
BULK_CAUSES = [
    "Rutinen tillämpas inte när ordinarie handläggare är borta.",
    "Resurserna räcker inte för antalet ärenden.",
    "Regelverket utgår från att klienten kan hantera digitala tjänster.",
    "Huvudmännen har ingen gemensam överenskommelse.",
    "Vakanta tjänster har inte tillsatts.",
    "Styrdokumenten anger olika ingångskrav.",
    "Kunskapen om psykisk funktionsnedsättning är låg.",
]
BULK_CONSEQUENCES = [
    "Klienter förlorar sin ersättning och skulder växer.",
    "Klienter blir utan stöd och riskerar att förlora sitt boende.",
    "Klienter söker akuten i stället för planerad vård.",
    "Klienter ger upp sina ansökningar.",
    "Insatser krockar och klienten får berätta samma sak många gånger.",
]
BULK_VIEWS = [
    "Stödet samordnas inte mellan huvudmännen.",
    "Klientens behov tillgodoses inte.",
    "Klienten blir inte bemött med respekt.",
]
BULK_COMMENTS = [
    "Vi tar upp frågan i vår ledningsgrupp.",
    "Samma mönster finns i grannkommunen.",
    "Förvaltningen ser över rutinen till nästa möte.",
    "Ledningsgruppen följer upp frågan efter sommaren.",
]
#: Which of a report's categories a problem falls in, per level.
BULK_CATEGORIES = {
    "resources": ("local", "local_resources"),
    "digital": ("central", "central_organisation"),
    "method": ("caseworker", "method"),
    "treatment": ("caseworker", "treatment"),
    "access": ("local", "accessibility"),
    "regulation": ("central", "regulation"),
    "boundaries": ("local", "boundaries"),
    "competence": ("caseworker", "competence"),
}
BULK_STATUSES = [
    (S.SUBMITTED, 30),
    (S.TAKEN_UP, 15),
    (S.IN_PROGRESS, 20),
    (S.RESOLVED, 15),
    (S.ESCALATED, 10),
    (S.CLOSED, 10),
]
BULK_PATHS = {
    S.SUBMITTED: [],
    S.TAKEN_UP: [S.TAKEN_UP],
    S.IN_PROGRESS: [S.TAKEN_UP, S.IN_PROGRESS],
    S.RESOLVED: [S.TAKEN_UP, S.IN_PROGRESS, S.RESOLVED],
    S.ESCALATED: [S.TAKEN_UP, S.IN_PROGRESS, S.ESCALATED],
    S.CLOSED: [S.CLOSED],
}
BULK_BATCH = 1000


def seed_bulk(group: Group, count: int, progress=None, seed: int = 5) -> dict:
    """Insert ``count`` realistic reports into a group with bulk core inserts; return counts.

    No ORM objects and no audit rows: this is a system command for benchmarks. Numbers go on
    per year after the group's existing ones; the search index is filled as the services would.
    """
    import random
    from collections import Counter
    from functools import partial

    from sqlalchemy import insert, text

    from .. import numbering
    from ..models import Membership, Municipality, Organisation, Role
    from ..models.system_error import SEARCH_TABLE, Escalation, EventKind, Occurrence, report_organisation

    rng = random.Random(seed)
    now = utcnow()
    today = now.date()
    memberships = db.session.scalars(
        select(Membership).where(Membership.group_id == group.id, Membership.ended_at.is_(None))
    ).all()
    if not memberships:
        raise ValueError("Gruppen har inga medlemmar.")
    ombuds = [m.user_id for m in memberships if m.role == Role.OMBUD.value] or [
        m.user_id for m in memberships
    ]
    owners = [m for m in memberships if services.sees_all(m)] or memberships
    municipalities = db.session.scalars(
        select(Municipality.id).where(Municipality.group_id == group.id)
    ).all()
    organisations = db.session.scalars(select(Organisation.id)).all()
    meetings = db.session.scalars(
        select(Meeting.id).where(Meeting.group_id == group.id, Meeting.starts_at < now)
    ).all()
    chair = next((m.user_id for m in memberships if m.role == Role.CHAIR.value), memberships[0].user_id)
    is_sqlite = db.session.get_bind().dialect.name == "sqlite"

    # Submission moments over the last three years, oldest first, numbered on per year.
    moments = sorted(
        now - timedelta(days=rng.uniform(1, 3 * 365), minutes=rng.randint(0, 600)) for _ in range(count)
    )
    # Each year's numbers are taken from the group's counter in one block (numbering.reserve).
    per_year = Counter(numbering.swedish_year(moment) for moment in moments)
    last_seq = {
        year: numbering.reserve(group.id, numbering.SYSTEM_ERROR, year, n) - 1 for year, n in per_year.items()
    }
    totals = {"reports": 0, "occurrences": 0, "events": 0, "escalations": 0}
    statuses, weights = zip(*BULK_STATUSES, strict=True)
    for start in range(0, count, BULK_BATCH):
        reports, texts, paths = [], [], []
        for submitted_at in moments[start : start + BULK_BATCH]:
            year = numbering.swedish_year(submitted_at)
            last_seq[year] += 1
            pattern, kind = rng.choice(BULK_PROBLEMS)
            level, category = BULK_CATEGORIES[kind]
            thing = rng.choice(BULK_THINGS)
            title = pattern.format(thing=thing)
            title = title[0].upper() + title[1:]
            description = (
                f"{rng.choice(BULK_WHEN).capitalize()} har flera klienter mött problemet {rng.choice(BULK_PLACES)}: "
                f"{title[0].lower() + title[1:]}."
            )
            causes, consequences = rng.choice(BULK_CAUSES), rng.choice(BULK_CONSEQUENCES)
            comments = [rng.choice(BULK_COMMENTS)] if rng.random() < 0.3 else []
            status = rng.choices(statuses, weights)[0]
            owner = rng.choice(owners) if status in (S.IN_PROGRESS, S.RESOLVED, S.ESCALATED) else None
            body = "\n".join([description, causes, consequences, *comments])
            reports.append(
                {
                    "group_id": group.id,
                    "number_year": year,
                    "number_seq": last_seq[year],
                    "reporter_id": rng.choice(ombuds),
                    "status": status.value,
                    "title": title,
                    "description": description,
                    "causes": causes,
                    "consequences": consequences,
                    "fixer_organisation_id": rng.choice(organisations) if organisations else None,
                    "who_can_fix": None,
                    "proposal": None,
                    "system_view": rng.choice(BULK_VIEWS),
                    "level": level,
                    "category": category,
                    "client_count": rng.randint(1, 8),
                    "is_confidential": rng.random() < 0.05,
                    "owner_id": owner.id if owner else None,
                    "next_review_on": today + timedelta(days=rng.randint(7, 90)) if owner else None,
                    "meeting_id": rng.choice(meetings)
                    if meetings and status != S.SUBMITTED and status != S.CLOSED
                    else None,
                    "agenda_item_id": None,
                    "resolution": "Rutinen är ändrad och följs upp." if status == S.RESOLVED else None,
                    "close_reason": "Bedömdes inte som ett systemfel." if status == S.CLOSED else None,
                    "search_text": f"{title}\n{body}",
                    "submitted_at": submitted_at,
                    "created_at": submitted_at - timedelta(days=rng.randint(0, 3)),
                    "updated_at": submitted_at,
                }
            )
            texts.append((title, body))
            paths.append((status, comments, owner))
        table = SystemErrorReport.__table__
        # A plain executemany (RETURNING in parameter order goes row by row on SQLite), then
        # the new ids by their numbers, which are unique per group and year.
        db.session.execute(insert(table), reports)
        years = {row["number_year"] for row in reports}
        rows = db.session.execute(
            select(table.c.number_year, table.c.number_seq, table.c.id).where(
                table.c.group_id == group.id,
                table.c.number_year.in_(years),
                table.c.number_seq >= min(row["number_seq"] for row in reports),
            )
        ).all()
        found = {(year, seq): report_id for year, seq, report_id in rows}
        ids = [found[row["number_year"], row["number_seq"]] for row in reports]
        links, occurrences, events, escalations = [], [], [], []
        for report_id, row, (status, comments, _owner) in zip(ids, reports, paths, strict=True):
            when = row["submitted_at"]
            reporter = row["reporter_id"]

            event = partial(_bulk_event, events, report_id, group.id)

            event(EventKind.CREATED, row["created_at"], reporter)
            event(EventKind.SUBMITTED, when, reporter, from_status=S.DRAFT.value, to_status=S.SUBMITTED.value)
            for organisation_id in rng.sample(organisations, min(len(organisations), rng.randint(1, 3))):
                links.append({"report_id": report_id, "organisation_id": organisation_id})
            step_at = when
            for _ in range(rng.choice((0, 0, 1, 2, 3))):
                step_at = min(now, step_at + timedelta(days=rng.randint(1, 40)))
                other = rng.choice(ombuds)
                occurrences.append(
                    {
                        "report_id": report_id,
                        "group_id": group.id,
                        "reporter_id": other,
                        "occurred_on": step_at.date(),
                        "municipality_id": rng.choice(municipalities) if municipalities else None,
                        "client_count": rng.randint(1, 3),
                        "note": None,
                        "created_at": step_at,
                    }
                )
                event(EventKind.OCCURRENCE, step_at, other, details={"datum": step_at.date().isoformat()})
            previous = S.SUBMITTED
            for to in BULK_PATHS[status]:
                step_at = min(now, step_at + timedelta(days=rng.randint(3, 60)))
                note = (
                    row["resolution"] if to == S.RESOLVED else row["close_reason"] if to == S.CLOSED else None
                )
                details = {}
                if to == S.ESCALATED:
                    body = rng.choice([b for b in EscalationBody if b != EscalationBody.OTHER])
                    details = {"eskalerad till": body.label}
                    escalations.append(
                        {
                            "report_id": report_id,
                            "group_id": group.id,
                            "body": body.value,
                            "body_other": None,
                            "sent_on": step_at.date(),
                            "channel": "Brev",
                            "reply_expected_by": step_at.date() + timedelta(days=30),
                            "reply_received_on": None,
                            "reply": None,
                            "outcome": None,
                            "created_by_id": chair,
                            "created_at": step_at,
                        }
                    )
                event(
                    EventKind.STATUS,
                    step_at,
                    chair,
                    from_status=previous.value,
                    to_status=to.value,
                    note=note,
                    details=details,
                )
                previous = to
            for comment in comments:
                step_at = min(now, step_at + timedelta(days=rng.randint(1, 20)))
                event(EventKind.COMMENT, step_at, chair, note=comment)
        for table_, rows in (
            (report_organisation, links),
            (Occurrence.__table__, occurrences),
            (ReportEvent.__table__, events),
            (Escalation.__table__, escalations),
        ):
            if rows:
                db.session.execute(insert(table_), rows)
        if is_sqlite:
            db.session.execute(
                text(f"INSERT INTO {SEARCH_TABLE} (rowid, title, body) VALUES (:id, :title, :body)"),
                [{"id": i, "title": t, "body": b} for i, (t, b) in zip(ids, texts, strict=True)],
            )
        totals["reports"] += len(ids)
        totals["occurrences"] += len(occurrences)
        totals["events"] += len(events)
        totals["escalations"] += len(escalations)
        if progress is not None:
            progress(totals["reports"])
    return totals


def _bulk_event(
    events: list, report_id: int, group_id: int, kind, at: datetime, actor: int, **values
) -> None:
    """Add one history row of a bulk-seeded report."""
    events.append(
        {
            "report_id": report_id,
            "group_id": group_id,
            "actor_id": actor,
            "occurred_at": at,
            "kind": kind.value,
            "from_status": values.get("from_status"),
            "to_status": values.get("to_status"),
            "note": values.get("note"),
            "details": values.get("details", {}),
        }
    )
