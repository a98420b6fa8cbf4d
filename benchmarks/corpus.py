"""Generated Arabic, Persian and English news-like articles with known copy relations.

Every sentence is assembled here from own-written phrase banks (openers, actors, actions,
topics, situations, goals, figures, quotes), so unrelated articles share topic phrases the
way same-beat news does, without any article copying another by chance. On top of the
originals the generator writes, with ground truth:

- *reprints* of an earlier article by another outlet: letter-variant spelling (alef/hamza,
  final ya, taa marbuta, Arabic/Persian kaf and ya, diacritics, tatweel, Arabic-Indic or
  Persian digits, curly quotes), a few words inserted or deleted, paragraphs reordered, the
  ending trimmed, a new intro, the outlet's own dateline and footer; a few are byte-exact;
- *copies*: a new article that embeds one to three paragraphs of an earlier one, with a new
  lead-in, a trimmed ending, a word or two changed and re-spelling (each at random).

Each line carries the *origins* of its text, so a benchmark can tell which earlier articles
truly contain which passages. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

__all__ = ["Generated", "generate_corpus"]

Kind = Literal["original", "reprint", "copy"]
NO_ORIGIN: frozenset[int] = frozenset()
START = datetime(2024, 3, 1, tzinfo=UTC)

# Phrase banks: people are invented; countries, cities and the kinds of news (calls, visits,
# talks, tolls) are what the product monitors. Slots in braces are filled recursively.
Bank = dict[str, list[str]]

# fmt: off
_EN: Bank = {
    "stop": ["."],
    "person": ["Karim Haddad", "Samir Obeidi", "Leila Mansour", "Fouad Khatib", "Adel Saadi",
        "Nabil Rashed", "Hisham Bakri", "Rami Shami", "Mona Zein", "Tarek Omari", "Walid Naqib",
        "Jamal Dabbagh", "Salma Husseini", "Majed Qaisi", "Anwar Saleh", "Khaled Rubaie",
        "Iman Attar", "Youssef Kurdi", "Hossam Tamimi", "Ziad Fares", "Ingrid Solberg",
        "Piotr Nowak", "Claire Dubois", "Hans Keller"],
    "role": ["foreign minister", "prime minister", "president", "defence minister",
        "parliament speaker", "national security adviser", "special envoy",
        "deputy foreign minister", "interior minister", "army chief of staff"],
    "country": ["Iran", "Iraq", "Syria", "Lebanon", "Jordan", "Egypt", "Qatar", "Oman", "Turkey",
        "Saudi Arabia", "the United Arab Emirates", "Kuwait", "Bahrain", "Norway", "Russia",
        "China", "France", "Germany", "Pakistan", "Algeria"],
    "city": ["Tehran", "Baghdad", "Damascus", "Beirut", "Amman", "Cairo", "Doha", "Muscat",
        "Ankara", "Riyadh", "Abu Dhabi", "Kuwait City", "Manama", "Oslo", "Moscow", "Beijing",
        "Paris", "Berlin", "Islamabad", "Algiers", "Geneva", "Vienna"],
    "agency": ["the state news agency", "the official news agency", "Reuters",
        "a government spokesman", "the foreign ministry", "local media", "the presidency",
        "state television", "the prime minister's office", "diplomatic sources"],
    "day": ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday",
        "on Sunday", "late on Sunday", "earlier this week", "on Thursday evening"],
    "actor": ["{country}'s {role} {person}", "the {role} of {country}, {person},",
        "{person}, the {role} of {country},", "{country}'s {role}"],
    "opener": ["", "", "", "Meanwhile,", "In a separate development,", "Later,",
        "According to {agency},", "In remarks broadcast {day},", "Speaking in {city},",
        "Separately,", "For his part,", "At the same time,"],
    "action": ["{S} held a telephone call with {O}", "{S} met {O} in {city} {day}",
        "{S} received {O} at the start of an official visit", "{S} discussed {topic} with {O}",
        "{S} travelled to {city} for talks with {O}",
        "{S} hosted {O} for a new round of consultations", "{S} spoke by phone with {O} {day}",
        "{S} held talks with {O} on the sidelines of a regional summit in {city}",
        "{S} sent a message to {O} about {topic}", "{S} briefed {O} on {topic}"],
    "complement": ["to discuss {topic}", "amid {situation}", "and stressed the need for {goal}",
        "and called for {goal}", "as {situation} continued", "and reviewed {topic}",
        "and agreed to keep channels of communication open", "and voiced concern over {situation}",
        "according to a readout from {agency}", "and pledged support for {goal}",
        "days after {situation} in {city}"],
    "topic": ["regional security", "bilateral trade", "the humanitarian situation in Gaza",
        "energy cooperation", "the reopening of border crossings",
        "a possible exchange of prisoners", "the nuclear file", "reconstruction efforts",
        "water sharing along the river", "the safety of shipping in the Gulf",
        "visa arrangements for pilgrims", "joint investment projects"],
    "situation": ["rising tension in the region", "the continuing fighting", "a fragile ceasefire",
        "renewed strikes near the border", "the worsening shortage of fuel and medicine",
        "protests in several cities", "stalled negotiations", "a wave of displacement"],
    "goal": ["an immediate ceasefire", "the delivery of aid without obstruction",
        "a political settlement", "restraint from all parties", "the release of detainees",
        "an end to the blockade", "new talks under international auspices",
        "the protection of civilians"],
    "figure": ["{agency} said at least {n} people were killed and {m} wounded in {place} {day}.",
        "The health ministry said the death toll had risen to {n}, with more than {m} injured.",
        "Officials in {place} reported {n} dead and about {m} displaced since {day}."],
    "qa": ["We will not accept", "Our country supports", "There can be no stability without",
        "The international community must ensure", "We are ready to work for",
        "Nobody benefits from"],
    "qb": ["{goal}", "{situation}", "{topic}"],
    "quote": ['"{qa} {qb}," {person} said.', '{person} told reporters: "{qa} {qb}."'],
    "headline": ["{person} and {person} discuss {topic}", "Talks in {city} focus on {topic}",
        "{country} calls for {goal}", "Phone call between {city} and {city}",
        "{person} visits {city}", "{country} and {country} agree to keep talking"],
    "caption": ["{person} in {city}", "File photo: {person}", "{person} at a news conference"],
    "dateline": ["{city} - agencies", "{city} (staff)", "From our correspondent in {city}"],
    "footer_short": ["Follow us on Telegram", "Share this story", "Subscribe for updates"],
    "footer_long": [
        "Copyright the publisher: no part of this report may be copied without permission.",
        "This service is funded by readers and depends on monthly contributions.",
        "Corrections and tips can be sent to the newsroom through our secure form.",
        "Our correspondents file from the region every day in three languages.",
        "Opinions quoted in this report belong to the people who voiced them.",
        "Photographs are supplied by the agencies named in each caption."],
    "filler": ["also", "reportedly", "further", "on the record", "officially"],
    "attribution": ["The agency reported that", "Media outlets said", "It was reported that"],
}

_AR: Bank = {
    "stop": ["."],
    "person": ["كريم الحداد", "سامي العبيدي", "ليلى منصور", "فؤاد الخطيب", "عادل السعدي",
        "نبيل الراشد", "هشام البكري", "رامي الشامي", "منى الزين", "طارق العمري", "وليد النقيب",
        "جمال الدباغ", "سلمى الحسيني", "ماجد القيسي", "أنور الصالح", "خالد الربيعي",
        "إيمان العطار", "يوسف الكردي", "حسام التميمي", "زياد الفارس"],
    "role": ["وزير خارجية", "رئيس وزراء", "رئيس", "وزير دفاع", "رئيس برلمان", "وزير داخلية",
        "نائب وزير خارجية", "رئيس أركان جيش", "وزير اقتصاد", "سفير"],
    "country": ["إيران", "العراق", "سوريا", "لبنان", "الأردن", "مصر", "قطر", "سلطنة عمان", "تركيا",
        "السعودية", "الإمارات", "الكويت", "البحرين", "النرويج", "روسيا", "الصين", "فرنسا",
        "ألمانيا", "باكستان", "الجزائر"],
    "city": ["طهران", "بغداد", "دمشق", "بيروت", "عمّان", "القاهرة", "الدوحة", "مسقط", "أنقرة",
        "الرياض", "أبوظبي", "الكويت", "المنامة", "أوسلو", "موسكو", "بكين", "باريس", "برلين",
        "إسلام آباد", "جنيف", "فيينا"],
    "agency": ["وكالة الأنباء الرسمية", "التلفزيون الرسمي", "وزارة الخارجية", "مصادر دبلوماسية",
        "وسائل إعلام محلية", "المكتب الإعلامي للرئاسة", "وكالة رويترز", "بيان حكومي",
        "مكتب رئيس الوزراء", "متحدث حكومي"],
    "day": ["يوم الاثنين", "يوم الثلاثاء", "يوم الأربعاء", "يوم الخميس", "يوم الجمعة", "يوم السبت",
        "يوم الأحد", "مساء أمس", "صباح اليوم", "في وقت سابق من هذا الأسبوع"],
    "actor": ["{role} {country} {person}", "{person}، {role} {country}،", "{role} {country}"],
    "opener": ["", "", "", "وفي سياق متصل،", "من جهة أخرى،", "وبحسب {agency}،",
        "وفي تصريحات أدلى بها {day}،", "وخلال زيارته إلى {city}،", "بدوره،", "في غضون ذلك،",
        "وفي وقت لاحق،", "من جانبه،"],
    "action": ["أجرى {S} اتصالا هاتفيا مع {O}", "التقى {S} {O} في {city} {day}",
        "استقبل {S} {O} في مستهل زيارة رسمية", "بحث {S} مع {O} {topic}",
        "توجه {S} إلى {city} لإجراء محادثات مع {O}", "استضاف {S} {O} في جولة مشاورات جديدة",
        "تلقى {S} اتصالا من {O} {day}", "عقد {S} محادثات مع {O} على هامش قمة إقليمية في {city}",
        "بعث {S} برسالة إلى {O} بشأن {topic}", "أطلع {S} {O} على {topic}"],
    "complement": ["لبحث {topic}", "في ظل {situation}", "مؤكدا ضرورة {goal}", "ودعا إلى {goal}",
        "مع استمرار {situation}", "واستعرض الجانبان {topic}",
        "واتفقا على إبقاء قنوات التواصل مفتوحة", "وأعرب عن قلقه من {situation}",
        "وفق ما أوردته {agency}", "وتعهد بدعم {goal}", "بعد أيام من {situation} في {city}"],
    "topic": ["الأوضاع الأمنية في المنطقة", "التبادل التجاري بين البلدين", "الوضع الإنساني في غزة",
        "التعاون في مجال الطاقة", "إعادة فتح المعابر الحدودية", "صفقة محتملة لتبادل الأسرى",
        "الملف النووي", "جهود إعادة الإعمار", "تقاسم مياه النهر", "أمن الملاحة في الخليج",
        "تسهيلات التأشيرات للزوار", "مشاريع الاستثمار المشتركة"],
    "situation": ["تصاعد التوتر في المنطقة", "القتال المتواصل", "وقف إطلاق نار هش",
        "الغارات المتجددة قرب الحدود", "النقص المتفاقم في الوقود والأدوية",
        "الاحتجاجات في عدة مدن", "تعثر المفاوضات", "موجة نزوح واسعة"],
    "goal": ["وقف فوري لإطلاق النار", "إيصال المساعدات دون عوائق", "تسوية سياسية شاملة",
        "ضبط النفس من جميع الأطراف", "الإفراج عن المعتقلين", "رفع الحصار",
        "استئناف المحادثات برعاية دولية", "حماية المدنيين"],
    "figure": ["وقالت {agency} إن {n} شخصا على الأقل قتلوا وأصيب {m} آخرون في {place} {day}.",
        "وأعلنت وزارة الصحة ارتفاع حصيلة القتلى إلى {n} شخصا، فيما تجاوز عدد الجرحى {m}.",
        "وأفاد مسؤولون في {place} بسقوط {n} قتيلا ونزوح نحو {m} شخص منذ {day}."],
    "qa": ["لن نقبل باستمرار", "بلادنا تدعم", "لا استقرار من دون", "على المجتمع الدولي أن يضمن",
        "نحن مستعدون للعمل من أجل", "لا أحد يستفيد من"],
    "qb": ["{goal}", "{situation}", "{topic}"],
    "quote": ['وقال {person}: "{qa} {qb}".', 'وأضاف {person} للصحفيين أن "{qa} {qb}".'],
    "headline": ["{person} و{person} يبحثان {topic}", "محادثات في {city} حول {topic}",
        "{country} تدعو إلى {goal}", "اتصال بين {city} و{city}", "{person} يزور {city}",
        "{country} و{country} تتفقان على مواصلة الحوار"],
    "caption": ["{person} في {city}", "صورة أرشيفية: {person}", "{person} خلال مؤتمر صحفي"],
    "dateline": ["{city} - وكالات", "{city} - خاص", "من مراسلنا في {city}"],
    "footer_short": ["تابعونا على تيليجرام", "شارك هذا الخبر", "اشترك في النشرة"],
    "footer_long": ["جميع الحقوق محفوظة ولا يسمح بإعادة نشر هذا المحتوى دون إذن مسبق.",
        "يعتمد هذا الموقع على دعم قرائه عبر اشتراكات شهرية منتظمة.",
        "يمكن إرسال التصويبات والمعلومات إلى غرفة الأخبار عبر نموذج آمن.",
        "يكتب مراسلونا من المنطقة يوميا بثلاث لغات مختلفة.",
        "الآراء الواردة في هذا التقرير تعبر عن أصحابها فقط.",
        "الصور مقدمة من الوكالات المذكورة في تعليق كل صورة."],
    "filler": ["أيضا", "كذلك", "رسميا", "بدورها", "مجددا"],
    "attribution": ["وذكرت الوكالة أن", "وقالت وسائل إعلام إن", "وأفادت تقارير بأن"],
}

_FA: Bank = {
    "stop": ["."],
    "person": ["کاوه رستمی", "مریم صادقی", "بهرام نیک‌نام", "فرهاد کیانی", "سارا محمدی",
        "رضا توکلی", "امید شریفی", "نادر جهانگیری", "لیلا فرهمند", "مهدی کرمانی", "حمید یزدانی",
        "شیرین افشار", "پرویز ملکی", "کامران سلطانی", "نسرین اکبری", "داوود حیدری", "علی‌رضا نوری",
        "زهرا قاسمی", "مجید رحیمی", "سهراب امینی"],
    "role": ["وزیر امور خارجه", "نخست‌وزیر", "رئیس‌جمهور", "وزیر دفاع", "رئیس مجلس", "وزیر کشور",
        "معاون وزیر خارجه", "رئیس ستاد ارتش", "وزیر اقتصاد", "سفیر"],
    "country": ["ایران", "عراق", "سوریه", "لبنان", "اردن", "مصر", "قطر", "عمان", "ترکیه",
        "عربستان سعودی", "امارات", "کویت", "بحرین", "نروژ", "روسیه", "چین", "فرانسه", "آلمان",
        "پاکستان", "الجزایر"],
    "city": ["تهران", "بغداد", "دمشق", "بیروت", "امان", "قاهره", "دوحه", "مسقط", "آنکارا", "ریاض",
        "ابوظبی", "منامه", "اسلو", "مسکو", "پکن", "پاریس", "برلین", "اسلام‌آباد", "ژنو", "وین"],
    "agency": ["خبرگزاری رسمی", "تلویزیون دولتی", "وزارت امور خارجه", "منابع دیپلماتیک",
        "رسانه‌های محلی", "دفتر ریاست‌جمهوری", "خبرگزاری رویترز", "یک بیانیه دولتی",
        "دفتر نخست‌وزیر", "سخنگوی دولت"],
    "day": ["روز دوشنبه", "روز سه‌شنبه", "روز چهارشنبه", "روز پنجشنبه", "روز جمعه", "روز شنبه",
        "روز یکشنبه", "شامگاه دیروز", "بامداد امروز", "اوایل این هفته"],
    "actor": ["{role} {country} {person}", "{person}، {role} {country}،", "{role} {country}"],
    "opener": ["", "", "", "به گزارش {agency}،", "همچنین", "در همین حال،", "از سوی دیگر،",
        "بر اساس اعلام {agency}،", "در ادامه،", "در حالی که {situation} ادامه دارد،"],
    "action": ["{S} {day} در گفتگویی تلفنی با {O} درباره {topic} رایزنی کرد",
        "{S} در سفر به {city} با {O} دیدار کرد", "{S} از {O} در آغاز یک سفر رسمی استقبال کرد",
        "{S} با {O} درباره {topic} گفتگو کرد", "{S} برای مذاکره با {O} راهی {city} شد",
        "{S} میزبان {O} در دور تازه‌ای از رایزنی‌ها بود", "{S} {day} به تماس تلفنی {O} پاسخ داد",
        "{S} در حاشیه نشست منطقه‌ای در {city} با {O} گفتگو کرد",
        "{S} پیامی درباره {topic} برای {O} فرستاد", "{S} {O} را در جریان {topic} قرار داد"],
    "complement": ["و خواستار {goal} شد", "و نسبت به {situation} ابراز نگرانی کرد",
        "و بر ضرورت {goal} تاکید کرد", "و دو طرف درباره {topic} تبادل نظر کردند",
        "و توافق شد کانال‌های ارتباطی باز بماند", "و از {goal} حمایت کرد",
        "و گفت {situation} به سود هیچ طرفی نیست", "و به گزارش {agency} بر {goal} پای فشرد"],
    "topic": ["تحولات امنیتی منطقه", "مبادلات تجاری دو کشور", "وضعیت انسانی غزه",
        "همکاری در حوزه انرژی", "بازگشایی گذرگاه‌های مرزی", "تبادل احتمالی زندانیان",
        "پرونده هسته‌ای", "تلاش‌های بازسازی", "تقسیم آب رودخانه", "امنیت کشتیرانی در خلیج فارس",
        "تسهیل روادید زائران", "پروژه‌های سرمایه‌گذاری مشترک"],
    "situation": ["افزایش تنش در منطقه", "ادامه درگیری‌ها", "آتش‌بس شکننده",
        "حملات تازه در نزدیکی مرز", "کمبود شدید سوخت و دارو", "اعتراضات در چند شهر",
        "توقف مذاکرات", "موج گسترده آوارگی"],
    "goal": ["آتش‌بس فوری", "رساندن کمک‌ها بدون مانع", "یک راه‌حل سیاسی جامع",
        "خویشتنداری همه طرف‌ها", "آزادی بازداشت‌شدگان", "رفع محاصره",
        "از سرگیری گفتگوها با میانجیگری بین‌المللی", "حفاظت از غیرنظامیان"],
    "figure": ["{agency} اعلام کرد دست‌کم {n} نفر در {place} کشته و {m} نفر زخمی شده‌اند.",
        "وزارت بهداشت از افزایش شمار کشته‌شدگان به {n} نفر خبر داد و گفت {m} نفر مجروح شده‌اند.",
        "مقام‌های محلی در {place} از مرگ {n} نفر و آوارگی حدود {m} نفر از {day} خبر دادند."],
    "qa": ["ما هرگز نمی‌پذیریم", "کشور ما پشتیبان", "ثبات ممکن نیست بدون",
        "جامعه جهانی باید تضمین کند", "ما آماده‌ایم برای", "هیچ کس سودی نمی‌برد از"],
    "qb": ["{goal}", "{situation}", "{topic}"],
    "quote": ["{person} گفت: «{qa} {qb}».", "{person} به خبرنگاران گفت «{qa} {qb}»."],
    "headline": ["گفتگوی {person} و {person} درباره {topic}", "رایزنی در {city} درباره {topic}",
        "{country} خواستار {goal} شد", "تماس تلفنی {city} و {city}", "سفر {person} به {city}",
        "{country} و {country} به گفتگو ادامه می‌دهند"],
    "caption": ["{person} در {city}", "عکس آرشیوی: {person}", "{person} در نشست خبری"],
    "dateline": ["{city} - خبرگزاری‌ها", "{city} - اختصاصی", "از خبرنگار ما در {city}"],
    "footer_short": ["ما را در تلگرام دنبال کنید", "این خبر را به اشتراک بگذارید"],
    "footer_long": ["کلیه حقوق این رسانه محفوظ است و بازنشر مطالب بدون اجازه ممنوع است.",
        "این پایگاه با حمایت ماهانه خوانندگان اداره می‌شود.",
        "اصلاحات و اطلاعات را می‌توانید از راه فرم امن به تحریریه بفرستید.",
        "خبرنگاران ما هر روز به سه زبان از منطقه گزارش می‌دهند.",
        "دیدگاه‌های نقل شده در این گزارش از آن گویندگان آن است.",
        "عکس‌ها را خبرگزاری‌های نام برده در زیرنویس هر عکس فراهم کرده‌اند."],
    "filler": ["نیز", "همچنین", "رسما", "بار دیگر", "به تازگی"],
    "attribution": ["این خبرگزاری گزارش داد", "رسانه‌ها نوشتند", "گزارش‌ها حاکی است"],
}

# fmt: on

BANKS: dict[str, Bank] = {"en": _EN, "ar": _AR, "fa": _FA}


@dataclass(frozen=True, slots=True)
class Generated:
    """One generated article and its ground truth.

    ``family``: reprints share their original's family (same family = near-duplicate).
    ``origins``: per non-empty line, the ids of the original paragraphs it repeats
    (empty for datelines, captions and footers, which are not news content).
    """

    doc: str
    lang: str
    source: str
    text: str
    fetched_at: datetime
    family: int
    kind: Kind
    exact: bool
    origins: tuple[frozenset[int], ...]


@dataclass(slots=True)
class _Line:
    text: str
    origins: frozenset[int]


class _Writer:
    """Writes sentences, paragraphs and articles from one language's phrase bank."""

    def __init__(self, bank: Bank, rng: random.Random) -> None:
        self.bank = bank
        self.rng = rng

    def pick(self, name: str) -> str:
        return self.fill(self.rng.choice(self.bank[name]))

    def fill(self, template: str) -> str:
        out = template
        for _ in range(4):  # nested slots resolve in a few passes
            if "{" not in out:
                break
            for slot in ("S", "O", "city", "agency", "day", "topic", "situation", "goal", "person",
                         "place", "n", "m", "country", "role", "qa", "qb"):  # fmt: skip
                token = "{" + slot + "}"
                while token in out:
                    out = out.replace(token, self._slot(slot), 1)
        return out

    def _slot(self, slot: str) -> str:
        rng = self.rng
        if slot in ("S", "O"):
            return self.fill(rng.choice(self.bank["actor"]))
        if slot == "n":
            return str(rng.randint(3, 2400))
        if slot == "m":
            return str(rng.randint(10, 9000))
        if slot == "place":
            return rng.choice(self.bank["city"])
        return self.fill(rng.choice(self.bank[slot]))

    def sentence(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.12:
            return self.pick("figure")
        if roll < 0.22:
            return self.pick("quote")
        return self.action()

    def action(self) -> str:
        rng = self.rng
        opener = self.pick("opener")
        body = self.pick("action")
        clauses = [self.pick("complement") for _ in range(rng.choice((1, 1, 2)))]
        text = " ".join(part for part in (opener, body, *clauses) if part)
        return text + self.bank["stop"][0]

    def paragraph(self) -> str:
        # A figure or a quote never stands alone: one-line formulas would be "copies" of
        # every other article using the same formula.
        count = self.rng.choice((1, 2, 2, 3))
        sentences = [self.sentence() for _ in range(count)]
        if count == 1:
            sentences = [self.action()]
        return " ".join(sentences)

    def headline(self) -> str:
        return self.pick("headline")


def _respell(text: str, lang: str, rng: random.Random, strength: float) -> str:
    """Letter variants an outlet's keyboard or style introduces; ``strength`` in [0, 1]."""
    if lang == "en":
        if rng.random() < strength:
            text = text.replace('"', "\u201c", 1).replace('"', "\u201d", 1)
        return text.replace(" - ", " \u2014 ") if rng.random() < strength else text
    out: list[str] = []
    previous = " "
    swap = {
        "ar": {"ي": "ى", "ة": "ه", "ك": "ک", "ا": "أ"},
        "fa": {"ی": "ي", "ک": "ك", "\u200c": " "},
    }[lang]
    digits = "٠١٢٣٤٥٦٧٨٩" if lang == "ar" else "۰۱۲۳۴۵۶۷۸۹"
    to_digits = rng.random() < strength
    for i, ch in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if ch.isdigit() and to_digits:
            out.append(digits[int(ch)])
        elif ch in swap and rng.random() < strength * 0.5:
            # alef takes hamza at a word start only; final ya becomes alef maqsura at the end
            if (ch == "ا" and previous != " ") or (ch == "ي" and nxt != " "):
                out.append(ch)
            else:
                out.append(swap[ch])
        else:
            out.append(ch)
            if lang == "ar" and "\u0628" <= ch <= "\u064a" and rng.random() < strength * 0.04:
                out.append(rng.choice("\u064e\u064f\u0650\u0651\u064b"))
            elif lang == "ar" and ch == "ـ":
                pass
            elif lang == "ar" and "\u0628" <= ch <= "\u064a" and rng.random() < strength * 0.004:
                out.append("ـ")
        previous = ch
    return "".join(out)


def _edit_words(text: str, bank: Bank, rng: random.Random, edits: int) -> str:
    """Insert fillers and delete words: the small edits a sub-editor makes."""
    words = text.split()
    for _ in range(edits):
        if len(words) < 8:
            break
        at = rng.randrange(1, len(words) - 1)
        if rng.random() < 0.5:
            del words[at]
        else:
            words.insert(at, rng.choice(bank["filler"]))
    return " ".join(words)


def _new_lead(text: str, writer: _Writer) -> str:
    """Replace the first few words with another attribution (how a copy is re-introduced)."""
    words = text.split()
    cut = writer.rng.randint(2, 4)
    return " ".join([*writer.pick("attribution").split(), *words[cut:]])


def _trim_end(text: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) < 20:
        return text
    return " ".join(words[: len(words) - rng.randint(2, 5)])


class _Outlet:
    """A source with its own dateline and footer habits."""

    def __init__(self, name: str, bank: Bank, rng: random.Random, long_footer: bool) -> None:
        self.name = name
        self.dateline = rng.random() < 0.6
        # Outlets write their own footers: two of the bank's sentences, in their order.
        kind = "footer_long" if long_footer else "footer_short"
        self.footer = " ".join(rng.sample(bank[kind], 2 if long_footer else 1))
        self.respell = rng.uniform(0.2, 1.0)


def generate_corpus(
    n: int = 3000,
    *,
    seed: int = 7,
    langs: Sequence[tuple[str, float]] = (("ar", 0.4), ("fa", 0.3), ("en", 0.3)),
    reprint_share: float = 0.3,
    copy_share: float = 0.15,
    exact_share: float = 0.03,
) -> list[Generated]:
    """``n`` articles in fetch order (1-4 minutes apart), with their ground truth."""
    rng = random.Random(seed)
    outlets = {
        lang: [
            _Outlet(f"{lang}-outlet-{i:02d}", BANKS[lang], rng, long_footer=i % 4 == 0)
            for i in range(10)
        ]
        for lang, _ in langs
    }
    writers = {lang: _Writer(BANKS[lang], rng) for lang, _ in langs}
    out: list[Generated] = []
    next_origin = 0
    when = START
    for number in range(n):
        when += timedelta(seconds=rng.randint(60, 240))
        lang = rng.choices([lang for lang, _ in langs], [w for _, w in langs])[0]
        writer, bank = writers[lang], BANKS[lang]
        outlet = rng.choice(outlets[lang])
        doc = f"https://news.example/{lang}/{outlet.name}/{when:%Y/%m/%d}/{number:06d}"
        earlier = [g for g in out[-400:] if g.lang == lang]
        roll = rng.random()
        if earlier and roll < exact_share:
            src = rng.choice(earlier)
            out.append(
                Generated(
                    doc, lang, outlet.name, src.text, when, src.family, "reprint", True, src.origins
                )
            )
            continue
        kind: Kind = "original"
        if earlier and roll < exact_share + reprint_share:
            kind = "reprint"
        elif earlier and roll < exact_share + reprint_share + copy_share:
            kind = "copy"
        if kind == "reprint":
            src = rng.choice([g for g in earlier if g.kind != "copy"] or earlier)
            lines = _reprint(src, writer, bank, rng, outlet, next_origin)
            next_origin += 1
            family = src.family
        else:
            lines = []
            if rng.random() < 0.8:
                lines.append(_Line(writer.headline(), frozenset({next_origin})))
                next_origin += 1
            for _ in range(rng.randint(3, 9)):
                lines.append(_Line(writer.paragraph(), frozenset({next_origin})))
                next_origin += 1
                if rng.random() < 0.1:
                    lines.append(_Line(writer.pick("caption"), NO_ORIGIN))
            if kind == "copy":
                src = rng.choice(earlier)
                _embed_copies(lines, src, writer, rng, outlet)
            lines = _dress(lines, writer, bank, outlet)
            family = number
        out.append(
            Generated(
                doc=doc,
                lang=lang,
                source=outlet.name,
                text="\n".join(line.text for line in lines),
                fetched_at=when,
                family=family,
                kind=kind,
                exact=False,
                origins=tuple(line.origins for line in lines),
            )
        )
    return out


def _content(src: Generated) -> list[_Line]:
    lines = src.text.split("\n")
    return [_Line(t, o) for t, o in zip(lines, src.origins, strict=True) if o]


def _reprint(
    src: Generated, writer: _Writer, bank: Bank, rng: random.Random, outlet: _Outlet, fresh: int
) -> list[_Line]:
    """A lightly edited reprint of ``src`` as another outlet publishes it."""
    body = [line for line in _content(src) if len(line.text.split()) > 12]
    head = [line for line in _content(src) if len(line.text.split()) <= 12]
    if len(body) > 3 and rng.random() < 0.5:
        del body[-rng.randint(1, min(2, len(body) - 3)) :]
    if len(body) > 2 and rng.random() < 0.35:
        i = rng.randrange(1, len(body) - 1)
        body[i], body[i + 1] = body[i + 1], body[i]
    if len(body) > 3 and rng.random() < 0.15:
        i = rng.randrange(1, len(body) - 1)
        merged = _Line(body[i].text + " " + body[i + 1].text, body[i].origins | body[i + 1].origins)
        body[i : i + 2] = [merged]
    edited = [
        _Line(_edit_words(line.text, bank, rng, rng.choice((0, 0, 1, 2))), line.origins)
        for line in body
    ]
    lines = [*head[:1]] if rng.random() < 0.7 else [_Line(writer.headline(), frozenset({fresh}))]
    if rng.random() < 0.3:
        lines.append(_Line(writer.paragraph(), frozenset({fresh})))
    lines += edited
    return _dress(lines, writer, bank, outlet)


def _embed_copies(
    lines: list[_Line], src: Generated, writer: _Writer, rng: random.Random, outlet: _Outlet
) -> None:
    """Insert one to three lightly edited paragraphs of ``src`` into a new article."""
    body = [line for line in _content(src) if len(line.text.split()) > 12]
    if not body:
        return
    for line in rng.sample(body, min(len(body), rng.choice((1, 1, 2, 3)))):
        text = line.text
        if rng.random() < 0.5:
            text = _new_lead(text, writer)
        if rng.random() < 0.3:
            text = _trim_end(text, rng)
        if rng.random() < 0.5:  # a verb or a name changed in passing, as in real re-writes
            text = _edit_words(text, writer.bank, rng, rng.choice((1, 2)))
        lines.insert(rng.randint(1, len(lines)), _Line(text, line.origins))


def _dress(lines: list[_Line], writer: _Writer, bank: Bank, outlet: _Outlet) -> list[_Line]:
    """The outlet's spelling, dateline and footer around the article's lines."""
    rng = writer.rng
    lang = "en" if bank is BANKS["en"] else ("fa" if bank is BANKS["fa"] else "ar")
    dressed = [
        _Line(_respell(line.text, lang, rng, outlet.respell), line.origins) for line in lines
    ]
    if outlet.dateline:
        dressed.insert(min(1, len(dressed)), _Line(writer.pick("dateline"), NO_ORIGIN))
    dressed.append(_Line(outlet.footer, NO_ORIGIN))
    return dressed
