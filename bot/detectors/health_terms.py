"""Compact health vocabularies for the health detector, one set per kind.

Kept as data (not regexes) so the detector can load them all into one
Aho-Corasick automaton. Terms are lowercase with straight apostrophes; the
detector lowercases the text and straightens apostrophes before matching.
Acronyms that are also ordinary words or titles ("MS" / "Ms.", "ADD", "AIDS",
"ER", "AA") match only in the exact case listed in `CASE_SENSITIVE`.
"""

from __future__ import annotations


def _terms(block: str) -> frozenset[str]:
    """Comma-separated terms (newlines are just layout)."""
    return frozenset(t.strip() for t in block.replace("\n", " ").split(",") if t.strip())


CONDITIONS = _terms(
    """
    cancer, colon cancer, breast cancer, lung cancer, prostate cancer, pancreatic cancer,
    skin cancer, brain cancer, bone cancer, liver cancer, ovarian cancer, cervical cancer,
    throat cancer, stomach cancer, bladder cancer, kidney cancer, thyroid cancer, blood cancer,
    leukemia, lymphoma, melanoma, myeloma, sarcoma, carcinoma, tumor, tumour, brain tumor,
    diabetes, diabetic, type 1 diabetes, type 2 diabetes, prediabetes,
    hiv, hiv positive, hiv+, aids, hepatitis, hep c, hepatitis c, hep b,
    ms, multiple sclerosis, als, lou gehrig's, parkinson's, parkinsons, alzheimer's, alzheimers,
    early onset alzheimer's, dementia, epilepsy, epileptic, seizures, seizure disorder,
    huntington's, bipolar, bipolar disorder, manic depression, schizophrenia, schizophrenic,
    schizoaffective, clinical depression, major depression, severe depression,
    postpartum depression, depression, anxiety disorder, panic disorder, panic attacks, ptsd,
    ocd, adhd, add, autism, autistic, anorexia, anorexic, bulimia, bulimic, eating disorder,
    borderline personality disorder, bpd, addiction, drug addiction, opioid addiction,
    alcoholism, alcoholic, drinking problem, drug problem, substance abuse,
    substance use disorder, heroin addiction, meth addiction, addict, drug addict, junkie,
    heart disease, heart condition, heart failure, heart attack, stroke, copd, emphysema,
    asthma, lupus, crohn's, crohns, colitis, celiac, kidney failure, kidney disease,
    liver disease, cirrhosis, std, stds, herpes, chlamydia, gonorrhea, syphilis, hpv,
    long covid, covid, pneumonia, tuberculosis, flu, mental illness, mentally ill,
    mental breakdown, nervous breakdown, psychotic break, psychosis, psychotic,
    cerebral palsy, down syndrome, sickle cell, cystic fibrosis, muscular dystrophy,
    hypertension, high blood pressure, sleep apnea, fibromyalgia, chronic pain, pregnant,
    miscarriage, infertility, infertile, erectile dysfunction, concussion, brain injury, tbi,
    suicidal, suicide attempt, attempted suicide, self harm, self-harm, terminally ill,
    terminal cancer, cancer survivor, overdose, anger issues, mental health issues,
    drinking issues, drug issues, heart issues, substance issues
    """
)

# Verbs that are themselves the health fact: "he overdosed", "she relapsed".
EVENTS = _terms(
    """
    overdosed, od'd, relapsed, miscarried, hospitalized, institutionalized,
    tried to kill himself, tried to kill herself, attempted suicide
    """
)

MEDICATIONS = _terms(
    """
    lithium, insulin, xanax, alprazolam, valium, diazepam, klonopin, clonazepam, ativan,
    adderall, ritalin, vyvanse, concerta, prozac, zoloft, lexapro, paxil, celexa, wellbutrin,
    cymbalta, effexor, seroquel, abilify, risperdal, zyprexa, clozapine, haldol, lamictal,
    depakote, oxycodone, oxycontin, oxy, oxys, percocet, percs, vicodin, hydrocodone, norco,
    fentanyl, morphine, dilaudid, tramadol, methadone, suboxone, buprenorphine, naltrexone,
    vivitrol, antidepressants, antidepressant, antipsychotics, antipsychotic, anti-anxiety meds,
    psych meds, meds, medication, medications, opioids, opiates, painkillers, pain pills,
    pain meds, benzos, metformin, ozempic, wegovy, mounjaro, truvada, prep, antiretrovirals,
    heroin, meth, crystal meth, cocaine, crack, ketamine, chemo drugs, blood thinners,
    warfarin, eliquis, xarelto, viagra, cialis, steroids, testosterone, hrt, birth control,
    ambien, gabapentin, adderal
    """
)

TREATMENTS = _terms(
    """
    chemo, chemotherapy, radiation, radiation therapy, dialysis, rehab, drug rehab, detox,
    therapy, counseling, AA, twelve step, 12 step, surgery, brain surgery, heart surgery,
    bypass surgery, open heart surgery, back surgery, gastric bypass, transplant,
    kidney transplant, liver transplant, heart transplant, hospice, treatment,
    outpatient treatment, inpatient treatment, addiction treatment, cancer treatment,
    mental health treatment, psychiatric care, inpatient, electroshock, ect,
    physical therapy, sober living, intensive care, life support, ventilator,
    psych hold, 72 hour hold, 72-hour hold, mental health hold, suicide watch,
    methadone treatment, ivf, fertility treatment, abortion, shrink, therapist,
    psychiatrist, psychologist, oncologist, anger management, 28 day program,
    28-day program, 30 day program, 30-day program, treatment program, recovery program,
    12 step program, outpatient program, intensive outpatient
    """
)

FACILITIES = _terms(
    """
    hospital, psych ward, psychiatric ward, psych hospital, psychiatric hospital,
    mental hospital, mental institution, mental health facility, behavioral health unit,
    behavioral health hospital, ER, emergency room, ICU, rehab center, rehab facility,
    treatment center, treatment facility, detox center, detox facility, nursing home,
    methadone clinic, cancer center, dialysis center, sanitarium, psych unit, loony bin,
    valley hope, research medical, research medical center, truman medical,
    truman medical center, saint luke's, st. luke's, st luke's, children's mercy,
    cottonwood springs, crittenton, rainbow center, rainbow mental health facility,
    menorah medical, betty ford, hazelden, memory care
    """
)

# Places people also visit, work at or report from: being "at" one is not a stay.
GENERAL_FACILITIES = _terms(
    """
    hospital, ER, emergency room, ICU, nursing home, cancer center, dialysis center,
    research medical, research medical center, truman medical, truman medical center,
    saint luke's, st. luke's, st luke's, children's mercy, menorah medical, memory care
    """
)
GENERAL_FACILITIES = frozenset(t.lower() for t in GENERAL_FACILITIES)

# Terms that are ordinary words or titles in lowercase ("ms", "add", "aids",
# "er", "prep"): lowercase term -> the exact spellings that count.
STRICT_FORMS: dict[str, frozenset[str]] = {
    "ms": frozenset({"MS"}),
    "als": frozenset({"ALS"}),
    "add": frozenset({"ADD"}),
    "aids": frozenset({"AIDS"}),
    "er": frozenset({"ER"}),
    "aa": frozenset({"AA"}),
    "ect": frozenset({"ECT"}),
    "hrt": frozenset({"HRT"}),
    "prep": frozenset({"PrEP", "PREP"}),
    "bpd": frozenset({"BPD"}),
    "std": frozenset({"STD"}),
    "stds": frozenset({"STDs", "STDS"}),
}

KINDS: dict[str, str] = {}
for _kind, _set in (
    ("facility", FACILITIES),
    ("treatment", TREATMENTS),
    ("medication", MEDICATIONS),
    ("event", EVENTS),
    ("condition", CONDITIONS),
):
    for _term in _set:
        KINDS[_term.lower()] = _kind

__all__ = [
    "CONDITIONS",
    "EVENTS",
    "FACILITIES",
    "GENERAL_FACILITIES",
    "KINDS",
    "MEDICATIONS",
    "STRICT_FORMS",
    "TREATMENTS",
]
