"""The advocacy widget's words in English and Armenian (the petition widget's field labels
and error messages are reused from ``widget``)."""

from campaign.site import widget

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "frame_title": "Write or call: {title}",
        "zip_heading": "Find who represents you",
        "zip": "U.S. ZIP code",
        "lookup": "Find",
        "looking": "Looking up…",
        "targets_letter": "You will write to",
        "targets_call": "You will call",
        "ambiguous": "Your ZIP code spans more than one area, so everyone who may represent "
        "you is listed. Untick anyone who does not.",
        "no_targets": "There is no one to contact for this address.",
        "error_zip": "Please enter a five-digit U.S. ZIP code.",
        "call": "Call {phone}",
        "contact_form": "Contact form",
        "form_letter": "Your letter",
        "form_call": "Your call",
        "message": "Your own words (optional)",
        "outcome": "How did the call go?",
        "talked": "I talked to someone",
        "voicemail": "I left a voicemail",
        "no-answer": "No one answered",
        "submit_letter": "Write to them",
        "submit_call": "Record my call",
        "thanks_heading": "Thank you!",
        "thanks_letter": "Your letter is below. Congressional offices take letters only "
        "through their own contact forms: open each form and paste it there.",
        "thanks_call": "Your call is recorded. Here is the script for each office.",
        "letter_for": "Letter to {name}",
        "closed": "This campaign is closed.",
        "unavailable": "This campaign is not available.",
        "choose_one": "Please choose at least one person to contact.",
    },
    "hy": {
        "frame_title": "Գրեք կամ զանգեք՝ {title}",
        "zip_heading": "Գտեք ձեր ներկայացուցիչներին",
        "zip": "ԱՄՆ փոստային ինդեքս (ZIP)",
        "lookup": "Գտնել",
        "looking": "Որոնվում է…",
        "targets_letter": "Դուք կգրեք",
        "targets_call": "Դուք կզանգեք",
        "ambiguous": "Ձեր ինդեքսը ներառում է մեկից ավելի տարածք, ուստի նշված են բոլոր "
        "հնարավոր ներկայացուցիչները։ Հանեք նշումը նրանցից, ովքեր ձերը չեն։",
        "no_targets": "Այս հասցեի համար կապվելու մարդ չկա։",
        "error_zip": "Խնդրում ենք մուտքագրել ԱՄՆ հնգանիշ փոստային ինդեքս։",
        "call": "Զանգել {phone}",
        "contact_form": "Կապի ձև",
        "form_letter": "Ձեր նամակը",
        "form_call": "Ձեր զանգը",
        "message": "Ձեր խոսքը (ըստ ցանկության)",
        "outcome": "Ինչպե՞ս անցավ զանգը",
        "talked": "Խոսեցի",
        "voicemail": "Թողեցի ձայնային հաղորդագրություն",
        "no-answer": "Չպատասխանեցին",
        "submit_letter": "Գրել նրանց",
        "submit_call": "Նշել զանգը",
        "thanks_heading": "Շնորհակալություն։",
        "thanks_letter": "Ձեր նամակը ստորև է։ Կոնգրեսի գրասենյակները նամակներ ընդունում են "
        "միայն իրենց կապի ձևերով․ բացեք յուրաքանչյուր ձևը և տեղադրեք այն այնտեղ։",
        "thanks_call": "Ձեր զանգը նշված է։ Ահա յուրաքանչյուր գրասենյակի համար տեքստը։",
        "letter_for": "Նամակ՝ {name}",
        "closed": "Այս արշավը փակված է։",
        "unavailable": "Այս արշավը հասանելի չէ։",
        "choose_one": "Խնդրում ենք ընտրել առնվազն մեկ հասցեատեր։",
    },
}
# What the page script needs of this module's words (with the petition widget's form words).
SCRIPT_STRINGS = (
    "looking",
    "lookup",
    "ambiguous",
    "no_targets",
    "error_zip",
    "call",
    "contact_form",
    "letter_for",
    "choose_one",
    "submit_letter",
    "submit_call",
)


def strings(language: str) -> dict[str, str]:
    """The petition widget's words overlaid with the advocacy widget's, in ``language``."""
    own = STRINGS.get(language, STRINGS[widget.DEFAULT_LANGUAGE])
    return {**widget.strings(language), **own}


def script_strings(language: str) -> dict[str, str]:
    t = strings(language)
    return {key: t[key] for key in (*SCRIPT_STRINGS, *widget.FORM_SCRIPT_STRINGS)} | {
        "error_closed": t["closed"]
    }
