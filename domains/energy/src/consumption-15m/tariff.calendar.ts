import { type SiteTariff, type TariffConfig, type Weekday, weekdays } from './tariff.config';

export interface Price {
  period: string;
  pricePerKwh: number;
  currency: string;
}

const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Prices a window by the local time at its start, per site, from a validated tariff config. */
export class TariffCalendar {
  private readonly formats = new Map<string, Intl.DateTimeFormat>();

  constructor(private readonly config: TariffConfig) {}

  /** The price at `time` for the site, or undefined when neither the site nor a default has a tariff. */
  priceAt(sitePath: string, time: number): Price | undefined {
    const tariff = this.config.sites[sitePath] ?? this.config.default;
    if (!tariff) return undefined;
    const { day, minutes } = this.localTime(tariff.timeZone, time);
    const period = tariff.periods.find((p) => p.days.includes(day) && within(minutes, minutesOf(p.from), minutesOf(p.to)));
    return period
      ? { period: period.name, pricePerKwh: period.pricePerKwh, currency: tariff.currency }
      : { period: tariff.basePeriodName, pricePerKwh: tariff.basePricePerKwh, currency: tariff.currency };
  }

  private localTime(timeZone: SiteTariff['timeZone'], time: number): { day: Weekday; minutes: number } {
    let format = this.formats.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      this.formats.set(timeZone, format);
    }
    const parts = Object.fromEntries(format.formatToParts(new Date(time)).map((p) => [p.type, p.value]));
    const day = String(parts.weekday).toLowerCase().slice(0, 3) as Weekday;
    if (!weekdays.includes(day)) throw new RangeError(`unexpected weekday '${parts.weekday}' from Intl for ${timeZone}`);
    return { day, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
  }
}

/** [from, to) on a day's minutes; to before from wraps over midnight. */
function within(minutes: number, from: number, to: number): boolean {
  return from < to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
}
