import { DiscoveryService } from '@nestjs/core';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { Scope } from '../security/access.js';

/** What a feature declares about one of its tools; the schemas are derived from `input` and `output`. */
export interface McpToolSpec {
  name: string;
  title: string;
  description: string;
  annotations: ToolAnnotations;
  /** The REST DTO that validates the arguments (the same rules and texts as REST); none: no input. */
  input?: new () => object;
  /** The answer shape, as the REST route documents it. */
  output: z.ZodType;
  /** The scope a key needs to see and call it (as its REST route). */
  scope: Scope;
  /** Its place in tools/list, which follows the linking flow rather than the modules. */
  order: number;
  /** A tool about the server rather than one account: it takes no `session` argument. */
  serverWide?: boolean;
}

/** What a tool method gets beside its input. */
export interface McpToolContext {
  /** Aborted when the client cancels the call or its connection closes: a tool that waits stops then. */
  signal: AbortSignal;
  /** The session (account) the call acts on: its `session` argument, else `default`; it exists. */
  session: string;
}

/**
 * Marks a provider method as an MCP tool; McpTools finds it at boot. The method gets the validated
 * DTO (undefined when the tool has no input) and the call's context, and returns the same answer as the REST route.
 */
export const McpTool = DiscoveryService.createDecorator<McpToolSpec>();

/** On a provider class that declares tools: text for the server's `instructions`, given to every client. */
export const McpInstructions = DiscoveryService.createDecorator<string>();
