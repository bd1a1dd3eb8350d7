#!/usr/bin/env python3
"""The doctor console end to end in a real browser: headless Chromium (Debian chromium) driven over
WebDriver (Debian chromium-driver, its HTTP protocol spoken with the standard library), against the
three-city deployment of the booking tests (real nodes, simulators, redis-server).

A (family) doctor opens http://<Ma'anshan node>/console/, resolves a metro resident, searches Nanjing orthopaedics
slots, books one, and sees the booking delivered; the booking is then at the simulated Nanjing
hospital (its place gone from the platform's free slots, the appointment carries the platform's
reference). The test keeps a screenshot (METROGW_ARTIFACTS_DIR, default build/test-artifacts).
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import request, wait_until  # noqa: E402
from webdriver import ARTIFACTS, ELEMENT, WebDriver, browsers_installed  # noqa: E402
from cities import residents  # noqa: E402
import test_booking  # noqa: E402

class ConsoleTest(test_booking.BookingTest):
    def browser(self):
        self.assertTrue(browsers_installed(),
                        "chromium and chromium-driver are missing: deploy/install-deps.sh installs them")
        driver = WebDriver(self.tmpdir)
        self.addCleanup(driver.close)
        return driver

    def wait_idle(self, driver, timeout=30):
        wait_until(lambda: driver.js("return document.body.dataset.busy") == "0", timeout=timeout, interval=0.1,
                   message="the console stayed busy")

    def test_static_files_and_their_headers(self):
        port = self.ports["wuhu"]["main"]
        r = request(port, "GET", "/console")
        self.assertEqual((r.status, r.header("location")), (301, "/console/"))
        r = request(port, "GET", "/console/")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("content-type").startswith("text/html"))
        self.assertIn("script-src 'self'", r.header("content-security-policy"))
        self.assertEqual(r.header("x-content-type-options"), "nosniff")
        self.assertIn(b"app.js", r.body)
        for path, kind in (("/console/app.js", "text/javascript"), ("/console/style.css", "text/css")):
            r = request(port, "GET", path)
            self.assertEqual(r.status, 200, path)
            self.assertTrue(r.header("content-type").startswith(kind), path)
        r = request(port, "GET", "/console/../v1/node")
        self.assertNotEqual(r.status, 200)
        r = request(port, "GET", "/console/secret.txt")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.header("content-type"), "application/problem+json")

    def test_a_booking_made_in_the_browser_reaches_the_hospital(self):
        person = next(p for p in residents(7) if len(p["cities"]) == 3 and not p["conflict_city"])  # Sim's seed
        driver = self.browser()
        driver.go(f"http://127.0.0.1:{self.ports['maanshan']['main']}/console/")
        self.wait_idle(driver)

        driver.type("#patient-resident-id", person["resident_id"])
        driver.type("#patient-name", person["name"])
        driver.js("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));"
                  "arguments[0].dispatchEvent(new Event('change'))",
                  {ELEMENT: driver.find("#patient-birth-date")}, person["birth_date"])
        driver.click("#patient-resolve")
        self.wait_idle(driver)
        known = driver.js("return Array.from(document.querySelectorAll('#patient-cities li[data-city]'))"
                          ".map(li => li.dataset.city).sort()")
        self.assertEqual(known, ["3201", "3402", "3405"], "the patient is known in all three cities")
        self.assertNotIn(person["resident_id"], driver.js("return document.body.innerText"),
                         "the full resident ID is not shown after resolving")

        driver.js("const s = document.getElementById('search-city'); s.value = '3201';"
                  "s.dispatchEvent(new Event('change'))")
        self.wait_idle(driver)
        driver.type("#search-department", "04.03")
        driver.click("#search-go")
        self.wait_idle(driver)
        wait_until(lambda: driver.js("return document.querySelectorAll('#slots [data-slot-id] .book').length") > 0,
                   timeout=20, message="no bookable slot rows")
        slot = driver.js("return document.querySelector('#slots [data-slot-id] .book').closest('[data-slot-id]')"
                         ".dataset.slotId")
        self.assertTrue(slot.startswith("3201."), slot)
        before = self.redis_in("nanjing", "HGET", f"mgw:pool:slot:{slot}", "booked")
        driver.js("document.querySelector('[data-slot-id=\"' + arguments[0] + '\"] .book').click()", slot)
        self.wait_idle(driver)
        wait_until(lambda: driver.js("return document.querySelectorAll('#bookings [data-appointment-id]').length") > 0,
                   timeout=20, message="the booking is not listed: " +
                   str(driver.js("return document.getElementById('message').textContent")))
        aid = driver.js("return document.querySelector('#bookings [data-appointment-id]').dataset.appointmentId")
        self.assertTrue(aid.startswith("3201.a"), aid)

        # Delivered to the simulated Nanjing hospital: the pool's appointment has the platform's
        # reference, the console shows it delivered, and the slot holds one more booking.
        wait_until(lambda: self.redis_in("nanjing", "HGET", f"mgw:pool:appt:{aid}", "delivery") == b"delivered",
                   timeout=60, message="the booking was not delivered")
        self.assertTrue(self.redis_in("nanjing", "HGET", f"mgw:pool:appt:{aid}", "platform_ref"))
        self.assertEqual(int(self.redis_in("nanjing", "HGET", f"mgw:pool:slot:{slot}", "booked")), int(before) + 1)

        def shown_delivered():
            driver.js("const b = document.querySelector('#bookings [data-appointment-id] .refresh');"
                      "if (b) b.click();")
            return "delivered" in driver.js("return document.querySelector('#bookings [data-appointment-id]')"
                                            ".textContent")
        wait_until(shown_delivered, timeout=30, interval=1, message="the console does not show the delivery")
        os.makedirs(ARTIFACTS, exist_ok=True)
        shot = os.path.join(ARTIFACTS, "console.png")
        driver.screenshot(shot)
        self.assertGreater(os.path.getsize(shot), 10_000)
        print(f"console screenshot: {shot}", file=sys.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
