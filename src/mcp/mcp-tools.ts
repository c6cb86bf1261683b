import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ErrorCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { mcpSchema } from '../common/shapes.js';
import { AppError } from '../common/app-error.js';
import { DEFAULT_SESSION, SESSION_NAME_PATTERN } from '../common/session-name.js';
import { validateInput } from '../common/validation.js';
import { WhatsAppService } from '../whatsapp/whatsapp.service.js';
import { EVERY_SESSION, type Grant, lacksScope, refusal, rightsNow, type Scope } from '../security/access.js';
import { type KeysReloaded, SecurityTopic } from '../security/security-events.js';
import { mcpInputSchema } from './mcp-input.js';
import { McpInstructions, McpTool, type McpToolContext, type McpToolSpec } from './mcp-tool.decorator.js';
import { toolError, toolSuccess } from './mcp-tool-result.js';

interface ToolEntry {
  tool: Tool;
  order: number;
  scope: McpToolSpec['scope'];
  /** About the server, not one account: no `session`, and the key must cover every session. */
  serverWide: boolean;
  /** Validates the arguments with the REST DTO, then calls the feature's method (which calls the REST service). */
  run(args: Record<string, unknown>, context: McpToolContext): Promise<object>;
}

interface Catalog {
  tools: ReadonlyMap<string, ToolEntry>;
  instructions: string;
}

interface RunningCall {
  grant: Grant;
  scope: Scope;
  session: string | typeof EVERY_SESSION;
  revoked: AbortController;
}

/**
 * The tools the feature modules declare with @McpTool, found once through Nest's discovery. This
 * module knows no feature: it serves what it finds, and adding a tool touches only its module.
 */
@Injectable()
export class McpTools {
  private found?: Catalog;
  /** The calls running now, with the rights they were made under. */
  private readonly running = new Set<RunningCall>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly whatsapp: WhatsAppService,
  ) {}

  /** The tools the caller's key may call. */
  list(grant: Grant): Tool[] {
    return [...this.catalog.tools.values()].filter(({ scope }) => grant.scopes.includes(scope)).map(({ tool }) => tool);
  }

  /** The server's `instructions`: the text the tools' modules contribute. */
  instructions(): string {
    return this.catalog.instructions;
  }

  /**
   * An unknown tool is a protocol error (-32602); a failing tool is an `isError` result. A tool the key
   * may not call (hidden from its tools/list), or a session it may not use, is a `forbidden` result
   * naming the scope or session, as REST answers: the tool names are public, the refusal says why.
   */
  async call(name: string, args: Record<string, unknown> | undefined, signal: AbortSignal, grant: Grant): Promise<CallToolResult> {
    const entry = this.catalog.tools.get(name);
    if (!entry) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}. Call tools/list for the available tools.`);
    if (!grant.scopes.includes(entry.scope)) return toolError(lacksScope(entry.scope));
    try {
      const { session: named, ...rest } = args ?? {};
      // A session outside the key's list is refused before its existence is told.
      const session = typeof named === 'string' ? named : DEFAULT_SESSION;
      const refused = refusal(grant, null, entry.serverWide ? EVERY_SESSION : session);
      if (refused) return toolError(refused);
      return await this.run(entry, rest, { grant, signal, session, named });
    } catch (error) {
      return toolError(error);
    }
  }

  /**
   * A read-only call (a wait lasts up to a minute) is watched: a keys reload that takes its rights away
   * ends it with `forbidden`. A call that changes something (a send) runs to its end and tells what it
   * did: answering `forbidden` after a message went out would have it sent again.
   */
  private async run(
    entry: ToolEntry,
    args: Record<string, unknown>,
    { grant, signal, session, named }: { grant: Grant; signal: AbortSignal; session: string; named: unknown },
  ): Promise<CallToolResult> {
    const call: RunningCall | null =
      entry.tool.annotations?.readOnlyHint === true
        ? { grant, scope: entry.scope, session: entry.serverWide ? EVERY_SESSION : session, revoked: new AbortController() }
        : null;
    if (call) this.running.add(call);
    try {
      const result = await entry.run(args, {
        signal: call ? AbortSignal.any([signal, call.revoked.signal]) : signal,
        session: entry.serverWide ? DEFAULT_SESSION : this.sessionOf(named),
      });
      return call?.revoked.signal.aborted ? toolError(call.revoked.signal.reason) : toolSuccess(result);
    } catch (error) {
      return toolError(call?.revoked.signal.aborted ? call.revoked.signal.reason : error);
    } finally {
      if (call) this.running.delete(call);
    }
  }

  /**
   * Ends the running read-only calls whose key a keys reload removed or took this call's scope or
   * session from: they answer `forbidden`, whatever session they came through.
   */
  @OnEvent(SecurityTopic.keysReloaded)
  revokeCalls({ keys }: KeysReloaded): void {
    for (const call of this.running) {
      const now = rightsNow(call.grant, keys);
      const refused =
        now === null ? new AppError('forbidden', 'The key this call was made with was removed.') : refusal(now, call.scope, call.session);
      if (refused) call.revoked.abort(refused);
    }
  }

  /** The `session` argument: a session that exists (unknown → `session_not_found`, as REST's paths). */
  private sessionOf(value: unknown): string {
    if (value === undefined || value === null) return DEFAULT_SESSION;
    if (typeof value !== 'string' || !SESSION_NAME_PATTERN.test(value)) {
      throw new AppError('invalid_input', 'session must be a session name (1 to 32 characters: a-z, 0-9, "_" and "-").');
    }
    this.whatsapp.session(value);
    return value;
  }

  /** Providers are all instantiated before the first client connects, so the catalog is read once, then. */
  private get catalog(): Catalog {
    this.found ??= this.discover();
    return this.found;
  }

  private discover(): Catalog {
    const entries: ToolEntry[] = [];
    const instructions: string[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const text = this.discovery.getMetadataByDecorator(McpInstructions, wrapper);
      if (text) instructions.push(text);
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance) as object)) {
        const spec = this.discovery.getMetadataByDecorator(McpTool, wrapper, method);
        if (spec) entries.push(toolEntry(spec, (dto, context) => (instance[method] as ToolMethod).call(instance, dto, context)));
      }
    }
    entries.sort((a, b) => a.order - b.order);
    const tools = new Map(entries.map((entry) => [entry.tool.name, entry]));
    if (tools.size !== entries.length) throw new Error('Two MCP tools share a name');
    return { tools, instructions: instructions.join('\n') };
  }
}

/**
 * MCP wants an object schema with `properties` at the top, also for an answer that is one of several
 * objects (the pairing code): then the variants, under `oneOf`, carry the fields.
 */
const outputSchema = (shape: McpToolSpec['output']): Tool['outputSchema'] => ({ type: 'object', properties: {}, ...mcpSchema(shape) });

type ToolMethod = (dto: object | undefined, context: McpToolContext) => unknown;

function toolEntry(spec: McpToolSpec, invoke: ToolMethod): ToolEntry {
  const { name, title, description, annotations, input, output, order, scope, serverWide } = spec;
  return {
    tool: { name, title, description, inputSchema: mcpInputSchema(input, !serverWide), outputSchema: outputSchema(output), annotations },
    order,
    scope,
    serverWide: serverWide === true,
    run: async (args, context) => (await invoke(input ? await validateInput(input, args) : undefined, context)) as object,
  };
}
