/** A webhook secret as Standard Webhooks writes it: `whsec_` and the base64 of 24 to 64 random bytes. */
export function isWebhookSecret(value: string): boolean {
  if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const bytes = Buffer.from(value.slice(6), 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

/** http(s) only, and no credentials in the URL (they would sit in the database and in logs). */
export function isWebhookUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
}
