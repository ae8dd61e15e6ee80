"""The mixed traffic of scripts/soak: what a province's day sends to hailong, at a soak's pace.

Threads, each a kind of user, for --seconds: the one-stop shop sending completed dossiers in
batches (with phones: invitations go out), citizens opening survey links and answering them,
some stopping their messages instead, a tablet at the counter taking receipt codes, two clerks
entering paper forms (each form twice, as the rules ask), and the Department's staff reading
dashboards and downloading exports. Every request goes to one of the instances given (the
next one when an instance is down, as a proxy would send it).

What it prints at the end (JSON, one line) is what was acknowledged, so that the script can
compare it with what the database holds:
  link, kiosk, paper   responses acknowledged (200 / matching second entry)
  unsure               answers whose outcome never came back (an instance stopped mid-request)
  pages, staff, exports, opt_outs, dossiers   requests served
  failures             requests that failed (connection refused during a restart, retried)
"""

import argparse
import json
import random
import re
import threading
import time

import requests

CORE = {"q_A1": "4", "q_P5": "5", "q_S1": "3", "q_R3": "4", "q_F2": "5"}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Instances:
    """The instances' base URLs; a request goes to the next one that answers."""

    def __init__(self, urls):
        self.urls = urls
        self.turn = 0
        self.lock = threading.Lock()

    def pick(self):
        with self.lock:
            self.turn += 1
            return self.urls[self.turn % len(self.urls)]


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.values = {}

    def add(self, name, n=1):
        with self.lock:
            self.values[name] = self.values.get(name, 0) + n


class Soak:
    def __init__(self, args):
        self.args = args
        self.instances = Instances(args.url)
        self.counts = Counts()
        self.deadline = time.monotonic() + args.seconds
        self.links = []  # (survey path, code) not yet used
        self.opened = []  # paths to open as pages
        self.links_lock = threading.Condition()
        self.serial = 0

    def running(self):
        return time.monotonic() < self.deadline

    def clock_now(self):
        """Now as the service reckons it (the test clock's offset added)."""
        try:
            with open(self.args.clock_file, encoding="utf-8") as f:
                offset = int(f.read().strip() or 0)
        except (OSError, ValueError):
            offset = 0
        return time.time() + offset

    def request(self, session, method, path, **kwargs):
        """Sends to an instance; on a refused connection, to the next, until one answers.
        A request that was sent and got no answer is not sent again: returns None."""
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 60)
        for _ in range(200):
            base = self.instances.pick()
            try:
                r = session.request(method, base + path, **kwargs)
                if r.status_code == 408:
                    # The instance closed the connection before it had read the request (it
                    # was stopping): nothing was done with it.
                    self.counts.add("failures")
                    continue
                return r
            except requests.exceptions.ConnectionError as e:
                self.counts.add("failures")
                # Refused: nothing was sent (an instance restarting); anything else may have
                # reached it.
                if "refused" not in str(e).lower():
                    return None
                time.sleep(0.05)
            except requests.exceptions.RequestException:
                # Sent, and no answer in time: it may have been done.
                self.counts.add("failures")
                self.counts.add("slow")
                return None
        return None

    def take_link(self):
        with self.links_lock:
            while not self.links and self.running():
                self.links_lock.wait(0.5)
            return self.links.pop(0) if self.links else None

    # The one-stop shop: a batch of completed dossiers every --batch-every seconds.
    def one_stop_shop(self):
        session = requests.Session()
        headers = {"Authorization": f"Bearer {self.args.api_key}"}
        while self.running():
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.clock_now() - 3600))
            received = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.clock_now() - 86400))
            batch = []
            for _ in range(self.args.batch):
                self.serial += 1
                i = self.serial
                batch.append(
                    {
                        "dossier_id": f"SOAK.{self.args.run}.{i}",
                        "agency_code": self.args.agency,
                        "procedure_code": self.args.procedure,
                        "applicant_kind": "citizen" if i % 4 else "business",
                        "channel": ["online", "counter", "postal"][i % 3],
                        "received_at": received,
                        "due_at": stamp,
                        "completed_at": stamp,
                        "applicant_id": f"{89_000_000_000 + i:012d}",
                        "phone": f"09{i % 100_000_000:08d}",
                    }
                )
            r = self.request(session, "POST", "/api/v1/dossiers", json=batch, headers=headers)
            if r is not None and r.status_code in (200, 201):
                self.counts.add("dossiers", len(batch))
                issued = []
                for d in r.json()["dossiers"]:
                    if d.get("survey_url"):
                        path = "/" + d["survey_url"].split("/", 3)[3]
                        issued.append((path, d["survey_code"]))
                with self.links_lock:
                    self.links.extend(issued)
                    self.opened.extend(p for p, _ in issued)
                    self.links_lock.notify_all()
            elif r is not None:
                self.counts.add("refused")
                print("dossiers refused:", r.status_code, r.text[:300], flush=True)
            time.sleep(self.args.batch_every)

    # Phones opening links (QR codes, messages): pages only.
    def readers(self):
        session = requests.Session()
        while self.running():
            with self.links_lock:
                path = random.choice(self.opened) if self.opened else None
            if path is None:
                time.sleep(0.2)
                continue
            r = self.request(session, "GET", path)
            if r is not None and r.status_code in (200, 410, 409):
                self.counts.add("pages")
            time.sleep(0.01)

    # A citizen answering a link (or, one in ten, stopping its messages).
    def respondents(self):
        while self.running():
            taken = self.take_link()
            if taken is None:
                return
            path, _ = taken
            with requests.Session() as session:
                self.respond(session, path)

    def respond(self, session, path):
        page = self.request(session, "GET", path)
        if page is None or page.status_code != 200:
            return
        csrf = CSRF.search(page.text)
        if csrf is None:
            return
        if random.random() < 0.1:
            stop = self.request(session, "GET", path + "/stop")
            token = CSRF.search(stop.text) if stop is not None else None
            if token:
                r = self.request(session, "POST", path + "/stop", data={"csrf": token.group(1)})
                if r is not None and r.status_code < 400:
                    self.counts.add("opt_outs")
            return
        shown = re.search(r'name="shown" value="([^"]+)"', page.text)
        form = dict(CORE, csrf=csrf.group(1))
        if shown:
            form["shown"] = shown.group(1)
        self.answer(session, path, form)

    def answer(self, session, path, form):
        sent_once = False
        for _ in range(20):
            r = self.request(session, "POST", path, data=form)
            if r is None:
                sent_once = True
                continue
            if r.status_code == 200:
                self.counts.add("link")
                return
            if r.status_code == 409 and sent_once:
                # An earlier attempt was stored, and its answer lost with its instance.
                self.counts.add("link")
                return
            self.counts.add("refused")
            print("answer refused:", r.status_code, r.text[:200], flush=True)
            return
        self.counts.add("unsure")

    # The counter's tablet: one receipt code in --kiosk-share of the links.
    def kiosk(self):
        session = requests.Session()
        enrol = self.args.kiosk_link.split("/", 3)[3]
        page = self.request(session, "GET", "/" + enrol)
        self.request(session, "POST", "/" + enrol, data={"csrf": CSRF.search(page.text).group(1)})
        while self.running():
            taken = self.take_link()
            if taken is None:
                return
            _, code = taken
            # The service's clock runs fast: a survey opened at the kiosk may time out before
            # it is sent (409, the link untouched). Then the code is typed again.
            for _ in range(5):
                outcome = self.kiosk_answer(session, code)
                if outcome != "timed out":
                    break
            self.counts.add(outcome)
            time.sleep(self.args.pause)

    def kiosk_answer(self, session, code):
        keypad = self.request(session, "GET", "/kiosk")
        if keypad is None or keypad.status_code != 200:
            return "failures"
        typed = self.request(
            session,
            "POST",
            "/kiosk",
            data={"csrf": CSRF.search(keypad.text).group(1), "lang": "vi", "code": code},
        )
        if typed is None:
            return "timed out"  # typing a code stores nothing: type it again
        if typed.status_code != 303:
            print("code refused:", typed.status_code, typed.text[:200], flush=True)
            return "refused"
        survey = typed.headers["location"]
        form_page = self.request(session, "GET", survey)
        if form_page is None or form_page.status_code != 200:
            return "failures"
        ticket = survey.split("t=")[1].split("&")[0]
        form = dict(CORE, csrf=CSRF.search(form_page.text).group(1), lang="vi", t=ticket)
        r = self.request(session, "POST", "/kiosk/survey", data=form)
        if r is None:
            return "unsure"
        if r.status_code == 200:
            return "kiosk"
        if r.status_code == 409 and "Hết thời gian" in r.text:
            return "timed out"
        print("kiosk refused:", r.status_code, r.text[:200], flush=True)
        return "refused"

    def signed_in(self, email):
        session = requests.Session()
        for _ in range(50):
            login = self.request(session, "GET", "/login")
            if login is None:
                continue
            r = self.request(
                session,
                "POST",
                "/login",
                data={
                    "csrf": CSRF.search(login.text).group(1),
                    "email": email,
                    "password": self.args.password,
                },
            )
            if r is not None and r.status_code == 303:
                return session
            time.sleep(0.5)
        raise SystemExit(f"{email} cannot sign in")

    def staff_page(self, session, email, path):
        """A staff page; signs in again when the session ended (a day passes in minutes)."""
        r = self.request(session, "GET", path)
        if r is not None and r.status_code == 303 and "/login" in r.headers.get("location", ""):
            session = self.signed_in(email)
            r = self.request(session, "GET", path)
        return session, r

    # Two clerks entering paper forms: the first entry, then the second, which stores it.
    def clerks(self):
        first = self.signed_in(self.args.clerks[0])
        second = self.signed_in(self.args.clerks[1])
        while self.running():
            taken = self.take_link()
            if taken is None:
                return
            _, code = taken
            stored = False
            for i, email in enumerate(self.args.clerks):
                session = (first, second)[i]
                session, page = self.staff_page(session, email, "/admin/paper")
                if i == 0:
                    first = session
                else:
                    second = session
                if page is None or page.status_code != 200:
                    break
                version = re.search(r'name="version" value="([^"]+)"', page.text) or re.search(
                    r'<option value="([^"]+)"[^>]*selected', page.text
                )
                form = {
                    "csrf": CSRF.search(page.text).group(1),
                    "code": code,
                    "p_A1": "4",
                    "p_P5": "5",
                    "p_S1": "3",
                }
                if version:
                    form["version"] = version.group(1)
                r = self.request(session, "POST", "/admin/paper", data=form)
                if r is None:
                    self.counts.add("unsure")
                    break
                if r.status_code == 303 and "/login" in r.headers.get("location", ""):
                    # The session ended between the page and the entry (a day passes in
                    # minutes): nothing was entered. The form waits for the next round.
                    self.counts.add("signed_out")
                    break
                if r.status_code != 303:
                    self.counts.add("refused")
                    print("paper refused:", r.status_code, r.text[:300], flush=True)
                    break
                stored = i == 1
            if stored:
                self.counts.add("paper")
            time.sleep(self.args.pause)

    # The Department reading dashboards and taking exports.
    def department(self):
        email = self.args.staff
        session = self.signed_in(email)
        pages = [
            "/dashboard/province",
            f"/dashboard/agency/{self.args.agency}",
            "/dashboard/comments",
            "/dashboard/delivery",
            "/dashboard/integrity",
            "/cong-khai",
        ]
        exports = ["/exports/scores.csv", "/exports/scores.xlsx", "/exports/comments.csv"]
        n = 0
        while self.running():
            n += 1
            path = exports[n % len(exports)] if n % 4 == 0 else pages[n % len(pages)]
            session, r = self.staff_page(session, email, path)
            if r is not None and r.status_code == 200:
                self.counts.add("exports" if path in exports else "staff")
            elif r is not None:
                self.counts.add("refused")
                print("staff page refused:", path, r.status_code, r.text[:200], flush=True)
            time.sleep(self.args.pause * 4)

    def run(self):
        work = [self.one_stop_shop, self.kiosk, self.clerks, self.department]
        work += [self.readers] * 2 + [self.respondents] * self.args.respondents
        threads = [threading.Thread(target=w, daemon=True) for w in work]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=max(1, self.deadline - time.monotonic() + 60))
        print(json.dumps(self.counts.values, sort_keys=True), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", action="append", required=True)
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--api-key", required=True)
    p.add_argument("--kiosk-link", required=True)
    p.add_argument("--staff", required=True)
    p.add_argument("--clerks", nargs=2, required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--clock-file", required=True)
    p.add_argument("--agency", default="AG-X-OCEO")
    p.add_argument("--procedure", default="1.001193")
    p.add_argument("--run", default=str(int(time.time())))
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--batch-every", type=float, default=0.5)
    p.add_argument("--respondents", type=int, default=3)
    p.add_argument("--pause", type=float, default=0.2)
    Soak(p.parse_args()).run()


if __name__ == "__main__":
    main()
