import { mcpSchema, openApiComponents } from '../../src/common/shapes.js';
import { EventsAnswerShape } from '../../src/events/events.answers.js';

/** Every place in a schema where a sub-schema is `{}` (it constrains nothing: the MCP Inspector warns). */
function emptySchemas(node: unknown, at: string): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => emptySchemas(item, `${at}[${i}]`));
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    ['additionalProperties', 'items'].includes(key) && value && typeof value === 'object' && Object.keys(value).length === 0
      ? [`${at}.${key}`]
      : emptySchemas(value, `${at}.${key}`),
  );
}

describe('portable schemas', () => {
  it('a free-form object is written additionalProperties: true, never an empty schema', () => {
    const mcp = mcpSchema(EventsAnswerShape) as { properties: { events: { items: { properties: { data: object } } } } };
    expect(mcp.properties.events.items.properties.data).toEqual(expect.objectContaining({ type: 'object', additionalProperties: true }));
    expect(emptySchemas(mcp, 'mcp')).toEqual([]);
    expect(emptySchemas(openApiComponents(), 'openapi')).toEqual([]);
    // The check sees one when there is one.
    expect(emptySchemas({ properties: { a: { type: 'object', additionalProperties: {} } } }, 'x')).toEqual([
      'x.properties.a.additionalProperties',
    ]);
  });
});
