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
    return frozenset(" ".join(t.split()) for t in block.split(",") if t.strip())


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
    drinking issues, drug issues, heart issues, substance issues,
    arthritis, rheumatoid arthritis, osteoarthritis, psoriatic arthritis, gout, osteoporosis,
    glaucoma, cataracts, macular degeneration, going blind, gone blind, went blind,
    legally blind, hearing loss, going deaf, tinnitus, migraines, chronic migraines, vertigo,
    anemia, hemophilia, thyroid disease, thyroid cancer, hypothyroidism, hyperthyroidism,
    graves' disease, hashimoto's, addison's disease, cushing's, irritable bowel syndrome, ibs,
    ulcerative colitis, diverticulitis, pancreatitis, fatty liver, ulcer, ulcers, bleeding ulcer,
    gallstones, kidney stones, sepsis, mrsa, mono, mononucleosis, lyme disease,
    meningitis, bronchitis, hepatitis a, non-hodgkin's lymphoma, hodgkin's lymphoma,
    mesothelioma, glioblastoma, glioma, colorectal cancer, uterine cancer, esophageal cancer,
    oral cancer, testicular cancer, metastatic cancer, multiple myeloma, neuropathy,
    aneurysm, brain aneurysm, blood clot, blood clots, dvt, pulmonary embolism, afib,
    atrial fibrillation, arrhythmia, heart murmur, congestive heart failure, cardiomyopathy,
    angina, coronary artery disease, high cholesterol, obesity, morbidly obese, insomnia,
    narcolepsy, generalized anxiety disorder, social anxiety, agoraphobia, personality disorder,
    narcissistic personality disorder, antisocial personality disorder, dissociative identity
    disorder, paranoid schizophrenia, psychotic episode, manic episode, breakdown, delusions,
    hallucinations, postpartum psychosis, tourette's, tourettes, asperger's, aspergers,
    autism spectrum disorder, on the spectrum, dyslexia, learning disability,
    intellectual disability, developmental delay, spina bifida, paraplegic,
    quadriplegic, amputee, gambling addiction, gambling problem, sex addiction,
    porn addiction, pill addiction, painkiller addiction, alcohol addiction,
    alcohol use disorder, alcohol problem, pill problem, drug habit, pill habit, coke habit,
    crack habit, heroin habit, cocaine addiction, high risk pregnancy, high-risk pregnancy,
    ectopic pregnancy, stillbirth, preeclampsia, gestational diabetes, infection,
    staph infection, kidney infection, yeast infection, injury, brain damage,
    spinal cord injury, head injury, back injury, disease, syndrome, disorder, tumors
    """
)

# Verbs that are themselves the health fact: "he overdosed", "she relapsed".
EVENTS = _terms(
    """
    overdosed, od'd, relapsed, miscarried, hospitalized, institutionalized,
    tried to kill himself, tried to kill herself, attempted suicide, od'ed, oded,
    overdosing, got sober, stroked out, passed out drunk
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
    ambien, gabapentin, adderal, sertraline, citalopram, escitalopram, bupropion, trazodone,
    mirtazapine, quetiapine, olanzapine, aripiprazole, risperidone, lurasidone, latuda,
    rexulti, vraylar, lamotrigine, topiramate, topamax, keppra, dilantin, phenobarbital,
    tegretol, carbamazepine, buspirone, buspar, hydroxyzine, propranolol, clonidine,
    guanfacine, strattera, focalin, dexedrine, modafinil, provigil, naloxone, narcan,
    sublocade, antabuse, disulfiram, campral, acamprosate, chantix, prednisone, steroid shots,
    methotrexate, humira, enbrel, remicade, stelara, dupixent, keytruda, tamoxifen, herceptin,
    letrozole, anastrozole, synthroid, levothyroxine, jardiance, farxiga, trulicity, victoza,
    saxenda, zepbound, semaglutide, tirzepatide, plavix, coumadin, lipitor, crestor, zocor,
    norvasc, amlodipine, lisinopril, losartan, metoprolol, atorvastatin, lasix, furosemide,
    albuterol, biktarvy, descovy, genvoya, tenofovir, codeine, lunesta, oxycodone, pills,
    sleeping pills, diet pills, mdma, lsd, shrooms, pcp, xans, blood pressure meds,
    heart meds, seizure meds, adhd meds, anxiety meds, depression meds, bipolar meds,
    diabetes meds, hiv meds, cholesterol meds, thyroid meds, sleep meds, pain medication,
    psychiatric medication, anxiety medication, antianxiety meds, mood stabilizers,
    mood stabilizer, stimulants, opioid painkillers, muscle relaxers
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
    12 step program, outpatient program, intensive outpatient,
    double bypass, triple bypass, quadruple bypass, open heart, angioplasty,
    bariatric surgery, weight loss surgery, gastric sleeve, lap band, plastic surgery,
    cosmetic surgery, c-section, cesarean, hysterectomy, mastectomy, double mastectomy,
    lumpectomy, vasectomy, tubal ligation, tubes tied, colonoscopy, immunotherapy,
    proton therapy, stem cell transplant, bone marrow transplant, amputation, stent, stents,
    pacemaker, defibrillator, insulin pump, feeding tube, colostomy bag, colostomy,
    oxygen tank, cpap, infusions, infusion therapy, electroconvulsive therapy, tms,
    group therapy, family therapy, grief counseling, talk therapy, speech therapy,
    occupational therapy, hormone therapy, testosterone therapy, outpatient rehab,
    inpatient rehab, residential treatment, partial hospitalization, medical detox,
    methadone program, suboxone program, sober house, palliative care,
    pain management, dialysis treatments, gamblers anonymous, narcotics anonymous,
    alcoholics anonymous, aa meetings, na meetings, ga meetings, aa meeting, na meeting,
    ga meeting, surgeries, spinal tap, biopsy, biopsies,
    mri, ct scan, pet scan, transfusion, blood transfusion, skin graft, prosthetic,
    prosthetic leg, hearing aids, hearing aid, wheelchair, crutches
    """
)

FACILITIES = _terms(
    """
    hospital, psych ward, psychiatric ward, psych hospital, psychiatric hospital,
    mental hospital, mental institution, mental health facility, behavioral health unit,
    behavioral health hospital, ER, emergency room, ICU, rehab center, rehab facility,
    treatment center, treatment facility, detox center, detox facility, nursing home,
    methadone clinic, cancer center, dialysis center, sanitarium, psych unit, loony bin,
    memory care, nicu, picu, va hospital,
    behavioral health center, behavioral health facility, urgent care, trauma center,
    burn unit, cardiac unit, stroke unit,
    oncology ward, oncology unit, maternity ward, labor and delivery, cancer ward,
    suboxone clinic, pain clinic, sober living house,
    assisted living, hospice center, hospice care
    """
)


def _compounds(heads: str, tails: str) -> frozenset[str]:
    """Every "head tail" pair: qualifier vocabularies grow by combination, not by listing."""
    return frozenset(f"{h.strip()} {t.strip()}" for h in heads.split(",") for t in tails.split(","))


# "knee replacement", "spinal fusion", "detox unit", "alcohol treatment", "torn ACL".
TREATMENTS = TREATMENTS | _compounds(
    "knee, hip, shoulder, ankle, elbow, wrist, joint, heart valve, valve, disc, jaw",
    "replacement, replacements, reconstruction",
) | _compounds(
    "spinal, spine, back, neck, lumbar, cervical", "fusion"
) | _compounds(
    "alcohol, drug, substance abuse, addiction, opioid, gambling, eating disorder, trauma, "
    "ptsd, grief, dual diagnosis",
    "treatment, counseling, therapy, rehab, program, classes",
) | _compounds(
    "mental health, psychiatric, cancer, psych", "treatment, counseling, therapy"
)
# Time off and benefits that exist because of a person's health: "on disability for MS".
LEAVES = _terms(
    """disability, medical leave, sick leave, disability leave, fmla, workers comp,
    workers' comp, worker's comp, workman's comp, workmans comp, short-term disability,
    long-term disability, short term disability, long term disability, medical retirement,
    disability retirement"""
)
TREATMENTS = TREATMENTS | LEAVES | _terms(
    """injections, steroid injections, cortisone shots, epidural, epidural injections,
    nerve block, nerve blocks, infusion, iv antibiotics"""
)
FACILITIES = FACILITIES | _compounds(
    "spine, pain, wound, sleep, heart, cardiac, stroke, kidney, fertility, eating disorder, "
    "memory, trauma, burn, cancer, oncology",
    "center, clinic, unit, ward",
)
# Cosmetic procedures; an organ "removed" or "taken out"; fractures.
TREATMENTS = TREATMENTS | _terms(
    """botox, fillers, medical leave, disability leave, new kidney, new liver, new heart,
    new lungs, donor kidney, donor liver, tummy tuck,
    breast augmentation, breast implants, breast reduction, facelift, face lift,
    liposuction, nose job, boob job, butt lift, hair transplant, lap-band, eyelid surgery,
    lasik"""
) | _compounds(
    "gallbladder, appendix, tonsils, kidney, spleen, thyroid, uterus, ovaries, ovary, prostate, "
    "breast, breasts, colon, lung, wisdom teeth, adenoids",
    "removed, taken out, out",
)
_BONES = (
    "leg, arm, hip, wrist, ankle, collarbone, ribs, pelvis, jaw, foot, hand, femur, kneecap, "
    "skull, vertebra"
)
CONDITIONS = CONDITIONS | _compounds("broken, fractured, shattered", _BONES) | _terms(
    """endometriosis, anemia, leukemia, septicemia, hypoglycemia, scoliosis, psoriasis,
    cirrhosis, sarcoidosis, fibroids, pcos, polycystic ovary syndrome, polyps, colon polyps,
    cyst, cysts, ovarian cyst, nodules, lesions, breast lump, heavy drinker, problem drinker,
    binge drinker, type 1 diabetic, type 2 diabetic, insulin dependent, insulin-dependent,
    seizure, panic attack, anxiety attack, migraine, hallucination, delusion,
    expecting a baby, expecting twins, pregnant with twins"""
)
# The verb is the fact, as in "overdosed": "broke his leg".
EVENTS = EVENTS | _compounds("broke his, broke her, fractured his, fractured her", _BONES)
CONDITIONS = CONDITIONS | _compounds(
    "torn, ruptured, blown", "acl, meniscus, rotator cuff, achilles, disc"
) | _compounds("herniated, slipped, bulging", "disc, discs")
FACILITIES = FACILITIES | _compounds(
    "detox, rehab, psych, psychiatric, behavioral health, mental health, addiction, recovery, "
    "substance abuse, eating disorder, methadone, crisis stabilization",
    "unit, ward, center, facility, hospital, clinic",
)

# Places people also visit, work at or report from: being "at" one is not a stay.
GENERAL_FACILITIES = _terms(
    """
    hospital, ER, emergency room, ICU, nursing home, cancer center, dialysis center,
    memory care, va hospital, urgent care, trauma center, maternity ward, labor and delivery,
    cancer ward, oncology ward, oncology unit, cardiac unit
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
    "tms": frozenset({"TMS"}),
    "pcp": frozenset({"PCP"}),
}

# Word endings that name a health fact whatever the stem: surgical procedures
# ("hysterectomy", "rhinoplasty"), inflammations ("bronchitis") and drug-name stems
# from the USAN naming scheme ("lisinopril", "metoprolol", "atorvastatin"). A
# suffix counts only at the end of a word whose stem has at least `SUFFIX_MIN_STEM`
# letters (so "April" is not a "-pril" drug), and it still needs attribution.
SUFFIXES: dict[str, str] = {
    **dict.fromkeys(
        ("ectomy", "ectomies", "otomy", "ostomy", "oscopy", "plasty"), "treatment"
    ),
    "itis": "condition",
    "osis": "condition",
    "emia": "condition",
    **dict.fromkeys(
        ("pril", "olol", "statin", "azepam", "azolam", "oxetine", "triptan", "prazole",
         "sartan", "cillin", "mycin", "cycline", "floxacin", "glutide", "gliptin", "zodone",
         "triptyline", "codone", "morphone", "trexate", "apine", "idone", "afil", "isone",
         "asone", "barbital", "tinib", "umab", "ximab", "zumab"),
        "medication",
    ),
}  # fmt: skip
SUFFIX_MIN_STEM = 3
# Ordinary words that happen to end like a procedure.
SUFFIX_EXCEPTIONS = frozenset(
    """dichotomy dichotomies diagnosis prognosis hypnosis osmosis symbiosis apotheosis
    metamorphosis mitosis meiosis academia""".split()
)

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
    "LEAVES",
    "MEDICATIONS",
    "STRICT_FORMS",
    "SUFFIXES",
    "SUFFIX_EXCEPTIONS",
    "SUFFIX_MIN_STEM",
    "TREATMENTS",
]
