import { randomBytes } from 'node:crypto';

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex').toUpperCase();
}

export function randomDigits(count: number): string {
  return Array.from(randomBytes(count), (b) => String(b % 10)).join('');
}

export function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

export function digits(n: string): string {
  return n.split('@')[0].replace(/\D/g, '');
}

/** `<digits>@c.us` for bare digits; an id with a server stays as it is. */
export function userId(n: string): string {
  return n.includes('@') ? n : `${digits(n)}@c.us`;
}
