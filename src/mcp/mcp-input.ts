import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { propertyDocs } from '../openapi/doc-decorators.js';

const JSON_TYPES = new Map<unknown, string>([
  [String, 'string'],
  [Number, 'number'],
  [Boolean, 'boolean'],
]);

const JSON_NAMES = new Set(['string', 'number', 'integer', 'boolean']);

function jsonType(designType: unknown, key: string): string {
  const type = JSON_TYPES.get(designType);
  if (!type) throw new Error(`The DTO property ${key} has no JSON type to advertise: give its ApiProperty a type`);
  return type;
}

/** Every tool that acts on an account takes it as `session` (issue 15); absent, the tool acts on `default`. */
const SESSION_PROPERTY = {
  type: 'string',
  description: 'The session (WhatsApp account) to act on, as whatsapp_list_sessions names it. Default: `default`.',
};

const KEPT = ['minimum', 'maximum', 'default', 'description'] as const;

/**
 * A tool's input schema, derived from the REST DTO's documented properties. It keeps the contract's
 * level of detail (types, required, integer bounds and defaults): the finer rules (digits in a number,
 * a blank message) are the server's, checked by the same DTO, so the agent gets their exact texts.
 */
export function mcpInputSchema(dto?: new () => object, perSession = true): Tool['inputSchema'] {
  const properties: Record<string, object> = {};
  const required: string[] = [];
  for (const [key, doc] of dto ? propertyDocs(dto) : []) {
    // A documented type wins: a property such as `string | null` has no design type to read.
    const type =
      typeof doc.type === 'string' && JSON_NAMES.has(doc.type)
        ? doc.type
        : jsonType(Reflect.getMetadata('design:type', dto!.prototype as object, key) as unknown, key);
    properties[key] = { type, ...Object.fromEntries(KEPT.filter((k) => doc[k] !== undefined).map((k) => [k, doc[k]])) };
    if (doc.required !== false) required.push(key);
  }
  if (perSession) properties.session = SESSION_PROPERTY;
  return { type: 'object', properties, ...(required.length > 0 && { required }), additionalProperties: false };
}
