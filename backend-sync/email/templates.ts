/**
 * Every email the server sends, in text and HTML. Essential mail (verification, reset, account
 * lookup, security alerts) has no unsubscribe link; non-essential mail (the weekly digest) does.
 * Every mail names the support contact. Values are escaped for HTML; links are built by the
 * caller from PUBLIC_URL only.
 */
export type MailTemplate =
  | { kind: 'verify_email'; name: string; code: string; link: string; username?: string }
  | { kind: 'confirm_email_change'; name: string; code: string; link: string }
  | { kind: 'email_changed'; name: string; newAddress: string; when: string }
  | { kind: 'reset_password'; name: string; code: string; link: string }
  | { kind: 'find_account'; name: string; username: string; storeName: string }
  | { kind: 'security_alert'; name: string; event: string; when: string }
  /** Security alert and the way back in: an admin or manager reset the person's 2FA. */
  | { kind: 'two_factor_reset'; name: string; when: string; code: string; link: string }
  /** Sent when someone signs in with the right password to an account without 2FA set up. */
  | { kind: 'two_factor_setup'; name: string; code: string; link: string }
  | { kind: 'weekly_digest'; name: string; lines: string[]; unsubscribeLink: string };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  essential: boolean;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Body {
  subject: string;
  paragraphs: string[];
  action?: { label: string; link: string };
  code?: string;
}

function body(t: MailTemplate): Body {
  switch (t.kind) {
    case 'verify_email':
      return {
        subject: 'Confirm your email address for Keyholder',
        paragraphs: [
          `Hello ${t.name},`,
          'Confirm this address to activate your Keyholder account. The code and the link work once, for one hour.',
          ...(t.username ? [`Your username on the store PCs: ${t.username}`] : []),
          'If you were not expecting this, ignore this email.',
        ],
        code: t.code,
        action: { label: 'Confirm my email address', link: t.link },
      };
    case 'confirm_email_change':
      return {
        subject: 'Confirm your new email address for Keyholder',
        paragraphs: [
          `Hello ${t.name},`,
          'You asked to use this address for your Keyholder account. Confirm it with the code or the link, which work once, for one hour. Until then your account keeps its current address.',
          'If it was not you, ignore this email: nothing changes.',
        ],
        code: t.code,
        action: { label: 'Confirm my new address', link: t.link },
      };
    case 'email_changed':
      return {
        subject: 'The email address of your Keyholder account was changed',
        paragraphs: [
          `Hello ${t.name},`,
          `The email address of your Keyholder account was changed to ${t.newAddress} (${t.when}). Mail about your account now goes there.`,
          'If this was not you, contact support at once.',
        ],
      };
    case 'reset_password':
      return {
        subject: 'Reset your Keyholder password',
        paragraphs: [
          `Hello ${t.name},`,
          'Someone asked to reset the password of your Keyholder account. If it was you, use the code or the link within one hour. Your authentication code will still be needed to sign in.',
          'If it was not you, ignore this email: your password has not changed.',
        ],
        code: t.code,
        action: { label: 'Choose a new password', link: t.link },
      };
    case 'find_account':
      return {
        subject: 'Your Keyholder account',
        paragraphs: [
          `Hello ${t.name},`,
          `Your username at ${t.storeName} is: ${t.username}`,
          'If you did not ask for this, you can ignore this email.',
        ],
      };
    case 'security_alert':
      return {
        subject: 'Security alert for your Keyholder account',
        paragraphs: [
          `Hello ${t.name},`,
          `${t.event} (${t.when}).`,
          'If this was not you, contact support at once.',
        ],
      };
    case 'two_factor_reset':
      return {
        subject: 'Security alert: two-step sign-in was reset on your Keyholder account',
        paragraphs: [
          `Hello ${t.name},`,
          `An administrator reset the two-step sign-in (authenticator app) of your Keyholder account and signed out all your sessions (${t.when}). Your password has not changed.`,
          'To sign in to the Keyholder server again, set up two-step sign-in with the code or the link below, within one hour. You will need your current password and your authenticator app. A store PC asks you to set it up at your next sign-in there.',
          'If you did not ask for this, contact support at once.',
        ],
        code: t.code,
        action: { label: 'Set up two-step sign-in', link: t.link },
      };
    case 'two_factor_setup':
      return {
        subject: 'Set up two-step sign-in for Keyholder',
        paragraphs: [
          `Hello ${t.name},`,
          'Someone signed in to your Keyholder account with your password, but two-step sign-in is not set up for it, so the sign-in was refused.',
          'If it was you, set it up with the code or the link below, within one hour. You will need your current password and your authenticator app.',
          'If it was not you, someone knows your password: contact support at once.',
        ],
        code: t.code,
        action: { label: 'Set up two-step sign-in', link: t.link },
      };
    case 'weekly_digest':
      return {
        subject: 'Your weekly Keyholder summary',
        paragraphs: [`Hello ${t.name},`, ...t.lines],
      };
  }
}

export function renderMail(template: MailTemplate, supportContact: string): RenderedMail {
  const b = body(template);
  const essential = template.kind !== 'weekly_digest';
  const footer = [`Need help? Contact ${supportContact}.`];
  if (!essential) footer.push(`Unsubscribe from these summaries: ${template.unsubscribeLink}`);

  const text = [
    ...b.paragraphs,
    ...(b.code ? [`Your code: ${b.code}`] : []),
    ...(b.action ? [`${b.action.label}: ${b.action.link}`] : []),
    '--',
    ...footer,
  ].join('\n\n');

  const p = (s: string) => `<p>${escapeHtml(s)}</p>`;
  const html = [
    '<!doctype html><html lang="en"><body style="font-family:sans-serif;line-height:1.5;color:#1a1a1a">',
    ...b.paragraphs.map(p),
    b.code
      ? `<p>Your code: <strong style="font-size:1.3em;letter-spacing:0.1em">${escapeHtml(b.code)}</strong></p>`
      : '',
    b.action
      ? `<p><a href="${escapeHtml(b.action.link)}">${escapeHtml(b.action.label)}</a></p>`
      : '',
    '<hr>',
    p(footer[0]!),
    essential
      ? ''
      : `<p><a href="${escapeHtml(template.kind === 'weekly_digest' ? template.unsubscribeLink : '')}">Unsubscribe from these summaries</a></p>`,
    '</body></html>',
  ].join('');
  return { subject: b.subject, text, html, essential };
}
