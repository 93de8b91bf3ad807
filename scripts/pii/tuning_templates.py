"""Conversational templates for the detector's own tuning set (see ``make_tuning.py``).

Written for tuning only, by the detector's author; never shared with ``bench/pii``.  A slot
``{kind}`` is filled with a generated value that is labelled with its PII type; ``{first}`` is a
labelled first name alone.  Templates mention no real person and no real address.
"""

from __future__ import annotations

# PII type of each slot ("ignore": neither a hit nor a false alarm; "none": unlabelled).
SLOT_TYPES = {
    "person": "person",
    "first": "person",
    "first2": "person",
    "first3": "person",
    "last": "person",
    "person2": "person",
    "address": "address",
    "card": "credit_card",
    "card_typo": "credit_card",
    "phone": "phone",
    "national_phone": "phone",
    "email": "email",
    "ip": "ip_address",
    "national_id": "national_id",
    "bank_account": "bank_account",
    "routing": "bank_account",
    "dl": "drivers_license",
    "iban": "iban",
    "street": "address",
    "building": "address",
    "street_name": "address",
    "secondary": "address",
    "postcode": "address",
    "city": "ignore",
    "test_card": "none",
    "test_value": "none",
}

PERSON = [
    "My partner is {person}, update the profile accordingly",
    "can you confirm the booking is under {person}?",
    "please add {person} to the account",
    "{person} will pick up the parcel on friday",
    "I spoke to {person} yesterday and she said it was sorted",
    "the invoice should be addressed to {person}",
    "I want to add {person} as a beneficiary",
    "Name: {person}",
    "follow up with {person} next week please",
    "Is {person} still listed as the second driver?",
    "remove {person} from my household plan",
    "we need a refund for {person}, she was charged twice",
    "the order was placed by {person} not me",
    "hi, it's {person} here, about my return",
    "put {person} down as emergency contact",
    "{person}",
    "thanks, {person}",
    "My son {first} lost his card",
    "the kids are {first}, {first2} and {first3}",
    "{first} and {first2} both need new logins",
    "tell {first} I called",
    "can {person} sign for it if I'm out?",
    "account holder {person}, premium tier",
    "transfer ownership to {person} effective today",
    "I'm writing on behalf of my mother, {person}",
    "cc {person} on the reply",
    "Please send the contract to {person} and {first2}",
    # one name alone, at the start or after a verb: what the words around it say
    "{last} said the refund was approved",
    "{first} called me yesterday about the order",
    "{first}, can you resend the invoice?",
    "{last} is my surname",
    "ask {last} to check it please",
    "{first} will pick it up",
    "Mrs {last} wants to cancel",
    "{first}'s account is locked",
]

ADDRESS = [
    "ship to {address}",
    "my new address is {address}",
    "please deliver it to {address} after 5pm",
    "{address}",
    "I moved, it's now {address}. thanks",
    "billing address: {address}",
    "the courier left it at {address} but I live next door",
    "Send the replacement to\n{address}",
    "can you update my address to {address}?",
    "return label should show {address}",
    "we are at {address}, second door on the left",
    "Invoice address\n{address}\nPlease confirm.",
]

CARD = [
    "card {card}",
    "my card number is {card}",
    "charge it to {card} please",
    "the payment card is {card}, expiry 04/29",
    "pay with {card}",
    "here's the card: {card}",
    "I typed card {card_typo} by mistake, is that the problem?",
    "card number {card_typo}",
    "use my debit card {card}",
    "{card}",
]

PHONE = [
    "they're not picking up at {national_phone}",
    "phone: {national_phone}",
    "call me on {national_phone} after six",
    "my mobile is {national_phone}",
    "you can reach me at {phone}",
    "new number {national_phone}, old one is gone",
    "text {national_phone} when the driver is close",
    "tel. {national_phone}",
    "ring {phone} if there's an issue",
    "contact number {national_phone}",
]

NUMBERS = [
    "my national ID is {national_id}",
    "use my national ID {national_id} for the registration",
    "ID number: {national_id}",
    "personal identification number {national_id}",
    "my tax id is {national_id}",
    "bank account {bank_account}, routing {routing}",
    "account number {bank_account}",
    "please refund to bank account {bank_account}",
    "routing number {routing}",
    "DL number {dl}",
    "my driver's license is {dl}",
    "driving licence no. {dl}",
    "iban {iban}",
]

TECH = [
    "my email is {email}",
    "write to {email}",
    "{email} is the login",
    "my ip is {ip}",
    "the server ip was {ip} when it failed",
    "send it to {email} and cc {email}",
]

NEGATIVE = [
    "order 4410-2281 still hasn't shipped",
    "Where is my parcel? Tracking number 1Z999AA10123456784",
    "I paid 129.99 EUR on 12/03/2024",
    "the Northwind app crashes on version 1.0.4.2",
    "previous action name: cc_payment_form",
    "utter_ask_email keeps repeating",
    "Can I return the Galaxy Buds Pro?",
    "my order #99213344 arrived broken",
    "please call me back tomorrow morning",
    "It's been 3 weeks, this is unacceptable",
    "the store on Main Street was closed",
    "Will you ship to Germany?",
    "May I change the size to a medium?",
    "I love the new Summer Collection",
    "Hello, I need help with my account",
    "reset my password please",
    "Grant access to the family plan",
    "invoice INV-2024-00931 is wrong",
    "Rose Gold iPhone case, 2 units",
    "Do you deliver to Paris or Berlin?",
    "my basket has 12 items worth 340 dollars",
    "I was charged 4 times for the same order",
    "the coupon code SPRING2024 doesn't work",
    "Opening hours Monday to Friday 9:00-17:00",
    "ticket 5512 was closed without an answer",
    "the reference is AB-552-10",
    "Chat with Northwind support",
    "I bought 3 pairs of Alpine Trek boots, size 42",
    "shipping to zone 3 takes 5 days",
]

# Addresses written in parts, each part a value of its own: a flat or postcode left behind after
# the street is masked still leaks.  A city alone is not personal data ("ignore": neither a hit
# nor a false alarm).
ADDRESS_PARTS = [
    "I live at {street}, {secondary}, {city} {postcode}",
    "ship it to {street}, {city}, {postcode} please",
    "{street}\n{secondary}\n{postcode} {city}",
    "my address: {building} {street_name}, {city}",
    "it's {street} {secondary}, postcode {postcode}",
    "new address is {secondary}, {street}, {postcode} {city}",
    "deliver to {building} {street_name} {secondary}",
    "the parcel went to {street} in {city} instead of mine",
    "we moved to {street}, {postcode} {city} last month",
    "Address line 1: {street}\nAddress line 2: {secondary}\nPostcode: {postcode}",
    "send the form to {street}, {city}",
    "post code {postcode}, house {building}, {street_name}",
]

# Well-known test and documentation values: published by payment providers and in RFCs, they
# identify nobody.  Unlabelled: detecting one is a false alarm.
TEST_VALUES = [
    "checkout fails with the test card {test_card}, is the sandbox down?",
    "in staging I use {test_card} and it is declined",
    "your docs say to use card {test_card} for testing",
    "the sample SSN {test_value} in your form template looks odd",
    "the example in the manual uses {test_value}",
    "why does the demo page show {test_value}?",
]

# Names in the register of forms, records and reports, not chat: no cue phrase, often first.
PERSON_RECORDS = [
    "{person} has been a member since 2019",
    "The account of {person} was closed on request",
    "{person}'s subscription renews next month",
    "Please verify the identity of {person} before the transfer",
    "Report prepared by {person}",
    "{person} (customer) reported a broken screen",
    "Attendees: {person}, {person2} and {first}",
    "According to {last}, the delivery never arrived",
    "Patient {person} was seen on Tuesday",
    "{last}, {first} - premium plan",
    "Signed, {person}",
    "The driver, {person}, left the parcel at the door",
    "Approved by {last} in accounting",
    "Contact person: {person}",
    "Our records show {person} as the primary holder",
    "{first} {last} and {person2} share this address",
    "{person} needs a wheelchair at the gate",
    "Reference for {person}: excellent",
]
