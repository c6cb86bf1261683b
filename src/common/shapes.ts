import { z } from 'zod';

/*
 * Answer shapes are declared once, as zod schemas in their feature folder, and registered here under
 * their OpenAPI component name. Everything else is derived: the TypeScript type (z.infer), the MCP
 * output schema (mcpSchema) and the OpenAPI components (openApiComponents, at build time).
 */

export type JsonSchema = { [keyword: string]: unknown };

const ANSWERS = z.registry<{ id: string }>();

/** Registers a shape as the OpenAPI component `id`. */
export function answer<T extends z.ZodType>(id: string, schema: T): T {
  ANSWERS.add(schema, { id });
  return schema;
}

/** The reference to a registered shape, as a route's answer in the OpenAPI document. */
export function shapeRef(shape: z.ZodType): { $ref: string } {
  const id = ANSWERS.get(shape)?.id;
  if (!id) throw new Error('This shape is not registered with answer(): it has no OpenAPI component');
  return { $ref: `#/components/schemas/${id}` };
}

/** A field with the description and example both forms show. */
export const documented = <T extends z.ZodType>(schema: T, description: string | undefined, example?: unknown): T =>
  schema.meta({ ...(description && { description }), ...(example !== undefined && { example }) });

/** An ISO 8601 time, documented as such without zod's own (long) validation pattern. */
export const isoTime = (): z.ZodString => z.string().meta({ format: 'date-time' });

/**
 * The shape as a self-contained JSON Schema for MCP. A nullable field is written `anyOf` with a
 * `null` branch, never as a `type` array: clients that map tool schemas onto a single-`type` dialect
 * (Gemini's OpenAPI subset) reject type arrays, and the MCP Inspector warns about them.
 */
export function mcpSchema(schema: z.ZodType): JsonSchema {
  return tidy(z.toJSONSchema(schema, { target: 'draft-07', io: 'input', unrepresentable: 'throw' }), 'mcp');
}

/** Every registered shape as OpenAPI 3.0 components (nullable as `nullable: true`, the only form 3.0 has). */
export function openApiComponents(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(ANSWERS, { target: 'openapi-3.0', io: 'input', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, tidy(schema as JsonSchema, 'openapi')]));
}

const NESTED = ['anyOf', 'oneOf', 'allOf'] as const;

const isEmptySchema = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;

/** Removes what zod adds beyond the shape (schema ids, the safe-integer bounds of z.int()) and spells nullability per dialect. */
function tidy(node: JsonSchema, dialect: 'mcp' | 'openapi'): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = node;
  const out: JsonSchema = { ...rest };
  if (out.maximum === Number.MAX_SAFE_INTEGER) delete out.maximum;
  if (out.minimum === Number.MIN_SAFE_INTEGER) delete out.minimum;
  // A record's keys: JSON object keys are strings anyway, and OpenAPI 3.0 has no propertyNames.
  if ((out.propertyNames as JsonSchema | undefined)?.type === 'string') delete out.propertyNames;
  if (dialect === 'mcp') delete out.example;
  if (out.properties) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties as Record<string, JsonSchema>).map(([key, value]) => [key, tidy(value, dialect)]),
    );
  }
  if (out.items) out.items = tidy(out.items as JsonSchema, dialect);
  // zod writes "any value" as `{}`; `true` says the same, and schema checkers (the MCP Inspector)
  // flag an empty schema as one that forgot its type.
  if (isEmptySchema(out.additionalProperties)) out.additionalProperties = true;
  for (const keyword of NESTED) {
    if (Array.isArray(out[keyword])) out[keyword] = (out[keyword] as JsonSchema[]).map((part) => tidy(part, dialect));
  }
  if (Array.isArray(out.type)) {
    const { type, description, ...constraints } = out;
    return {
      ...(description !== undefined && { description }),
      anyOf: (type as string[]).map((single) => (single === 'null' ? { type: 'null' } : { type: single, ...constraints })),
    };
  }
  return out;
}
