import { PagewiseError } from '../../protocol';
import { messageLocale, t } from './i18n';

/** Numbers, sizes, times and errors as the UI shows them, in the browser's language. */

/** Numbers and dates in the locale of the text around them (see messageLocale). */
const lang = (): string => messageLocale();

export function formatNumber(value: number, maximumFractionDigits = 0): string {
  return new Intl.NumberFormat(lang(), { maximumFractionDigits }).format(value);
}

export function formatBytes(bytes: number): string {
  const [unit, scale] = bytes >= 1e9 ? ['gigabyte', 1e9] : bytes >= 1e6 ? ['megabyte', 1e6] : ['kilobyte', 1e3];
  return new Intl.NumberFormat(lang(), { style: 'unit', unit: unit as string, maximumFractionDigits: 1 }).format(bytes / (scale as number));
}

/** kB/s under 1 MB/s, so that a slow link reads "250 kB/s" rather than "0 MB/s". */
export function formatRate(bytesPerSecond: number): string {
  const [unit, scale] = bytesPerSecond >= 1e6 ? ['megabyte-per-second', 1e6] : ['kilobyte-per-second', 1e3];
  return new Intl.NumberFormat(lang(), { style: 'unit', unit: unit as string, maximumFractionDigits: bytesPerSecond >= 1e6 ? 1 : 0 }).format(bytesPerSecond / (scale as number));
}

/** A fraction as a percentage in the reader's locale ("43 %", "٤٣٪"). */
export function formatPercent(fraction: number): string {
  return new Intl.NumberFormat(lang(), { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}

/** Minutes and seconds left, or a word for "unknown" while the rate is not known yet. */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return t('models_etaUnknown');
  const rounded = Math.ceil(seconds);
  return t('models_eta', [String(Math.floor(rounded / 60)), String(rounded % 60).padStart(2, '0')]);
}

/** Roughly how long is left ("about 3 min left"), for badges and messages; the word for "unknown" until known. */
export function formatTimeLeft(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return t('models_etaUnknown');
  return t('timeLeftAbout', [formatApproxDuration(seconds * 1000)]);
}

/** Short durations in milliseconds, longer ones in seconds, so both a 3 ms run and a 40 s load read well. */
export function formatDuration(ms: number): string {
  const [unit, value, digits] = ms >= 1000 ? ['second', ms / 1000, 1] : ['millisecond', ms, ms < 10 ? 1 : 0];
  return new Intl.NumberFormat(lang(), { style: 'unit', unit: unit as string, maximumFractionDigits: digits as number }).format(value as number);
}

/** A rough time left for a person: seconds under a minute ("40 sec"), else whole minutes ("3 min"). */
export function formatApproxDuration(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  const [unit, value] = seconds < 60 ? ['second', Math.ceil(seconds / 5) * 5] : seconds < 90 * 60 ? ['minute', Math.round(seconds / 60)] : ['hour', Math.round(seconds / 3600)];
  return new Intl.NumberFormat(lang(), { style: 'unit', unit: unit as string, unitDisplay: 'short' }).format(value as number);
}

export function formatTime(epochMs: number): string {
  return new Intl.DateTimeFormat(lang(), { dateStyle: 'short', timeStyle: 'medium' }).format(epochMs);
}

/**
 * Failures of the machinery (the engine stopped or hung, the line to it dropped, the model busy) carry an English
 * message made in the worker or the engine host; they read the same whatever their detail, so every page says
 * them in the reader's language.
 */
const MACHINERY_CODES = new Set(['engine-crashed', 'engine-unavailable', 'connection-lost', 'busy']);

/** An error's message for a person: the machinery's failures in the reader's language, others as written for them. */
export function errorMessage(error: unknown): string {
  if (error instanceof PagewiseError) {
    if (error.code === 'cancelled') return t('cancelled');
    if (MACHINERY_CODES.has(error.code)) return t(`error_${error.code.replaceAll('-', '_')}`);
  }
  return error instanceof Error ? error.message : String(error);
}

export function isCancelled(error: unknown): boolean {
  return error instanceof PagewiseError && error.code === 'cancelled';
}
