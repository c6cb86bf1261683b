import type { AddressInfo } from 'node:net';
import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { HttpAdapterHost } from '@nestjs/core';
import { SERVICE_NAME } from '../common/service.js';
import { AppConfig } from '../config/app-config.js';
import { WhatsAppService } from '../whatsapp/whatsapp.service.js';
import type { HealthAnswer, ReadinessAnswer } from './health.answers.js';

@Injectable()
export class HealthService {
  constructor(
    private readonly whatsapp: WhatsAppService,
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Without the API key (when one is set) liveness shows only the state: no account, path or QR. */
  health(authenticated: boolean): HealthAnswer {
    const status = this.whatsapp.session().status();
    return {
      ok: true,
      name: SERVICE_NAME,
      mcp: this.mcpUrl(),
      status: authenticated ? status : { state: status.state, ready: status.ready },
    };
  }

  /**
   * Readiness for load balancers and supervisors: 200 only while the WhatsApp client is ready, 503
   * otherwise. Like liveness it needs no key and shows only the state.
   */
  readiness(response: Response): ReadinessAnswer {
    const { state, ready } = this.whatsapp.session().status();
    response.status(ready ? 200 : 503);
    return { ready, state };
  }

  /** The MCP address as clients reach it: the configured host and the port actually listened on. */
  private mcpUrl(): string {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as { address(): AddressInfo | string | null } | undefined;
    const address = server?.address() ?? null;
    const port = address && typeof address === 'object' ? address.port : this.config.port;
    const host = this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host;
    return `http://${host}:${port}/mcp`;
  }
}
