import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import request from 'supertest';
import { validateInput } from '../../src/common/validation.js';
import { ListChatsDto } from '../../src/messaging/dto/list-chats.dto.js';
import { SearchToolDto } from '../../src/store/dto/search-tool.dto.js';
import { connectClient, type McpTestApp, startMcpApp } from '../mcp-harness.js';

/*
 * Issue 10: for every tool, the advertised schemas say what the REST route does. The input schema
 * accepts and refuses what the route accepts and refuses (except where the contract keeps the schema
 * looser or stricter, each listed with its reason); the output schema is the route's documented
 * answer. /openapi.json is the built document: run `npm run build` first (npm test does).
 */

type Schema = Record<string, unknown>;
type Verdict = 'accepts' | 'refuses';

/** The REST route of each tool (the one taking JSON where there are two). */
const ROUTES: Record<string, string> = {
  whatsapp_status: 'GET /api/status',
  whatsapp_start_auth: 'POST /api/auth/start',
  whatsapp_pairing_code: 'POST /api/pairing-code',
  whatsapp_send_message: 'POST /api/send',
  whatsapp_list_chats: 'GET /api/chats',
  whatsapp_read_messages: 'POST /api/messages',
  whatsapp_logout: 'POST /api/logout',
  whatsapp_search_messages: 'GET /api/search',
  whatsapp_send_media: 'POST /api/send-media',
};

/** Tools with no REST route taking the same input: only their answer is a route's (GET /api/events lists what the wait waits for). */
const ANSWER_ONLY: Record<string, string> = {
  whatsapp_wait_for_messages: 'GET /api/events',
  whatsapp_list_sessions: 'GET /api/sessions',
};

/**
 * Tools whose REST route answers with a file rather than JSON: the input is the route's path
 * parameter, and the answer is the tool's own shape, a component of the document.
 */
const FILE_ROUTES: Record<string, { path: (args: Record<string, unknown>) => string; answer: string }> = {
  whatsapp_download_media: {
    path: (args) => `/api/messages/${encodeURIComponent(String(args.message_id))}/media`,
    answer: 'MediaDownloadAnswer',
  },
};

/** Why the schema and the server may disagree, by contract (API.md: "these names and inputs, no other properties"). */
const GAPS = {
  serverRule:
    'a rule finer than the contract types (digits in a number, a blank or long message): the server checks it and its text reaches the agent',
  noOtherProperties: 'the contract lists the only properties; the server ignores others',
  jsonTypes: 'a query string carries text and may omit a value: the server reads "5" and null as REST queries do; tools take JSON types',
  pathText: 'a path parameter is always text, so a number there is read as its digits; tools take JSON types',
} as const;

interface Row {
  tool: string;
  args: Record<string, unknown>;
  rest: Verdict;
  schema: Verdict;
  gap?: keyof typeof GAPS;
}

const PHONE = '+1 555 123 4567';
const row = (tool: string, args: Record<string, unknown>, rest: Verdict, schema: Verdict = rest, gap?: keyof typeof GAPS): Row => ({
  tool,
  args,
  rest,
  schema,
  gap,
});

const TABLE: Row[] = [
  row('whatsapp_status', {}, 'accepts'),
  row('whatsapp_start_auth', {}, 'accepts'),
  row('whatsapp_start_auth', { surprise: 1 }, 'accepts', 'refuses', 'noOtherProperties'),
  row('whatsapp_logout', {}, 'accepts'),
  row('whatsapp_pairing_code', { phone_number: PHONE }, 'accepts'),
  row('whatsapp_pairing_code', {}, 'refuses'),
  row('whatsapp_pairing_code', { phone_number: 15551234567 }, 'refuses'),
  row('whatsapp_pairing_code', { phone_number: null }, 'refuses'),
  row('whatsapp_pairing_code', { phone_number: [PHONE] }, 'refuses'),
  row('whatsapp_pairing_code', { phone_number: '1234567' }, 'refuses', 'accepts', 'serverRule'),
  row('whatsapp_pairing_code', { phone_number: PHONE, surprise: 1 }, 'accepts', 'refuses', 'noOtherProperties'),
  row('whatsapp_send_message', { phone_number: PHONE, message: 'hi' }, 'accepts'),
  row('whatsapp_send_message', { phone_number: PHONE }, 'refuses'),
  row('whatsapp_send_message', { message: 'hi' }, 'refuses'),
  row('whatsapp_send_message', { phone_number: PHONE, message: 5 }, 'refuses'),
  row('whatsapp_send_message', { phone_number: PHONE, message: { text: 'hi' } }, 'refuses'),
  row('whatsapp_send_message', { phone_number: PHONE, message: '   ' }, 'refuses', 'accepts', 'serverRule'),
  row('whatsapp_send_message', { phone_number: PHONE, message: 'x'.repeat(65_537) }, 'refuses', 'accepts', 'serverRule'),
  row('whatsapp_send_media', { phone_number: PHONE, url: 'https://files.example/a.png' }, 'accepts'),
  row('whatsapp_send_media', { phone_number: PHONE, data: 'iVBORw==', mimetype: 'image/png', filename: 'a.png', caption: 'hi' }, 'accepts'),
  row('whatsapp_send_media', { phone_number: PHONE, data: 'AAAA', mimetype: 'audio/ogg', as_voice: true }, 'accepts'),
  row('whatsapp_send_media', { url: 'https://files.example/a.png' }, 'refuses'),
  row('whatsapp_send_media', { phone_number: PHONE, as_voice: 'yes', url: 'https://files.example/a.png' }, 'refuses'),
  row('whatsapp_send_media', { phone_number: PHONE, caption: 5, url: 'https://files.example/a.png' }, 'refuses'),
  row('whatsapp_send_media', { phone_number: PHONE }, 'refuses', 'accepts', 'serverRule'),
  row('whatsapp_send_media', { phone_number: PHONE, data: 'AAAA' }, 'refuses', 'accepts', 'serverRule'),
  row(
    'whatsapp_send_media',
    { phone_number: PHONE, url: 'https://files.example/a.png', data: 'AAAA', mimetype: 'image/png' },
    'refuses',
    'accepts',
    'serverRule',
  ),
  row('whatsapp_send_media', { phone_number: PHONE, data: 'not base64!', mimetype: 'image/png' }, 'refuses', 'accepts', 'serverRule'),
  row('whatsapp_list_chats', {}, 'accepts'),
  row('whatsapp_list_chats', { limit: 1 }, 'accepts'),
  row('whatsapp_list_chats', { limit: 100 }, 'accepts'),
  row('whatsapp_list_chats', { limit: 0 }, 'refuses'),
  row('whatsapp_list_chats', { limit: 101 }, 'refuses'),
  row('whatsapp_list_chats', { limit: 2.5 }, 'refuses'),
  row('whatsapp_list_chats', { limit: 'many' }, 'refuses'),
  row('whatsapp_list_chats', { limit: '5' }, 'accepts', 'refuses', 'jsonTypes'),
  row('whatsapp_list_chats', { limit: null }, 'accepts', 'refuses', 'jsonTypes'),
  row('whatsapp_read_messages', { phone_number: PHONE }, 'accepts'),
  row('whatsapp_read_messages', { phone_number: PHONE, limit: 100 }, 'accepts'),
  row('whatsapp_read_messages', { phone_number: PHONE, limit: 0 }, 'refuses'),
  row('whatsapp_read_messages', { phone_number: PHONE, limit: -3 }, 'refuses'),
  row('whatsapp_read_messages', { limit: 5 }, 'refuses'),
  row('whatsapp_read_messages', { phone_number: 'no digits' }, 'refuses', 'accepts', 'serverRule'),
  row('whatsapp_search_messages', { query: 'invoice' }, 'accepts'),
  row('whatsapp_search_messages', { query: 'invoice', phone_number: PHONE, limit: 100, context: 5 }, 'accepts'),
  row('whatsapp_search_messages', {}, 'refuses'),
  row('whatsapp_search_messages', { query: 'invoice', limit: 0 }, 'refuses'),
  row('whatsapp_search_messages', { query: 'invoice', context: 6 }, 'refuses'),
  row('whatsapp_search_messages', { query: 'invoice', context: -1 }, 'refuses'),
  row('whatsapp_search_messages', { query: 'x'.repeat(1025) }, 'refuses', 'accepts', 'serverRule'),
  row('whatsapp_search_messages', { query: '( - : )' }, 'refuses', 'accepts', 'serverRule'),
  row('whatsapp_download_media', { message_id: 'false_15551234567@c.us_3EB0C767D26A1B2C3D4E' }, 'accepts'),
  row('whatsapp_download_media', { message_id: 'has a space' }, 'refuses', 'accepts', 'serverRule'),
  row('whatsapp_download_media', { message_id: 'x'.repeat(257) }, 'refuses', 'accepts', 'serverRule'),
  row('whatsapp_download_media', { message_id: 12345 }, 'accepts', 'refuses', 'pathText'),
];

let t: McpTestApp;
let client: Client;
let tools: Map<string, Tool>;
let document: { paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> } };

beforeAll(async () => {
  t = await startMcpApp();
  ({ client } = await connectClient(t.url));
  tools = new Map((await client.listTools()).tools.map((tool) => [tool.name, tool]));
  document = (await request(t.app.getHttpServer()).get('/openapi.json').expect(200)).body;
});

afterAll(async () => {
  await client.close();
  await t.app.close();
});

/** The verdict of the SDK's own validator (ajv) on the advertised input schema. */
function schemaVerdict(tool: string, args: object): Verdict {
  const validate = new AjvJsonSchemaValidator().getValidator(tools.get(tool)!.inputSchema);
  return validate(args).valid ? 'accepts' : 'refuses';
}

/** The verdict of the real REST route: 400 `invalid_input` is a refusal, any other answer got past validation. */
async function restVerdict(tool: string, args: Record<string, unknown>): Promise<Verdict> {
  if (tool === 'whatsapp_list_chats' || tool === 'whatsapp_search_messages') {
    // Only a GET with a query string (and the search tool names its words `query`): the same DTO and pipe, given the JSON value as is.
    return validateInput(tool === 'whatsapp_list_chats' ? ListChatsDto : SearchToolDto, args).then(
      () => 'accepts',
      () => 'refuses',
    );
  }
  if (tool in FILE_ROUTES) {
    const res = await request(t.app.getHttpServer()).get(FILE_ROUTES[tool].path(args));
    if (res.status === 400) expect(res.body).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    return res.status === 400 ? 'refuses' : 'accepts';
  }
  const [method, path] = ROUTES[tool].split(' ');
  const http = request(t.app.getHttpServer());
  const res = method === 'GET' ? await http.get(path) : await http.post(path).send(tool === 'whatsapp_send_media' ? mediaBody(args) : args);
  if (res.status === 400) {
    expect(res.body).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    return 'refuses';
  }
  return 'accepts';
}

/** The media tool's flat arguments as the route's JSON body (`media` holds the file's source). */
function mediaBody({ url, data, mimetype, filename, ...rest }: Record<string, unknown>): Record<string, unknown> {
  const media = {
    ...(url !== undefined && { url }),
    ...(data !== undefined && { data }),
    ...(mimetype !== undefined && { mimetype }),
    ...(filename !== undefined && { filename }),
  };
  return Object.keys(media).length > 0 ? { ...rest, media } : rest;
}

describe('input schemas against the REST routes', () => {
  it('the table covers every tool', () => {
    expect([...tools.keys()].sort()).toEqual([...Object.keys(ROUTES), ...Object.keys(ANSWER_ONLY), ...Object.keys(FILE_ROUTES)].sort());
    expect([...new Set(TABLE.map((r) => r.tool))].sort()).toEqual([...Object.keys(ROUTES), ...Object.keys(FILE_ROUTES)].sort());
  });

  it.each(TABLE.map((r) => [r.tool, JSON.stringify(r.args).slice(0, 60), r] as const))('%s %s', async (_tool, _args, r) => {
    const seen = { schema: schemaVerdict(r.tool, r.args), rest: await restVerdict(r.tool, r.args) };
    expect(seen).toEqual({ schema: r.schema, rest: r.rest });
    // They differ only where the contract says why.
    expect(r.schema === r.rest || (r.gap !== undefined && r.gap in GAPS)).toBe(true);
  });
});

/**
 * A schema in one neutral spelling: references resolved, nullability as `nullable`, `const` as `enum`,
 * examples left out. MCP gets JSON Schema (null as a type) and OpenAPI 3.0 its own dialect (`nullable`):
 * no single spelling is portable to both, so the comparison is of what they mean.
 */
function neutral(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(neutral);
  if (!node || typeof node !== 'object') return node;
  const { $ref, allOf, anyOf, const: constant, example: _example, nullable, ...rest } = node as Schema;
  if (typeof $ref === 'string') return neutral(document.components.schemas[$ref.replace('#/components/schemas/', '')]);
  let out: Schema = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, neutral(value)]));
  // Says nothing (JSON object keys are strings), and OpenAPI 3.0 has no such keyword.
  if (JSON.stringify(out.propertyNames) === '{"type":"string"}') delete out.propertyNames;
  if (constant !== undefined) out.enum = [constant];
  if (Array.isArray(allOf) && allOf.length === 1) out = { ...(neutral(allOf[0]) as Schema), ...out };
  else if (allOf) out.allOf = neutral(allOf);
  let isNullable = nullable === true;
  if (Array.isArray(anyOf)) {
    const branches = (anyOf as Schema[]).filter((branch) => branch.type !== 'null');
    isNullable ||= branches.length < anyOf.length;
    if (branches.length === 1) out = { ...(neutral(branches[0]) as Schema), ...out };
    else out.anyOf = neutral(branches);
  }
  // Only null: `{ type: null }` in JSON Schema, a nullable `enum: [null]` in OpenAPI 3.0, which has no null type.
  if (out.type === 'null') {
    out.enum = [null];
    isNullable = true;
  }
  if (Array.isArray(out.enum) && out.enum.length === 1 && out.enum[0] === null) delete out.type;
  if (isNullable) out.nullable = true;
  // MCP wants an object at the top; an answer that is one of several objects is that object's oneOf.
  if (out.oneOf && out.type === 'object' && Object.keys((out.properties as object) ?? {}).length === 0) {
    delete out.type;
    delete out.properties;
  }
  return out;
}

describe('output schemas against the documented answers', () => {
  it.each(Object.entries({ ...ROUTES, ...ANSWER_ONLY }))('%s answers what %s documents', (tool, route) => {
    const [method, path] = route.split(' ');
    const answer = (
      document.paths[path][method.toLowerCase()] as { responses: Record<string, { content: Record<string, { schema: Schema }> }> }
    ).responses['200'].content['application/json'].schema;
    expect(neutral(tools.get(tool)!.outputSchema)).toEqual(neutral(answer));
  });

  it.each(Object.entries(FILE_ROUTES))('%s answers its documented component', (tool, { answer }) => {
    expect(neutral(tools.get(tool)!.outputSchema)).toEqual(neutral(document.components.schemas[answer]));
  });

  it('the comparison sees a drift: an integer written as a number', () => {
    const status = structuredClone(tools.get('whatsapp_status')!.outputSchema) as { properties: Record<string, Schema> };
    status.properties.restarts.type = 'number';
    const documented = (document.paths['/api/status'].get as { responses: Record<string, { content: Record<string, { schema: Schema }> }> })
      .responses['200'].content['application/json'].schema;
    expect(neutral(status)).not.toEqual(neutral(documented));
  });
});
