import { z } from 'zod';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

/** Quarter hours only: a 15-minute window then lies in exactly one tariff period. */
const timeOfDay = z.string().regex(/^(([01]\d|2[0-3]):(00|15|30|45)|24:00)$/, 'must be HH:MM on a quarter hour, e.g. 08:00 or 20:15 (24:00 ends a day)');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const period = z
  .strictObject({
    name: z.string().min(1).describe('Shown in each window as tariffPeriod. Example: peak'),
    pricePerKwh: z.number().nonnegative().describe('Price in the tariff currency per kWh. Example: 0.32'),
    days: z
      .array(z.enum(weekdays))
      .min(1)
      .default([...weekdays])
      .describe('Local weekdays the period applies on. Example: ["mon","tue","wed","thu","fri"]'),
    from: timeOfDay.describe('Local start time (inclusive). Example: 08:00'),
    to: timeOfDay.describe('Local end time (exclusive); before `from` means overnight. Example: 20:00'),
  })
  .refine((p) => p.from !== p.to, { message: 'from and to must differ', path: ['to'] });

export const siteTariffSchema = z.strictObject({
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
    .default('EUR'),
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').default('UTC').describe('Local time the periods are written in'),
  basePricePerKwh: z.number().nonnegative().describe('Price outside every period. Example: 0.21'),
  basePeriodName: z.string().min(1).default('standard'),
  /** The first period that matches a window wins. */
  periods: z.array(period).default([]),
});

/** Energy prices per site (ISA-95 site path, e.g. acme/berlin), optionally time-of-use. */
export const tariffConfigSchema = z.strictObject({
  sites: z.record(z.string().regex(/^[^/]+\/[^/]+$/, 'site keys must be enterprise/site paths such as acme/berlin'), siteTariffSchema).default({}),
  default: siteTariffSchema.optional().describe('Tariff of sites not listed; without one their windows carry no cost'),
});

export type SiteTariff = z.output<typeof siteTariffSchema>;
export type TariffConfig = z.output<typeof tariffConfigSchema>;
export type TariffConfigInput = z.input<typeof tariffConfigSchema>;

export { weekdays };
