import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ErrorCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { mcpSchema } from '../common/shapes.js';
import { validateInput } from '../common/validation.js';
import { type Grant, lacksScope, refusal } from '../security/access.js';
import { mcpInputSchema } from './mcp-input.js';
import { McpInstructions, McpTool, type McpToolContext, type McpToolSpec } from './mcp-tool.decorator.js';
import { toolError, toolSuccess } from './mcp-tool-result.js';

interface ToolEntry {
  tool: Tool;
  order: number;
  scope: McpToolSpec['scope'];
  /** Validates the arguments with the REST DTO, then calls the feature's method (which calls the REST service). */
  run(args: unknown, context: McpToolContext): Promise<object>;
}

interface Catalog {
  tools: ReadonlyMap<string, ToolEntry>;
  instructions: string;
}

/**
 * The tools the feature modules declare with @McpTool, found once through Nest's discovery. This
 * module knows no feature: it serves what it finds, and adding a tool touches only its module.
 */
@Injectable()
export class McpTools {
  private found?: Catalog;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
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
  async call(name: string, args: unknown, context: McpToolContext, grant: Grant): Promise<CallToolResult> {
    const entry = this.catalog.tools.get(name);
    if (!entry) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}. Call tools/list for the available tools.`);
    const refused = grant.scopes.includes(entry.scope) ? refusal(grant, null, context.session) : lacksScope(entry.scope);
    if (refused) return toolError(refused);
    try {
      return toolSuccess(await entry.run(args, context));
    } catch (error) {
      return toolError(error);
    }
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
  const { name, title, description, annotations, input, output, order, scope } = spec;
  return {
    tool: { name, title, description, inputSchema: mcpInputSchema(input), outputSchema: outputSchema(output), annotations },
    order,
    scope,
    run: async (args, context) => (await invoke(input ? await validateInput(input, args) : undefined, context)) as object,
  };
}
