import { describe, expect, it } from 'vitest';
import { ROLES } from '../../common/policy/policy';
import { ROLE_LABEL } from '../../renderer/components/role-label';
import { STRENGTH_LABEL, strengthLabel } from '../../renderer/components/strength-label';
import { ROUTES, ROUTE_LABEL, routesFor } from '../../renderer/features/shell/routes';
import { en } from '../../renderer/i18n/messages.en';
import { es } from '../../renderer/i18n/messages.es';
import { fr } from '../../renderer/i18n/messages.fr';

/** The navigation a role sees (routes.ts) and the words for roles and strength levels. */
describe('navigation', () => {
  it('shows each role only the screens it can use', () => {
    expect(routesFor('admin')).toEqual(['home', 'staff', 'audit', 'account', 'settings']);
    expect(routesFor('manager')).toEqual(['home', 'staff', 'audit', 'account', 'settings']);
    expect(routesFor('viewer')).toEqual(['home', 'account', 'settings']);
  });

  it('offers the admin area to admins on a PC connected to a sync server only', () => {
    expect(routesFor('admin', 'enrolled')).toContain('admin');
    expect(routesFor('admin', 'standalone')).not.toContain('admin');
    expect(routesFor('manager', 'enrolled')).not.toContain('admin');
    expect(routesFor('viewer', 'enrolled')).toEqual(['home', 'account', 'settings']);
  });

  it('keeps the routes in one order, whatever the role', () => {
    for (const role of ROLES) {
      const routes = routesFor(role, 'enrolled');
      expect(routes).toEqual(ROUTES.filter((r) => routes.includes(r)));
    }
  });
});

describe('labels', () => {
  const dictionaries = { en, es, fr };

  it('names every route and role in every language, each differently', () => {
    for (const [lang, words] of Object.entries(dictionaries)) {
      const routes = ROUTES.map((r) => words[ROUTE_LABEL[r]]);
      const roles = ROLES.map((r) => words[ROLE_LABEL[r]]);
      for (const text of [...routes, ...roles]) expect(text, lang).toMatch(/\p{L}/u);
      expect(new Set(routes).size, lang).toBe(ROUTES.length);
      expect(new Set(roles).size, lang).toBe(ROLES.length);
    }
  });

  it('reads strength levels 0 to 4 in order, and anything else as the weakest', () => {
    expect([0, 1, 2, 3, 4].map(strengthLabel)).toEqual([...STRENGTH_LABEL]);
    expect(new Set(STRENGTH_LABEL.map((key) => en[key])).size).toBe(5);
    for (const level of [-1, 5, 2.5, Number.NaN]) {
      expect(strengthLabel(level), String(level)).toBe('password.strength_0');
    }
  });
});
