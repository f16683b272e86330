"""Default checklists for each tier: what the tier "should look like", who is responsible, and a
target in school days. Taken from the seed policy (Graduated Response for Improving Pupil Attendance,
and Appendix 4 of the attendance policy); schools edit their own copies (``TierAction``).

Where the seed names several roles for a tier, each action goes to the role that normally does it
(the class teacher talks to the child, the SENDCo looks at unmet needs, the DSL records safeguarding
concerns, the attendance officer contacts families and the local authority).
"""

from school.models import Role

AO, CT, SENDCO, DSL, HEAD = (
    Role.ATTENDANCE_OFFICER,
    Role.CLASS_TEACHER,
    Role.SENDCO,
    Role.DSL,
    Role.HEADTEACHER,
)

# tier -> [(text, responsible role, target school days)]
DEFAULT_ACTIONS: dict[int, list[tuple[str, str, int]]] = {
    1: [
        ("Start the log of actions for this pupil.", CT, 3),
        ("A significant adult meets the child to find out the reasons for absence.", CT, 5),
        (
            "Tell the parents, and keep them updated: not just the percentage but the hours of learning "
            "lost and what that means for their child.",
            AO,
            5,
        ),
        ("Offer the family help to get their child back into school, and reward improvement.", AO, 10),
        (
            "Talk with the parents (class teacher or family support worker) about what might help "
            "attendance; record the conversation in the communication log.",
            CT,
            10,
        ),
        ("Offer breakfast club and end-of-day activities.", AO, 10),
        ("Arrange pastoral or ELSA support if appropriate.", SENDCO, 10),
    ],
    2: [
        (
            "Attendance staff, the SENDCo and the DSL check together for any additional vulnerabilities.",
            AO,
            5,
        ),
        ("Name a key adult who keeps in contact with the pupil during absence.", CT, 5),
        (
            "Put support in class so the pupil can access learning, using assessment for learning to find "
            "gaps.",
            CT,
            10,
        ),
        (
            "Work with the parents on routines and signpost support, explaining that the local authority "
            "may need to become involved.",
            AO,
            10,
        ),
        ("Put in place evidence-based interventions that match the pupil's interests or needs.", SENDCO, 15),
        ("Track and review the pupil's attendance every week.", AO, 5),
        (
            "If absence is due to a medical need, agree a clear plan for learning at home and keeping in "
            "touch with friends.",
            SENDCO,
            10,
        ),
    ],
    3: [
        (
            "Hold a team-around-the-child meeting with the attendance champion, SENDCo, DSL and parents "
            "to discuss barriers and solutions, including referrals.",
            AO,
            10,
        ),
        (
            "Agree an attendance support plan with the parents and begin the assess-plan-do-review cycle.",
            AO,
            10,
        ),
        ("Check that messages to parents are accessible and free from judgement.", SENDCO, 5),
        (
            "Consider referral to outside agencies (for example CAMHS, the mental health support team, "
            "GP or educational psychologist).",
            SENDCO,
            15,
        ),
        (
            "Follow the local authority referral process and consider legal interventions; report 15 "
            "days of illness or 10 days of unauthorised absence to the local authority.",
            AO,
            10,
        ),
        ("Refer the family to the local family hub.", DSL, 15),
        ("Record the attendance concern on the safeguarding record.", DSL, 3),
        ("Analyse the pupil's attendance data in detail and share it with the staff who need it.", AO, 10),
        (
            "Assess whether, with reasonable adjustments, the school can meet the pupil's needs, and "
            "whether a medical outreach referral is appropriate.",
            SENDCO,
            15,
        ),
    ],
    4: [
        ("Make attendance a key focus of the work of every agency involved.", DSL, 10),
        (
            "Agree multi-professional planning and co-ordinated support, making the impact of absence "
            "clear to parents.",
            AO,
            10,
        ),
        ("Arrange opportunities for peer contact so that friendships are kept up.", CT, 10),
        ("Record contact with children's services.", DSL, 5),
        ("Discuss the pupil's plan and progress at safeguarding and attendance meetings.", DSL, 10),
        ("Keep regular contact with the local authority case worker.", AO, 10),
        ("Teaching staff keep in contact with the family.", CT, 10),
        ("Consider alternative provision or an adapted environment.", HEAD, 20),
        (
            "Reassess whether, with reasonable adjustments, the school can meet the pupil's needs, seeking "
            "the local authority's advice on complex cases.",
            SENDCO,
            15,
        ),
    ],
    5: [
        ("Agree a joint approach with the local authority and the trust.", HEAD, 10),
        (
            "Ask for consideration of an EHC needs assessment or alternative provision if not in place.",
            SENDCO,
            15,
        ),
        ("Contact children's social care to consider educational neglect.", DSL, 5),
        (
            "Where absence is due to a medical need, make sure the child is receiving a suitable education.",
            SENDCO,
            10,
        ),
    ],
}

TIER_DESCRIPTIONS = {
    0: "Universal support: every child receives the school's offer.",
    1: "Early intervention: attendance is dropping below the desired level.",
    2: "Targeted support: the pupil is approaching persistent absence.",
    3: "Targeted, intensive support: the pupil is persistently absent.",
    4: "Bespoke provision: absence is a safeguarding concern.",
    5: "In line with local authority statutory guidance: the pupil is severely absent.",
}
