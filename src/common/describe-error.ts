/** An error's message (a thrown non-Error as text), for last_error and error answers. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
