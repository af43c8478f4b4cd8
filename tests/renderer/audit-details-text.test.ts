import { beforeAll, describe, expect, it } from 'vitest';
import { localeFormats } from '../../renderer/i18n/locale-format';
import { formatMessage } from '../../renderer/i18n/message-format';
import { en, type MessageKey, type Messages } from '../../renderer/i18n/messages.en';
import { es } from '../../renderer/i18n/messages.es';
import { fr } from '../../renderer/i18n/messages.fr';
import {
  auditDetailPhrases as phrasesIn,
  auditDetailsText as textIn,
  type DetailWords,
} from '../../renderer/features/audit/audit-details-text';

const DICTIONARIES: Record<'en' | 'es' | 'fr', Messages> = { en, es, fr };
function words(lang: 'en' | 'es' | 'fr'): DetailWords {
  const dict = DICTIONARIES[lang];
  return {
    t: (key: MessageKey, params) => formatMessage(dict[key], params, lang),
    ...localeFormats(lang),
  };
}

// ICU versions differ on the spaces they put in numbers and times (no-break, narrow or plain):
// compared as plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
type Entry = Parameters<typeof textIn>[1];
const auditDetailPhrases = (w: DetailWords, e: Entry) => phrasesIn(w, e).map(plain);
const auditDetailsText = (w: DetailWords, e: Entry) => plain(textIn(w, e));

// 14 March 2026, 10:00:00 UTC; the formats read the zone when they are made.
const AT = Date.UTC(2026, 2, 14, 10, 0, 0);
beforeAll(() => {
  process.env.TZ = 'UTC';
});

/** Audit details as a manager reads them (renderer/features/audit/audit-details-text.ts). */
describe('audit details in words', () => {
  const lockout = {
    action: 'auth.lockout',
    at: AT,
    details: { failures: 10, until: AT + 15 * 60_000 },
  };

  it('a lockout: the count with its plural, a locale date and how long, no epoch number', () => {
    expect(auditDetailPhrases(words('en'), lockout)).toEqual([
      '10 failed attempts in a row',
      'Locked until 3/14/26, 10:15:00 AM (in 15 minutes)',
    ]);
    expect(auditDetailPhrases(words('es'), lockout)).toEqual([
      '10 intentos fallidos seguidos',
      'Bloqueada hasta el 14/3/26, 10:15:00 (dentro de 15 minutos)',
    ]);
    expect(auditDetailPhrases(words('fr'), lockout)).toEqual([
      '10 échecs consécutifs',
      'Verrouillé jusqu’au 14/03/2026 10:15:00 (dans 15 minutes)',
    ]);
    for (const lang of ['en', 'es', 'fr'] as const)
      expect(auditDetailsText(words(lang), lockout)).not.toMatch(/until:|\d{13}/);
  });

  it('plurals follow the language: one attempt, and French 0 and 1 alike', () => {
    const once = {
      action: 'auth.sign_in',
      at: AT,
      details: { reason: 'bad_password', failures: 1 },
    };
    expect(auditDetailsText(words('en'), once)).toBe(
      'Why: wrong password · 1 failed attempt in a row',
    );
    expect(auditDetailsText(words('es'), once)).toBe(
      'Motivo: contraseña incorrecta · 1 intento fallido seguido',
    );
    expect(auditDetailsText(words('fr'), once)).toBe(
      'Motif : mot de passe erroné · 1 échec consécutif',
    );
    const none = { action: 'recovery_code.use', at: AT, details: { remaining: 0 } };
    expect(auditDetailsText(words('en'), none)).toBe('No codes left');
    expect(auditDetailsText(words('fr'), none)).toBe('Plus aucun code');
  });

  it('roles by their names: "viewer" is Crew, Equipo, Équipier', () => {
    const change = {
      action: 'account.role_change',
      at: AT,
      details: { before: 'viewer', after: 'manager', recordVersion: 1234 },
    };
    expect(auditDetailsText(words('en'), change)).toBe(
      'From: Crew · To: Manager · Signed record version 1,234',
    );
    expect(auditDetailsText(words('es'), change)).toBe(
      'Antes: Equipo · Ahora: Gerente · Versión firmada del registro: 1234',
    );
    expect(auditDetailsText(words('fr'), change)).toBe(
      'Avant : Équipier · Après : Responsable · Version signée de la fiche : 1 234',
    );
  });

  it('durations, policies and codes', () => {
    const clock = {
      action: 'time.anomaly',
      at: AT,
      details: { wallClock: AT - 2 * 3_600_000, behindMs: 2 * 3_600_000, at: 'startup' },
    };
    expect(auditDetailPhrases(words('es'), clock)).toEqual([
      'El reloj marcaba 14/3/26, 8:00:00',
      'Atrasado 2 horas',
      'Detectado al iniciar Keyholder',
    ]);
    const policy = {
      action: 'policy.change',
      at: AT,
      details: {
        versionBefore: 1,
        versionAfter: 2,
        profilesBefore: { admin: 'standard', viewer: 'standard' },
        profilesAfter: { admin: 'standard', viewer: 'classic' },
        warnings: [{ role: 'viewer', profile: 'classic', warning: 'Not recommended …' }],
      },
    };
    expect(auditDetailPhrases(words('en'), policy)).toEqual([
      'Version before: 1',
      'Version after: 2',
      'Before: Administrator: Standard, Crew: Standard',
      'After: Administrator: Standard, Crew: Classic checklist',
      'Not recommended: Crew (Classic checklist)',
    ]);
    const denied = {
      action: 'permission.denied',
      at: AT,
      details: { permission: 'staff.change_role', targetRole: 'admin' },
    };
    expect(auditDetailsText(words('fr'), denied)).toBe(
      'Nécessaire : changer des rôles · Son rôle : Administrateur',
    );
    const forever = { action: 'auth.lockout', at: AT, details: { failures: 3, until: null } };
    expect(auditDetailPhrases(words('en'), forever)[1]).toBe('Locked until a manager unlocks it');
  });

  it('a policy change: each setting it moved, before → after, in words and units', () => {
    const change = {
      action: 'policy.change',
      at: AT,
      details: {
        versionBefore: 2,
        versionAfter: 3,
        changes: [
          { role: 'viewer', field: 'session.idleLockMinutes', before: 15, after: 1 },
          { role: 'manager', field: 'profile', before: 'standard', after: 'pci' },
          { role: 'manager', field: 'password.requireDigit', before: false, after: true },
          { role: 'manager', field: 'password.expiryDays', before: null, after: 90 },
        ],
      },
    };
    expect(auditDetailPhrases(words('en'), change)[2]).toBe(
      'Changed: Crew: idle lock after 15 minutes → 1 minute; ' +
        'Manager: profile Standard → PCI DSS; Manager: a digit required off → on; ' +
        'Manager: password expiry none → 90 days',
    );
    expect(auditDetailPhrases(words('es'), change)[2]).toMatch(
      /^Cambios: Equipo: bloqueo por inactividad tras 15 minutos → 1 minuto; /,
    );
    expect(auditDetailPhrases(words('fr'), change)[2]).toMatch(
      /^Modifié : Équipier: verrouillage après inactivité de 15 minutes → 1 minute; /,
    );
    for (const lang of ['en', 'es', 'fr'] as const)
      expect(auditDetailsText(words(lang), change)).not.toMatch(/[{}]|session\.|changes:/);
  });

  it('what the catalogue does not know stays "key: value", escaped', () => {
    const odd = {
      action: 'auth.sign_in',
      at: AT,
      details: { method: 'password', typed: 'a\u202eb', nested: { line: 'x\u2028y' } },
    };
    expect(auditDetailsText(words('en'), odd)).toBe(
      'With a password · typed: a\\u202Eb · nested: {"line":"x\\u2028y"}',
    );
    const text = { action: 'sync.connect', at: AT, details: { storeName: 'Evil\u202eStore' } };
    expect(auditDetailsText(words('en'), text)).toBe('Store: Evil\\u202EStore');
  });
});
