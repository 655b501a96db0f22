"""Mixed reads and writes of chamber staff, for `manage.py bench_load` (and its smoke test).

Not run on its own: bench_load prepares a chamber, starts gunicorn and runs
`locust -f loadtest/locustfile.py --headless ...` with two environment variables:

- LOADTEST_CONFIG: a JSON file naming the chamber, the staff user (password and API token),
  the event, the invoices and the enterprises to write to;
- LOADTEST_RESULT: where this file writes, when locust quits, how many writes of each kind
  were answered 2xx; bench_load compares that with the rows the database gained
  ("no lost write").

Each simulated user has a signed-in session of its own (pages) and the user's token (API).
Reads are about four in five requests: roster list and search (page and API), a member's
page and API record, the dashboard, the event list. Writes: a registration for the event,
a contact with a new person, a new person, and a dues payment with an Idempotency-Key
(one payment in four is sent twice with the same key, as a client retrying after a timeout
would: it must be recorded once).
"""
import itertools
import json
import os
import random
import threading
import uuid

from locust import HttpUser, between, events, task

CONFIG = json.load(open(os.environ["LOADTEST_CONFIG"], encoding="utf-8"))
SLUG = CONFIG["chamber"]
API = "/api/v1/chambers/{}/".format(SLUG)
PAGES = "/c/{}/".format(SLUG)
SEARCHES = ("光电", "苏州", "科技", "有限", "gd", "电缆")

# Unique mobiles for this run (a registration or a person with a mobile already used would be
# refused as a duplicate, which is a 400, not a lost write).
_serial = itertools.count(random.randrange(10**8))
_users = itertools.count()
_lock = threading.Lock()
# Writes answered 2xx, by kind; payments by Idempotency-Key (a retried key counts once).
WRITES = {"registration": 0, "contact": 0, "person": 0, "payment": 0}
PAYMENT_KEYS = set()


def mobile():
    return "13{:09d}".format(next(_serial) % 10**9)


def count(kind):
    with _lock:
        WRITES[kind] += 1


@events.quitting.add_listener
def _write_result(environment, **_kwargs):
    result = os.environ.get("LOADTEST_RESULT")
    if result:
        with _lock, open(result, "w", encoding="utf-8") as handle:
            json.dump({**WRITES, "payment": len(PAYMENT_KEYS), "payment_requests": WRITES["payment"]}, handle)


class ChamberStaff(HttpUser):
    """A secretariat worker: browses the roster, registers people, records payments."""

    wait_time = between(0.2, 1.0)

    def on_start(self):
        # Signed in already: bench_load made one session per user (a password hash per
        # login would load the two cores more than the pages do).
        sessions = CONFIG["sessions"]
        with _lock:
            session = sessions[next(_users) % len(sessions)]
        self.client.cookies.set(CONFIG["session_cookie"], session)
        self.api_headers = {"Authorization": "Token " + CONFIG["token"], "Accept": "application/json"}

    # --- reads ------------------------------------------------------------------------------

    def page(self, path, name):
        # No redirects: a page that sent us back to the login form would otherwise pass as 200.
        with self.client.get(PAGES + path, name=name, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure("HTTP {}".format(answer.status_code))

    def api_get(self, path, name, **params):
        self.client.get(API + path, name=name, params=params or None, headers=self.api_headers)

    @task(4)
    def roster_api(self):
        self.api_get("members/", "API members list")

    @task(3)
    def roster_search_api(self):
        self.api_get("members/", "API members search", search=random.choice(SEARCHES))

    @task(3)
    def member_api(self):
        self.api_get("members/{}/".format(random.choice(CONFIG["memberships"])), "API member detail")

    @task(3)
    def roster_page(self):
        self.page("members/", "page roster")

    @task(2)
    def roster_search_page(self):
        self.page("members/?q={}".format(random.choice(SEARCHES)), "page roster search")

    @task(2)
    def member_page(self):
        self.page("members/{}/".format(random.choice(CONFIG["memberships"])), "page member detail")

    @task(2)
    def dashboard(self):
        self.page("dashboard/", "page dashboard")

    @task(2)
    def event_list(self):
        self.page("events/", "page event list")

    # --- writes -----------------------------------------------------------------------------

    def api_post(self, path, name, body, **headers):
        answer = self.client.post(API + path, name=name, json=body, headers={**self.api_headers, **headers})
        return 200 <= answer.status_code < 300

    @task(2)
    def register(self):
        body = {"event": CONFIG["event"], "attendee_name": "压测来宾", "attendee_mobile": mobile()}
        if self.api_post("events/registrations/", "API register for event", body):
            count("registration")

    @task(1)
    def add_contact(self):
        enterprise = random.choice(CONFIG["enterprises"])
        body = {"title": "联络员", "new_person": {"name": "压测联络员", "gender": "female", "mobile": mobile()}}
        if self.api_post("enterprises/{}/contacts/".format(enterprise), "API add contact", body):
            count("contact")

    @task(1)
    def add_person(self):
        if self.api_post("people/", "API add person", {"name": "压测人员", "gender": "male", "mobile": mobile()}):
            count("person")

    @task(2)
    def pay(self):
        invoice = random.choice(CONFIG["invoices"])
        key = uuid.uuid4().hex
        body = {"amount": "1.00", "paid_on": CONFIG["paid_on"], "method": "bank_transfer", "reference": key[:12]}
        for _attempt in range(2 if random.random() < 0.25 else 1):
            if self.api_post("dues/invoices/{}/payments/".format(invoice), "API dues payment", body,
                             **{"Idempotency-Key": key}):
                with _lock:
                    WRITES["payment"] += 1
                    PAYMENT_KEYS.add(key)
