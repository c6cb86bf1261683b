import { DEFAULT_SESSION } from '../common/session-name.js';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import { McpError, type ReadResourceResult, type ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import { merge, map, type Subscription } from 'rxjs';
import { describeError } from '../common/describe-error.js';
import {
  McpResourceTemplate,
  type McpResourceParams,
  type McpResourceSource,
  type McpResourceSpec,
  ResourceFile,
} from './mcp-resource.decorator.js';
import { RESOURCE_NOT_FOUND, resourceError } from './mcp-tool-result.js';

interface Family {
  spec: McpResourceSpec;
  template: UriTemplate;
  source: McpResourceSource;
}

/** One connection's subscriptions: resource key → the URI as the client wrote it (notifications repeat it). */
type Subscriptions = Map<string, string>;

const keyOf = (family: Family, params: McpResourceParams): string =>
  `${family.spec.uriTemplate}\n${JSON.stringify(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1)))}`;

/**
 * The resource templates the feature modules declare with @McpResourceTemplate, found through
 * Nest's discovery, and the subscriptions of every connected server: a change a source announces
 * reaches each server subscribed to that resource as `notifications/resources/updated`.
 */
@Injectable()
export class McpResources implements OnModuleDestroy {
  private readonly logger = new Logger('MCP');
  private found?: Family[];
  private readonly servers = new Map<Server, Subscriptions>();
  private listening: Subscription | null = null;

  constructor(private readonly discovery: DiscoveryService) {}

  get templates(): ResourceTemplate[] {
    return this.families.map(({ spec }) => ({ ...spec }));
  }

  /** `authorise` throws when the caller may not read the session the URI names (`default` when it names none). */
  async read(uri: string, authorise: (session: string) => void): Promise<ReadResourceResult> {
    const { family, params } = this.resolve(uri);
    authorise(params.session ?? DEFAULT_SESSION);
    let answer: object | ResourceFile;
    try {
      answer = await family.source.read(params);
    } catch (error) {
      throw resourceError(error);
    }
    if (answer instanceof ResourceFile) return { contents: [{ uri, mimeType: answer.mimeType, blob: answer.data.toString('base64') }] };
    return { contents: [{ uri, mimeType: family.spec.mimeType, text: JSON.stringify(answer) }] };
  }

  /** Starts tracking a connected server's subscriptions; they end with `detach`. */
  attach(server: Server): void {
    this.servers.set(server, new Map());
    this.listening ??= merge(
      ...this.families.map((family) => family.source.updated$.pipe(map((params) => keyOf(family, params)))),
    ).subscribe((key) => this.notify(key));
  }

  detach(server: Server): void {
    this.servers.delete(server);
  }

  subscribe(server: Server, uri: string): void {
    const { family, params } = this.resolve(uri);
    this.servers.get(server)?.set(keyOf(family, params), uri);
  }

  unsubscribe(server: Server, uri: string): void {
    const { family, params } = this.resolve(uri);
    this.servers.get(server)?.delete(keyOf(family, params));
  }

  /** Subscriptions held now, over every connection. */
  get subscriptions(): number {
    return [...this.servers.values()].reduce((sum, subscriptions) => sum + subscriptions.size, 0);
  }

  onModuleDestroy(): void {
    this.listening?.unsubscribe();
  }

  private notify(key: string): void {
    for (const [server, subscriptions] of this.servers) {
      const uri = subscriptions.get(key);
      if (uri === undefined) continue;
      server
        .sendResourceUpdated({ uri })
        .catch((error: unknown) => this.logger.warn(`Could not notify an MCP client of a resource update: ${describeError(error)}`));
    }
  }

  private resolve(uri: string): { family: Family; params: McpResourceParams } {
    for (const family of this.families) {
      const matched = family.template.match(uri);
      if (!matched) continue;
      try {
        const params = Object.fromEntries(Object.entries(matched).map(([name, value]) => [name, decodeURIComponent(String(value))]));
        return { family, params };
      } catch {
        break;
      }
    }
    throw new McpError(RESOURCE_NOT_FOUND, `Resource not found: ${uri.slice(0, 200)}. Call resources/templates/list for the URIs served.`);
  }

  /** Providers are all instantiated before the first client connects, so they are looked up once, then. */
  private get families(): Family[] {
    this.found ??= this.discovery.getProviders().flatMap((wrapper) => {
      const spec = this.discovery.getMetadataByDecorator(McpResourceTemplate, wrapper);
      return spec && wrapper.instance
        ? [{ spec, template: new UriTemplate(spec.uriTemplate), source: wrapper.instance as McpResourceSource }]
        : [];
    });
    return this.found;
  }
}
