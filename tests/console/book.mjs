// A family doctor books a Nanjing specialist in the doctor console, in headless Chromium.
//
//   node tests/console/book.mjs   (tests/integration/test_console.py runs it; settings from the environment)
//
// CONSOLE_URL      the console of a node, e.g. http://127.0.0.1:8203/console/
// PATIENT          JSON {"resident_id", "name", "birth_date"} of a metro resident of the simulators
// SEARCH_CITY      GB/T 2260 city to search (3201 Nanjing), SEARCH_DEPARTMENT its department code
// SCREENSHOT       where to write the PNG kept by the test
// CHROMIUM         the browser (default /usr/bin/chromium, Debian's package)
//
// Prints one JSON line on stdout: {"cities": [...], "slot": ID, "appointment": ID, "delivered": true,
// "resident_id_shown": false}. Exits 1 with a message on stderr when a step fails.
import { chromium } from 'playwright-core';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const STEP_TIMEOUT_MS = 30_000;
const DELIVERY_TIMEOUT_MS = 60_000;

// The console sets body[data-busy] to "1" while a request is in flight.
async function idle(page) {
  await page.waitForFunction(() => document.body.dataset.busy === '0', null, { timeout: STEP_TIMEOUT_MS });
}

async function resolvePatient(page, patient) {
  await page.fill('#patient-resident-id', patient.resident_id);
  await page.fill('#patient-name', patient.name);
  await page.fill('#patient-birth-date', patient.birth_date);
  await page.click('#patient-resolve');
  await idle(page);
  return page.$$eval('#patient-cities li[data-city]', (items) => items.map((li) => li.dataset.city).sort());
}

async function bookFirstSlot(page, city, department) {
  await page.selectOption('#search-city', city);
  await idle(page);
  await page.fill('#search-department', department);
  await page.click('#search-go');
  await idle(page);
  const row = page.locator('#slots [data-slot-id]', { has: page.locator('.book') }).first();
  await row.waitFor({ timeout: STEP_TIMEOUT_MS });
  const slot = await row.getAttribute('data-slot-id');
  await row.locator('.book').click();
  await idle(page);
  const booking = page.locator('#bookings [data-appointment-id]').first();
  try {
    await booking.waitFor({ timeout: STEP_TIMEOUT_MS });
  } catch (e) {
    throw new Error(`the booking is not listed; the console says: ${await page.textContent('#message')}`);
  }
  return { slot, appointment: await booking.getAttribute('data-appointment-id'), booking };
}

// The console shows a booking's delivery to the hospital after a refresh.
async function waitDelivered(page, booking) {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const refresh = booking.locator('.refresh');
    if (await refresh.count()) {
      await refresh.click();
      await idle(page);
    }
    if ((await booking.textContent()).includes('delivered')) return true;
    await page.waitForTimeout(1000);
  }
  return false;
}

async function main() {
  const patient = JSON.parse(env('PATIENT'));
  const browser = await chromium.launch({
    executablePath: env('CHROMIUM', '/usr/bin/chromium'),
    // No sandbox: the tests run as root. The rest keeps Chromium off the (closed) network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.goto(env('CONSOLE_URL'));
    await idle(page);
    const cities = await resolvePatient(page, patient);
    const residentIdShown = (await page.innerText('body')).includes(patient.resident_id);
    const booked = await bookFirstSlot(page, env('SEARCH_CITY', '3201'), env('SEARCH_DEPARTMENT', '04.03'));
    const delivered = await waitDelivered(page, booked.booking);
    await page.screenshot({ path: env('SCREENSHOT'), fullPage: false });
    console.log(JSON.stringify({ cities, slot: booked.slot, appointment: booked.appointment, delivered,
      resident_id_shown: residentIdShown }));
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(`console browser test: ${e.message}`);
  process.exit(1);
});
