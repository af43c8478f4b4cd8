import type { Page } from '@playwright/test';
import type { Keyholder } from '../../electron/core/keyholder';
import { expect, test } from './support/fixtures';
import { screen } from './support/screens';
import { seedStore, type SeededPerson } from './support/seed';
import { startE2eSyncServer, type E2eSyncServer } from './support/sync-server';
import { Authenticator } from './support/totp';
import { confirmPassword, go, signIn, signInWithCode } from './support/ui';

/**
 * Connecting a standalone PC (Settings → Sync server): the admin sees what happens to each of
 * the PC's people (handed over to the server's store, kept, or to be assigned there) in words,
 * in English, Spanish and French, light and dark, then confirms with their password; the people
 * handed over go on signing in with what they had, the admin as a manager of the store.
 */
let server: E2eSyncServer;
let maple: string;
test.beforeAll(async () => {
  server = await startE2eSyncServer();
  maple = (
    await server.api<{ id: string }>('POST', '/api/v1/stores', {
      name: 'Maple Street',
      brand: 'Northwind',
    })
  ).body.id;
  await server.createPerson({ name: 'Mia Manager', role: 'manager', stores: [maple] });
});
test.afterAll(() => server?.close());

async function issueCode(): Promise<string> {
  const r = await server.api<{ code: string }>('POST', `/api/v1/stores/${maple}/enrollment-codes`);
  expect(r.status).toBe(201);
  return r.body.code;
}

/** Crew with an email address (server accounts need one), signed in once through the core. */
async function crewWithEmail(kh: Keyholder, admin: SeededPerson): Promise<SeededPerson> {
  const cam: SeededPerson = {
    username: 'cam.crew',
    name: 'Cam Crew',
    password: 'cinnamon scone at the window',
    role: 'viewer',
  };
  const first = await kh.signIn.signIn(admin.username, admin.password);
  if (first.status !== 'needs_totp') throw new Error(first.status);
  const done = await kh.signIn.submitCode(first.challengeId, (await admin.phone!.nextCode()).code);
  if (done.status !== 'signed_in') throw new Error(done.status);
  await kh.authority.unlock(done.session, admin.password);
  const made = await kh.staff.create(done.session.sessionId, {
    username: cam.username,
    displayName: cam.name,
    email: 'cam@example.test',
    role: 'viewer',
  });
  kh.sessions.end(done.session.sessionId, 'signed_out');
  let step = await kh.signIn.signIn(cam.username, made.temporaryPassword);
  if (step.status !== 'needs_password_change') throw new Error(step.status);
  step = await kh.signIn.submitNewPassword(step.challengeId, cam.password);
  if (step.status === 'needs_totp_enrollment') {
    const enrollment = await kh.signIn.beginEnrollment(step.challengeId);
    cam.phone = new Authenticator(enrollment.manualKey);
    step = await kh.signIn.confirmEnrollment(step.challengeId, (await cam.phone.nextCode()).code);
  }
  if (step.status !== 'signed_in') throw new Error(step.status);
  kh.sessions.end(step.session.sessionId, 'signed_out');
  return cam;
}

async function look(page: Page, languageLabel: string, lang: string, theme: 'light' | 'dark') {
  await page.locator(`input[name="theme"][value="${theme}"]`).check();
  await page.getByLabel(languageLabel, { exact: true }).selectOption(lang);
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
}

test('connecting shows who is handed over, kept or to be assigned, and asks to confirm', async ({
  app,
  page,
}) => {
  const { admin, manager, crew } = await seedStore(app.kh);
  const cam = await crewWithEmail(app.kh, admin);
  await page.goto(app.url);
  await signInWithCode(page, admin.username, admin.password, admin.phone!);
  await go(page, 'Settings');
  await expect(page.getByRole('note')).toContainText('who is handed over');
  await page.getByLabel('Server address').fill(server.url);
  await page.getByLabel('Name of this computer').fill('Maple front till');
  const review = page.getByRole('button', { name: 'Review what connecting does' });
  // A wrong code is refused in words, and nothing is shown as if it would happen.
  await page.getByLabel('Enrollment code').fill('AAAA-BBBB-CCCC-DDDD');
  await review.click();
  await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toContainText(
    'This enrollment code is not valid or has expired.',
  );
  await expect(page.getByTestId('handover-plan')).toHaveCount(0);
  await page.getByLabel('Enrollment code').fill(await issueCode());
  await review.click();

  const plan = page.getByTestId('handover-plan');
  await expect(
    plan.getByRole('heading', { name: 'What connecting to Maple Street does' }),
  ).toBeVisible();
  const handed = plan.getByTestId('plan-handed_over');
  await expect(handed.getByRole('heading')).toHaveText('Handed over to the store (2)');
  await expect(handed).toContainText(
    'Ada Admin (ada.admin) · Administrator, becomes Manager · you',
  );
  await expect(handed).toContainText('Becomes a manager of this store');
  await expect(handed).toContainText('Cam Crew (cam.crew) · Crew');
  const left = plan.getByTestId('plan-not_handed_over');
  await expect(left).toContainText(`${manager.name} (${manager.username})`);
  await expect(left).toContainText('No email address, which server accounts need');
  await expect(plan.getByTestId('plan-server-people')).toContainText('Mia Manager');
  await expect(plan).not.toContainText('viewer');
  await plan.locator('h4').evaluate((heading) => heading.scrollIntoView());
  await screen(page, 'connect-handover-plan');

  // Cancel changes nothing and keeps what was typed; the plan in Spanish, dark.
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(review).toBeVisible();
  await look(page, 'Language', 'es', 'dark');
  await page.getByRole('button', { name: 'Revisar qué hace la conexión' }).click();
  await expect(plan.getByTestId('plan-handed_over')).toContainText(
    'Administrador, pasa a Gerente · usted',
  );
  await expect(plan.getByTestId('plan-not_handed_over')).toContainText('Sin dirección de correo');
  await screen(page, 'connect-handover-plan-es-dark');
  await page.getByRole('button', { name: 'Cancelar' }).click();
  await look(page, 'Idioma', 'fr', 'light');
  await page.getByRole('button', { name: 'Voir ce que fait la connexion' }).click();
  await expect(plan.getByTestId('plan-handed_over')).toContainText('Transférés au magasin (2)');
  await expect(plan.getByTestId('plan-kept')).toContainText('Personne.');
  await screen(page, 'connect-handover-plan-fr');
  await page.getByRole('button', { name: 'Annuler' }).click();
  await look(page, 'Langue', 'en', 'light');

  // An address typed for Max (he has none here) hands him over too, once the plan is checked
  // again: Confirm waits for that.
  await review.click();
  await page
    .getByLabel(`Email address for ${manager.name} (to hand them over)`)
    .fill('max@example.test');
  await expect(page.getByRole('button', { name: 'Confirm and connect' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Check the plan again' }).click();
  await expect(plan.getByTestId('plan-handed_over')).toContainText(
    `${manager.name} (${manager.username}) · Manager`,
  );
  await expect(plan.getByTestId('plan-handed_over').getByRole('heading')).toHaveText(
    'Handed over to the store (3)',
  );
  await screen(page, 'connect-handover-plan-email');

  // Confirm: the password is asked for, then the PC connects and syncs.
  await page.getByRole('button', { name: 'Confirm and connect' }).click();
  await confirmPassword(page, admin.password);
  // Ada was handed over as a manager: her admin session ended; she signs in again as before.
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await expect(page.getByTestId('sync-footer')).toContainText('Synced');
  await signInWithCode(page, admin.username, admin.password, admin.phone!);
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Ada Admin' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, cam.username, cam.password);
  if (cam.phone) {
    await page.getByLabel('Authentication code').fill((await cam.phone.nextCode()).code);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Cam Crew' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInWithCode(page, manager.username, manager.password, manager.phone!);
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Max Manager' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  // Vera was not handed over (no address): she is no longer on this PC.
  await signIn(page, crew.username, crew.password);
  await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toBeVisible();
  const enrolled = await server.api<{ devices: { name: string }[] }>(
    'GET',
    `/api/v1/stores/${maple}/devices`,
  );
  expect(enrolled.body.devices.map((d) => d.name)).toEqual(['Maple front till']);
});
