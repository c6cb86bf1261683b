import type { NextFunction, Request, Response } from 'express';
import { invalidInput } from './app-error.js';

/**
 * No request shape of ours nests beyond a few levels. A body nested thousands deep (a few KB) would
 * overflow the stack of anything recursive that walks it (class-transformer did: a 500 and a stack
 * in the log), so it is refused right after parsing, before any route sees it.
 */
export const MAX_JSON_DEPTH = 32;

export const TOO_DEEP = `JSON body is nested too deeply (at most ${MAX_JSON_DEPTH} levels of objects and arrays)`;

/** True when objects and arrays nest more than `max` levels; walks with its own stack, never recursion. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

/** Express middleware, installed after the JSON parser. */
export function rejectDeepJson(request: Request, _response: Response, next: NextFunction): void {
  next(nestsDeeperThan(request.body, MAX_JSON_DEPTH) ? invalidInput(TOO_DEEP) : undefined);
}
