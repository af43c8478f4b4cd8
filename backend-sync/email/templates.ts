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
