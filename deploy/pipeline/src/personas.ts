import type { GovernedPerson } from './governed-registry';

/**
 * The people of the simulated plant, one per role the console and the review workflow tell apart: the
 * main job issues each a token for the person at the keyboard, the browser tests act as them.
 */
export const PERSONAS = {
  lead: { name: 'lena-lead', role: 'governance-lead', domains: ['*'] },
  owner: { name: 'omar-owner', role: 'domain-owner', domains: ['asset-health'] },
  operator: { name: 'olga-operator', role: 'operator', domains: ['*'] },
  analyst: { name: 'anna-analyst', role: 'analyst', domains: ['*'] },
} as const satisfies Record<string, GovernedPerson>;

export type Persona = keyof typeof PERSONAS;
