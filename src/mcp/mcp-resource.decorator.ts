import { DiscoveryService } from '@nestjs/core';
import type { Observable } from 'rxjs';

/** What a feature declares about a family of resources: one URI template (RFC 6570, simple `{name}` variables). */
export interface McpResourceSpec {
  uriTemplate: string;
  name: string;
  title: string;
  description: string;
  /** The content is the answer of `read`, as JSON; or, for files (a ResourceFile each), the type they share at most. */
  mimeType: 'application/json' | 'application/octet-stream';
}

/** A resource whose content is a file: sent as a base64 `blob` with the file's own type. */
export class ResourceFile {
  constructor(
    readonly mimeType: string,
    readonly data: Buffer,
  ) {}
}

/** The variables of a template's URI, decoded. */
export type McpResourceParams = Record<string, string>;

/** A provider marked with @McpResourceTemplate serves the resources of its template. */
export interface McpResourceSource {
  /** The content of one resource; an AppError is answered as the MCP error of its code. */
  read(params: McpResourceParams): Promise<object | ResourceFile>;
  /** The variables of each resource whose content changed, as they change: subscribed clients are told. */
  readonly updated$: Observable<McpResourceParams>;
}

/**
 * Marks a provider (an McpResourceSource) as serving a resource template; McpResources finds it
 * at boot, as McpTools finds tools. The feature declares what and when; `src/mcp` serves it.
 */
export const McpResourceTemplate = DiscoveryService.createDecorator<McpResourceSpec>();
